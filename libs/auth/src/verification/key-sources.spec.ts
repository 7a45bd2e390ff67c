import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importPKCS8, SignJWT, type JWTVerifyGetKey } from 'jose';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { AuthConfigError } from '../config/auth-config-error.js';
import { resolveAuthOptions, type IssuerConfig } from '../config/resolve-auth-options.js';
import { checkPublicJwks, createKeySource } from './key-sources.js';
import { TokenVerifier } from './token-verifier.js';
import { json, startLoopbackServer, type LoopbackServer } from './loopback-server.spec-support.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

function build(options: AuthModuleOptions) {
  return createKeySource(resolveAuthOptions(options).issuers.entries[0]);
}

function configError(options: AuthModuleOptions): AuthConfigError {
  try {
    build(options);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return error as AuthConfigError;
  }
  throw new Error('expected an AuthConfigError');
}

/** A self-signed certificate made by openssl, as issuers publish them (X.509 PEM). */
function selfSignedCertificate(): { certificate: string; privateKeyPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nw-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=issuer.test',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { certificate: readFileSync(join(dir, 'cert.pem'), 'utf8'), privateKeyPem: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('createKeySource', () => {
  let rsaPem: string;
  let rsaJwk: Record<string, unknown>;

  beforeAll(async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    rsaPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    rsaJwk = publicKey.export({ format: 'jwk' });
  });

  it('pins HS256 for a secret, and only HS* may be configured', () => {
    expect(build({ secret: SECRET }).algorithms).toEqual(['HS256']);
    expect(build({ secret: SECRET, algorithms: ['HS512'] }).algorithms).toEqual(['HS512']);
    expect(configError({ secret: SECRET, algorithms: ['RS256'] })).toMatchObject({
      option: 'algorithms',
      message: expect.stringContaining('"RS256" cannot be used with the secret key source'),
    });
  });

  it('pins RS256 for an RSA PEM key; HS* can never be configured for it', () => {
    expect(build({ jwtKey: rsaPem }).algorithms).toEqual(['RS256']);
    expect(build({ jwtKey: rsaPem, algorithms: ['PS256'] }).algorithms).toEqual(['PS256']);
    expect(configError({ jwtKey: rsaPem, algorithms: ['HS256'] }).message).toMatch(/HS256/);
    expect(configError({ jwtKey: rsaPem, algorithms: ['none'] }).message).toMatch(/unknown/);
  });

  it('derives ES256 from a P-256 PEM and EdDSA from an Ed25519 PEM', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(build({ jwtKey: ec }).algorithms).toEqual(['ES256']);
    expect(build({ jwtKey: ed }).algorithms).toEqual(['EdDSA', 'Ed25519']);
  });

  it('refuses an unparsable PEM and an RSA key under 2048 bits', () => {
    expect(configError({ jwtKey: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----' }).option).toBe('jwtKey');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(configError({ jwtKey: weak }).message).toMatch(/2048 bits/);
    const weakJwk = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(configError({ jwks: { keys: [{ ...weakJwk, kid: 'weak' }] } }).message).toMatch(/2048 bits/);
  });

  it('verifies with an X.509 certificate given as jwtKey', async () => {
    const { certificate, privateKeyPem } = selfSignedCertificate();
    const key = await importPKCS8(privateKeyPem, 'RS256');
    const token = await new SignJWT({ sub: 'user_x509' }).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('1m').sign(key);
    const verifier = new TokenVerifier(resolveAuthOptions({ jwtKey: certificate }));
    await expect(verifier.verify(token)).resolves.toMatchObject({ claims: { sub: 'user_x509' } });
  });

  it('takes each JWK alg, or the family of its type', () => {
    expect(build({ jwks: { keys: [{ ...rsaJwk, kid: 'a', alg: 'RS256' }] } }).algorithms).toEqual(['RS256']);
    expect(build({ jwks: { keys: [{ ...rsaJwk, kid: 'a' }] } }).algorithms).toEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
    expect(configError({ jwks: { keys: [{ ...rsaJwk, kid: 'a', alg: 'RS256' }] }, algorithms: ['ES256'] }).option).toBe('algorithms');
  });

  it('refuses a JWKS holding a private or symmetric key, and ignores encryption keys', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    expect(configError({ jwks: { keys: [privateJwk] } }).message).toMatch(/private or symmetric/);
    expect(configError({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }).message).toMatch(/private or symmetric/);
    expect(configError({ jwks: { keys: [{ ...rsaJwk, use: 'enc' }] } }).message).toMatch(/no key usable/);
    expect(configError({ jwks: { keys: [null as never] } }).message).toMatch(/JWK object/);
  });
});

describe('createKeySource, source by source', () => {
  const pem = (pair: { publicKey: import('node:crypto').KeyObject }) => pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const problem = (options: AuthModuleOptions) => {
    const error = configError(options);
    return [error.option, error.problem];
  };

  it('pins each PEM key type to its algorithms, and lets RSA keys take any RS or PS algorithm', () => {
    const rsa = pem(generateKeyPairSync('rsa', { modulusLength: 2048 }));
    const pss = pem(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }));
    expect(build({ jwtKey: pss }).algorithms).toEqual(['PS256', 'PS384', 'PS512']);
    expect(problem({ jwtKey: pss, algorithms: ['RS256'] })).toEqual(['algorithms', '"RS256" cannot be used with the jwtKey key source']);
    expect(build({ jwtKey: rsa, algorithms: ['PS512', 'RS384', 'PS512'] }).algorithms).toEqual(['PS512', 'RS384']);
    expect(problem({ jwtKey: rsa, algorithms: ['ES256'] })).toEqual(['algorithms', '"ES256" cannot be used with the jwtKey key source']);
    expect(problem({ jwtKey: rsa, algorithms: ['none'] })).toEqual(['algorithms', 'unknown or unsupported algorithm "none"']);
    expect(build({ jwtKey: pem(generateKeyPairSync('ec', { namedCurve: 'P-384' })) }).algorithms).toEqual(['ES384']);
    expect(build({ jwtKey: pem(generateKeyPairSync('ec', { namedCurve: 'P-521' })) }).algorithms).toEqual(['ES512']);
    expect(build({ jwtKey: pem(generateKeyPairSync('ec', { namedCurve: 'P-256' })), algorithms: ['ES256'] }).kind).toBe('jwtKey');
  });

  it('refuses PEM keys that cannot verify a JWS, and weak RSA-PSS keys', () => {
    expect(problem({ jwtKey: pem(generateKeyPairSync('ec', { namedCurve: 'secp256k1' })) })).toEqual(['jwtKey', 'key type ec cannot verify JWS signatures']);
    expect(problem({ jwtKey: pem(generateKeyPairSync('x25519')) })).toEqual(['jwtKey', 'key type x25519 cannot verify JWS signatures']);
    expect(problem({ jwtKey: pem(generateKeyPairSync('rsa-pss', { modulusLength: 1024 })) })).toEqual([
      'jwtKey',
      'RSA keys must be at least 2048 bits (got 1024)',
    ]);
    expect(problem({ jwtKey: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----' })).toEqual([
      'jwtKey',
      'could not be parsed as a PEM public key or certificate',
    ]);
  });

  it('uses a secret as its bytes: text as UTF-8, a Uint8Array copied', () => {
    const text = build({ secret: 'é'.repeat(16) });
    expect([text.kind, text.key]).toEqual(['secret', new TextEncoder().encode('é'.repeat(16))]);
    const bytes = new Uint8Array(32).fill(7);
    const source = build({ secret: bytes });
    bytes.fill(0);
    expect(source.key).toEqual(new Uint8Array(32).fill(7));
    expect(build({ secret: SECRET, algorithms: ['HS384', 'HS512'] }).algorithms).toEqual(['HS384', 'HS512']);
  });

  it('refuses a JWKS whose keys fit no signature algorithm, a curve named after an Object method included', () => {
    for (const crv of ['secp256k1', 'constructor', 'toString']) {
      expect(problem({ jwks: { keys: [{ kty: 'EC', crv, x: 'AA', y: 'AA' }] } })).toEqual(['jwks', 'contains no key usable for signatures']);
    }
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    expect(
      build({
        jwks: {
          keys: [
            { ...ec, kid: 'a' },
            { ...ec, kid: 'b', alg: 'ES256' },
          ],
        },
      }).algorithms,
    ).toEqual(['ES256']);
    expect(build({ jwks: { keys: [{ ...ec, kid: 'a' }] } }).kind).toBe('jwks');
    expect(problem({ jwks: { keys: [{ ...ec, kid: 'a' }] }, algorithms: ['HS256'] })).toEqual([
      'algorithms',
      '"HS256" cannot be used with the jwks key source',
    ]);
  });

  it('pins every asymmetric algorithm for a remote set, or the ones configured', () => {
    const remote = build({ jwksUrl: 'https://keys.example/jwks' });
    expect([remote.kind, remote.algorithms]).toEqual([
      'jwksUrl',
      ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'],
    ]);
    expect(build({ jwksUrl: 'https://keys.example/jwks', algorithms: ['ES256'] }).algorithms).toEqual(['ES256']);
    expect(problem({ jwksUrl: 'https://keys.example/jwks', algorithms: ['HS256'] })).toEqual([
      'algorithms',
      '"HS256" cannot be used with the jwksUrl key source',
    ]);
    expect(problem({ issuer: 'https://tenant.example', algorithms: ['HS256'] })).toEqual(['algorithms', '"HS256" cannot be used with the issuer key source']);
    expect(build({ issuer: 'https://tenant.example' }).kind).toBe('issuer');
  });

  it('takes the first source of secret, jwtKey, jwks, jwksUrl, issuer, and needs one', () => {
    const base = resolveAuthOptions({ secret: SECRET }).issuers.entries[0];
    const jwks = { keys: [{ ...(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as object), kid: 'a' }] };
    const jwtKey = pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    const all = { ...base, jwtKey, jwks, jwksUrl: 'https://keys.example/jwks', issuer: ['https://tenant.example'] };
    expect(createKeySource(all).kind).toBe('secret');
    expect(createKeySource({ ...all, secret: undefined }).kind).toBe('jwtKey');
    expect(createKeySource({ ...all, secret: undefined, jwtKey: undefined }).kind).toBe('jwks');
    expect(createKeySource({ ...all, secret: undefined, jwtKey: undefined, jwks: undefined }).kind).toBe('jwksUrl');
    expect(createKeySource({ ...all, secret: undefined, jwtKey: undefined, jwks: undefined, jwksUrl: undefined }).kind).toBe('issuer');
    const none = { ...all, secret: undefined, jwtKey: undefined, jwks: undefined, jwksUrl: undefined };
    for (const issuer of [undefined, ['https://a.example', 'https://b.example']]) {
      let error: unknown;
      try {
        createKeySource({ ...none, issuer });
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(AuthConfigError);
      expect([(error as AuthConfigError).option, (error as AuthConfigError).problem]).toEqual([
        'jwksUrl',
        'a key source is required: one of jwksUrl, jwks, jwtKey or secret',
      ]);
    }
  });
});

describe('checkPublicJwks', () => {
  const refusal = (jwks: unknown) => {
    try {
      checkPublicJwks('issuers[0].jwks', jwks as never);
    } catch (error) {
      expect(error).toBeInstanceOf(AuthConfigError);
      return [(error as AuthConfigError).option, (error as AuthConfigError).problem];
    }
    return 'accepted';
  };

  it('wants a key set of JWK objects', () => {
    for (const jwks of [null, {}, { keys: 'x' }]) expect(refusal(jwks)).toEqual(['issuers[0].jwks', 'expected { keys: JWK[] }']);
    for (const key of [null, 'k', ['k'], 7]) expect(refusal({ keys: [key] })).toEqual(['issuers[0].jwks', 'every key must be a JWK object']);
  });

  it('refuses any private or symmetric member, and keeps signature keys only', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']) {
      expect(refusal({ keys: [{ ...ec, [member]: 'AA' }] })).toEqual(['issuers[0].jwks', 'contains a private or symmetric key; publish public keys only']);
    }
    expect(refusal({ keys: [{ kty: 'oct' }] })).toEqual(['issuers[0].jwks', 'contains a private or symmetric key; publish public keys only']);
    expect(
      checkPublicJwks('jwks', {
        keys: [
          { ...ec, kid: 'enc', use: 'enc' },
          { ...ec, kid: 'sig', use: 'sig' },
          { ...ec, kid: 'any' },
        ],
      }).map((k) => k.kid),
    ).toEqual(['sig', 'any']);
  });

  it('names a malformed or weak RSA key by its kid, cut to 64 characters', () => {
    expect(refusal({ keys: [{ kty: 'RSA', n: 'AQAB', kid: 'k'.repeat(70) }] })).toEqual([
      'issuers[0].jwks',
      `RSA key with kid "${'k'.repeat(64)}" is malformed`,
    ]);
    expect(refusal({ keys: [{ kty: 'RSA', n: 'AQAB', kid: 7 }] })).toEqual(['issuers[0].jwks', 'RSA key without kid is malformed']);
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(refusal({ keys: [weak] })).toEqual(['issuers[0].jwks', 'RSA keys must be at least 2048 bits (got 1024)']);
    const strong = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    expect(checkPublicJwks('jwks', { keys: [{ ...strong, kid: 'r' }] })).toHaveLength(1);
  });
});

describe('createKeySource for a remote set', () => {
  let server: LoopbackServer;
  let jwk: Record<string, unknown>;
  beforeAll(async () => {
    server = await startLoopbackServer();
    jwk = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'a' };
  });
  afterAll(async () => {
    await server.close();
  });

  const entry = (extra: Partial<IssuerConfig> = {}): IssuerConfig => ({
    ...resolveAuthOptions({ jwksUrl: server.url('/jwks').href, jwksCooldownInMs: 0 }).issuers.entries[0],
    ...extra,
  });

  it('hands the set, its fetch time on the given clock, and its listeners through', async () => {
    server.on('/jwks', json({ keys: [jwk] }));
    const changed: number[] = [];
    const fetched: Array<string | null> = [];
    const source = createKeySource(entry(), {}, () => 1234);
    source.onKeysChanged?.((thumbprints) => changed.push(thumbprints.size));
    source.onKeyFetch?.((problem) => fetched.push(problem));
    expect(source.keysFetchedAt?.()).toBeNull();
    await source.warmUp?.();
    expect(source.keysFetchedAt?.()).toBe(1234);
    expect([changed, fetched]).toEqual([[1], [null]]);
    expect(await source.refreshAfterSignatureMismatch?.()).toBe(false);
    await expect((source.key as JWTVerifyGetKey)({ alg: 'ES256', kid: 'a' }, { payload: '', signature: '' })).resolves.toBeDefined();
  });

  it('reports a failed fetch to onKeySourceError, and connects only to public addresses when the entry says so', async () => {
    server.on('/jwks', json({ keys: [jwk] }));
    // A method of its observer, called on it.
    const events = {
      reported: [] as string[],
      onKeySourceError(error: { problem: string }) {
        this.reported.push(error.problem);
      },
    };
    await createKeySource(entry({ publicAddressesOnly: true }), events).warmUp?.();
    await createKeySource(entry({ jwksUrl: server.url('/missing').href }), events).warmUp?.();
    await createKeySource(entry({ jwksUrl: server.url('/missing').href }), {}).warmUp?.();
    expect(events.reported).toEqual(['address-not-public', 'http-status']);
  });
});
