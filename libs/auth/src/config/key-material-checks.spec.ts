import { beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { AuthConfigError } from './auth-config-error.js';
import { checkJwtKey, checkKeySource, checkSecret } from './key-material-checks.js';

/** A self-signed P-256 certificate (openssl req -x509), base64 of its DER. */
const CERTIFICATE_BASE64 =
  'MIIBczCCARmgAwIBAgIUFOndhIz6dcnuiy8c0qmQdpn1tJswCgYIKoZIzj0EAwIwDzENMAsGA1UEAwwEc3BlYzAeFw0yNjEyMDUxMTU1NTNaFw0yNjEyMDYx' +
  'MTU1NTNaMA8xDTALBgNVBAMMBHNwZWMwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAS8kYS7S0KSQbfxDUcpTuul8hvKJeywrIjKcH8aSc4SKAXueu4DG6yU' +
  'GEJ4bYDizrR47BhpYQqbWqAdBq3GKzpSo1MwUTAdBgNVHQ4EFgQUKd8/TXhgeK/1XDrcgx8VhgyRc6swHwYDVR0jBBgwFoAUKd8/TXhgeK/1XDrcgx8VhgyR' +
  'c6swDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiABYS20Cbor0zzgp+c9IUqMFtHNzPNib0L6AP7PE1FRAQIhAPCBJ5S4wigvpohDssqXvznz' +
  'mrRzRC0OO8g94MGnYxeR';

function refusal(check: () => void): AuthConfigError {
  try {
    check();
  } catch (error) {
    return error as AuthConfigError;
  }
  throw new Error('expected the check to throw');
}

describe('checkSecret', () => {
  it('accepts random secrets in every usual encoding (no false positives)', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(32 + (i % 33));
      expect(() => checkSecret(new Uint8Array(bytes))).not.toThrow();
      expect(() => checkSecret(bytes.toString('base64'))).not.toThrow();
      expect(() => checkSecret(bytes.toString('base64url'))).not.toThrow();
      expect(() => checkSecret(bytes.toString('hex'))).not.toThrow();
    }
  });

  it('names the kind of material and points to the right option', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const error = refusal(() => checkSecret(pem));
    expect(error.option).toBe('secret');
    expect(error.message).toMatch(/PEM key material.*jwtKey/);
    expect(refusal(() => checkSecret(JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'a'.repeat(43), y: 'b'.repeat(43) }))).message).toMatch(/JWK.*jwks/);
  });

  it('keeps the type and length checks', () => {
    expect(refusal(() => checkSecret(42)).message).toMatch(/string or a Uint8Array/);
    expect(refusal(() => checkSecret('short')).message).toMatch(/at least 32 bytes \(got 5\)/);
  });
});

describe('checkJwtKey', () => {
  it.each(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY'])('refuses a "%s" block', (label) => {
    const error = refusal(() => checkJwtKey(`-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`));
    expect(error.option).toBe('jwtKey');
    expect(error.message).toMatch(/private key/);
    expect(error.message).not.toContain('AAAA');
  });

  it('requires PEM text', () => {
    expect(refusal(() => checkJwtKey('abc')).message).toMatch(/PEM public key/);
  });
});

describe('checkSecret, the material it recognises', () => {
  const advice =
    'not a shared secret: anyone with the matching public key could sign tokens. Use jwtKey for a PEM public key or certificate, jwks for JWKs, jwksUrl for a key set URL';
  const kindOf = (value: unknown) => {
    const error = refusal(() => checkSecret(value));
    expect(error.option).toBe('secret');
    const match = /invalid option "secret": holds (.+), not a shared secret/.exec(error.message);
    expect(error.message.endsWith(advice)).toBe(true);
    return match?.[1];
  };
  let ec: ReturnType<typeof generateKeyPairSync>;
  let rsa: ReturnType<typeof generateKeyPairSync>;
  let certificateDer: Buffer;
  beforeAll(() => {
    ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // A certificate's DER, taken from a PEM made once for these specs (self-signed, P-256, expired: only its shape matters).
    certificateDer = Buffer.from(CERTIFICATE_BASE64, 'base64');
  });

  it('is at least 32 bytes, counted in UTF-8 bytes for text', () => {
    expect(refusal(() => checkSecret('a'.repeat(31))).message).toMatch(/must be at least 32 bytes \(got 31\)$/);
    expect(() => checkSecret('a'.repeat(32))).not.toThrow();
    expect(refusal(() => checkSecret(new Uint8Array(31))).message).toMatch(/\(got 31\)$/);
    expect(() => checkSecret('é'.repeat(16))).not.toThrow();
    expect(refusal(() => checkSecret('é'.repeat(15))).message).toMatch(/\(got 30\)$/);
    expect(refusal(() => checkSecret(null)).message).toMatch(/expected a string or a Uint8Array$/);
    expect(refusal(() => checkSecret('')).message).toMatch(/must be at least 32 bytes \(got 0\)$/);
    expect(refusal(() => checkSecret(new Uint8Array(0))).message).toMatch(/\(got 0\)$/);
  });

  it('names PEM private keys, PEM public keys and certificates, in text or bytes', () => {
    const privatePem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(kindOf(privatePem)).toBe('a PEM private key');
    expect(kindOf(rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString())).toBe('a PEM private key');
    expect(kindOf(publicPem)).toBe('PEM key material');
    expect(kindOf(new TextEncoder().encode(privatePem))).toBe('a PEM private key');
    expect(kindOf(`-----BEGIN CERTIFICATE-----\n${CERTIFICATE_BASE64}\n-----END CERTIFICATE-----\n`)).toBe('PEM key material');
  });

  it('names a JWK and a JWKS, with space around them, and nothing else that is JSON', () => {
    const jwk = ec.publicKey.export({ format: 'jwk' });
    expect(kindOf(JSON.stringify(jwk))).toBe('a JWK or JWKS (JSON)');
    expect(kindOf(`  ${JSON.stringify({ keys: [jwk] })}\n`)).toBe('a JWK or JWKS (JSON)');
    expect(kindOf(JSON.stringify({ keys: [] }).padEnd(40))).toBe('a JWK or JWKS (JSON)');
    for (const text of [
      JSON.stringify({ keys: {}, padding: 'x'.repeat(32) }),
      JSON.stringify({ secret: 'x'.repeat(40) }),
      '{ not json at all, just a secret }',
      JSON.stringify([jwk]),
      'null'.padEnd(40, ' '),
    ]) {
      expect(() => checkSecret(text)).not.toThrow();
    }
  });

  it('names DER keys and certificates given bare: base64, base64url, wrapped, or as bytes', () => {
    const spki = ec.publicKey.export({ type: 'spki', format: 'der' });
    const pkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'der' });
    const pkcs8 = ec.privateKey.export({ type: 'pkcs8', format: 'der' });
    const der = 'DER key material or an X.509 certificate';
    expect(kindOf(spki.toString('base64'))).toBe(der);
    expect(kindOf(pkcs1.toString('base64'))).toBe(der);
    expect(kindOf(pkcs8.toString('base64'))).toBe(der);
    expect(kindOf(certificateDer.toString('base64'))).toBe(der);
    expect(kindOf(certificateDer.toString('base64').replace(/(.{64})/g, '$1\n'))).toBe(der);
    expect(kindOf(new Uint8Array(spki))).toBe(der);
    expect(kindOf(new Uint8Array(certificateDer))).toBe(der);
    // base64url: a DER whose base64 holds '+' or '/' is written with '-' or '_' instead.
    const urlSafe = [spki, pkcs1, pkcs8, certificateDer].map((b) => b.toString('base64url')).find((t) => /[-_]/.test(t));
    expect(urlSafe).toBeDefined();
    expect(kindOf(urlSafe)).toBe(der);
  });

  it('takes bytes and base64 that only start like DER', () => {
    const sequence = Buffer.concat([Buffer.from([0x30, 0x82]), randomBytes(40)]);
    expect(() => checkSecret(new Uint8Array(sequence))).not.toThrow();
    expect(() => checkSecret(sequence.toString('base64'))).not.toThrow();
    const spki = ec.publicKey.export({ type: 'spki', format: 'der' });
    // Not a SEQUENCE first: not DER, whatever follows.
    expect(() => checkSecret(Buffer.concat([Buffer.from([0x31]), spki.subarray(1)]).toString('base64'))).not.toThrow();
    expect(() => checkSecret(new Uint8Array(Buffer.concat([Buffer.from([0x31]), spki.subarray(1)])))).not.toThrow();
    // Not base64 text, at either end: never decoded (Node's decoder would skip the '!' and find the key).
    expect(() => checkSecret(`${spki.toString('base64')}!`)).not.toThrow();
    expect(() => checkSecret(`!${spki.toString('base64')}`)).not.toThrow();
  });
});

describe('checkJwtKey, what it takes', () => {
  it('takes a PEM public key or certificate, and refuses anything that is not PEM text', () => {
    const publicPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => checkJwtKey(publicPem)).not.toThrow();
    expect(() => checkJwtKey(`-----BEGIN CERTIFICATE-----\n${CERTIFICATE_BASE64}\n-----END CERTIFICATE-----\n`)).not.toThrow();
    for (const value of [42, Buffer.from(publicPem), 'BEGIN PUBLIC KEY']) {
      expect(refusal(() => checkJwtKey(value)).message).toBe(
        'nestjs-warden: invalid option "jwtKey": expected a PEM public key (-----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----)',
      );
    }
    expect(refusal(() => checkJwtKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).message).toBe(
      'nestjs-warden: invalid option "jwtKey": holds a private key: give the verifier the public key (BEGIN PUBLIC KEY) or certificate only, and keep the private key with the issuer',
    );
  });
});

describe('checkKeySource', () => {
  const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
  const check = (options: Record<string, unknown>) => refusal(() => checkKeySource(options));

  it('wants exactly one key source, naming the ones given', () => {
    expect([check({}).option, check({}).problem]).toEqual([
      'jwksUrl',
      'a key source is required: one of jwksUrl, jwks, jwtKey or secret (or issuer alone, as one URL, for OIDC discovery; or issuers for several)',
    ]);
    const two = check({ secret: SECRET, jwks: { keys: [] } });
    expect([two.option, two.problem]).toEqual(['jwks, secret', 'set exactly one key source, got 2 (jwks, secret)']);
    expect(check({ jwksUrl: 'https://a.example/jwks', jwks: { keys: [] }, jwtKey: 'x' }).problem).toBe(
      'set exactly one key source, got 3 (jwksUrl, jwks, jwtKey)',
    );
    // A source set to null does not count as given, and is then refused naming it (never a TypeError).
    expect(() => checkKeySource({ secret: SECRET, jwtKey: undefined })).not.toThrow();
    for (const source of ['jwks', 'jwtKey'] as const) {
      const error = check({ secret: SECRET, [source]: null });
      expect(error).toBeInstanceOf(AuthConfigError);
      expect(error.option).toBe(source);
    }
    expect(check({ jwks: { keys: [] }, secret: null }).option).toBe('secret');
  });

  it('takes issuer alone, as one https URL, for discovery', () => {
    expect(() => checkKeySource({ issuer: 'https://tenant.example.com' })).not.toThrow();
    expect(() => checkKeySource({ issuer: 'http://localhost:4000' })).not.toThrow();
    const plain = check({ issuer: 'http://tenant.example.com' });
    expect([plain.option, plain.problem]).toEqual(['issuer', 'must use https (plain http is allowed for localhost only)']);
    expect([check({ issuer: 'tenant' }).option, check({ issuer: 'tenant' }).problem]).toEqual(['issuer', 'expected an absolute URL']);
    expect(check({ issuer: ['https://a.example', 'https://b.example'] }).option).toBe('jwksUrl');
    // With a key source, issuer is only the claim to match: any string.
    expect(() => checkKeySource({ secret: SECRET, issuer: 'tenant' })).not.toThrow();
  });

  it('checks the one source given', () => {
    expect(check({ jwksUrl: 'http://keys.example/jwks' }).option).toBe('jwksUrl');
    for (const jwks of [[], 'keys', { keys: {} }, Object.assign(() => undefined, { keys: [] })]) {
      expect([check({ jwks }).option, check({ jwks }).problem]).toEqual(['jwks', 'expected { keys: JWK[] }']);
    }
    expect(() => checkKeySource({ jwks: { keys: [] } })).not.toThrow();
    expect(check({ jwtKey: 'abc' }).option).toBe('jwtKey');
    expect(check({ secret: 'short' }).option).toBe('secret');
  });
});
