import { describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { AuthError } from '../../auth.errors.js';
import { DPOP_ALGORITHMS, verifyDpopProof, type DpopProofRules } from './dpop-proof.js';
import { accessTokenHash } from './htu.js';
import { ProofKeys } from './proof-keys.js';

const NOW = 1_750_000_000_000;
const RULES: DpopProofRules = { algorithms: DPOP_ALGORITHMS, maxAgeInMs: 300_000, clockSkewInMs: 5000 };
const REQUEST = { method: 'POST', url: 'https://api.example.com/orders' };
const TOKEN = 'access.token.value';

async function proofKey() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { jwk, privateKey, jkt: await calculateJwkThumbprint(jwk) };
}

type Key = Awaited<ReturnType<typeof proofKey>>;

function proof(key: Key, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const payload = { jti: 'jti-1', htm: 'POST', htu: 'https://api.example.com/orders', iat: NOW / 1000, ath: accessTokenHash(TOKEN), ...claims };
  for (const k of Object.keys(payload)) if ((payload as Record<string, unknown>)[k] === undefined) delete (payload as Record<string, unknown>)[k];
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk, ...header }).sign(key.privateKey);
}

/** `<reason>: <message>` of the AuthError a verification threw, or 'accepted'. */
async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return `${(error as AuthError).reason}: ${(error as AuthError).message}`;
  }
  return 'accepted';
}

const MISMATCH = {
  htm: 'dpop-proof-mismatch: the DPoP proof htm is not the request method',
  htu: 'dpop-proof-mismatch: the DPoP proof htu is not the request URL',
  ath: 'dpop-proof-mismatch: the DPoP proof ath is not the hash of the access token',
};
const STALE = {
  iat: 'dpop-proof-stale: the DPoP proof iat is outside the accepted window',
  exp: 'dpop-proof-stale: the DPoP proof is expired or not yet valid',
};
const INVALID = {
  shape: 'dpop-proof-invalid: the DPoP proof is not a compact JWS',
  jti: 'dpop-proof-invalid: the DPoP proof jti is not a string of 1 to 256 characters',
  types: 'dpop-proof-invalid: the DPoP proof claims have the wrong types',
  nonce: 'dpop-proof-invalid: the DPoP proof nonce is not a string',
  signature: 'dpop-proof-invalid: the DPoP proof signature is invalid',
  alg: 'dpop-proof-invalid: the DPoP proof algorithm is not allowed',
  typ: 'dpop-proof-invalid: the DPoP proof typ is not dpop+jwt',
  malformed: 'dpop-proof-invalid: the DPoP proof is malformed',
};

describe('verifyDpopProof', () => {
  it('accepts a proof for the request and gives the key thumbprint, jti, iat and nonce', async () => {
    const key = await proofKey();
    const verified = await verifyDpopProof(await proof(key, { nonce: 'n1' }), REQUEST, TOKEN, RULES, NOW);
    expect(verified).toEqual({ jkt: key.jkt, jti: 'jti-1', iat: NOW / 1000, nonce: 'n1' });
  });

  it('normalises htu and ignores the query', async () => {
    const key = await proofKey();
    await expect(
      verifyDpopProof(
        await proof(key, { htu: 'HTTPS://api.EXAMPLE.com:443/orders' }),
        { method: 'POST', url: 'https://api.example.com/orders?page=2' },
        TOKEN,
        RULES,
        NOW,
      ),
    ).resolves.toMatchObject({ jkt: key.jkt });
  });

  it.each([
    ['another method', { htm: 'GET' }, MISMATCH.htm],
    ['another URL', { htu: 'https://api.example.com/invoices' }, MISMATCH.htu],
    ['another origin', { htu: 'https://evil.example.com/orders' }, MISMATCH.htu],
    ['the hash of another token', { ath: accessTokenHash('other.token') }, MISMATCH.ath],
    ['no ath', { ath: undefined }, MISMATCH.ath],
    ['an iat too old', { iat: (NOW - 306_000) / 1000 }, STALE.iat],
    ['an iat in the future', { iat: (NOW + 6000) / 1000 }, STALE.iat],
    ['an expired exp', { exp: (NOW - 60_000) / 1000 }, STALE.exp],
    ['an nbf to come', { nbf: (NOW + 60_000) / 1000 }, STALE.exp],
    ['no jti', { jti: undefined }, INVALID.malformed],
    ['a jti that is not a string', { jti: 42 }, INVALID.jti],
    ['an empty jti', { jti: '' }, INVALID.jti],
    ['a jti of 257 characters', { jti: 'x'.repeat(257) }, INVALID.jti],
    ['iat as a string', { iat: String(NOW / 1000) }, INVALID.malformed],
    ['htm that is not a string', { htm: 42 }, INVALID.types],
    ['htu that is not a string', { htu: 42 }, INVALID.types],
    ['an empty nonce', { nonce: '' }, INVALID.nonce],
    ['a nonce that is not a string', { nonce: 7 }, INVALID.nonce],
  ])('refuses %s', async (_name, claims, expected) => {
    expect(await reason(verifyDpopProof(await proof(await proofKey(), claims), REQUEST, TOKEN, RULES, NOW))).toBe(expected);
  });

  it('accepts a jti of 256 characters', async () => {
    await expect(verifyDpopProof(await proof(await proofKey(), { jti: 'x'.repeat(256) }), REQUEST, TOKEN, RULES, NOW)).resolves.toBeDefined();
  });

  it('refuses when the request URL is no http(s) URI, whatever htu says', async () => {
    const key = await proofKey();
    const request = { method: 'POST', url: 'not a url' };
    expect(await reason(verifyDpopProof(await proof(key, { htu: 'not a url' }), request, TOKEN, RULES, NOW))).toBe(MISMATCH.htu);
  });

  it('refuses a proof without ath for a token that has no hash (not ASCII)', async () => {
    const key = await proofKey();
    expect(await reason(verifyDpopProof(await proof(key, { ath: undefined }), REQUEST, 'tökén', RULES, NOW))).toBe(MISMATCH.ath);
  });

  it('accepts a proof under each default algorithm', async () => {
    // One RSA key (a KeyObject, usable with every hash) for the six RSA algorithms.
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pairs: Array<[string, { publicKey: CryptoKey | KeyObject; privateKey: CryptoKey | KeyObject }]> = [
      ['ES256', await generateKeyPair('ES256', { extractable: true })],
      ['ES384', await generateKeyPair('ES384', { extractable: true })],
      ['ES512', await generateKeyPair('ES512', { extractable: true })],
    ];
    const ed = await generateKeyPair('Ed25519', { extractable: true });
    pairs.push(['EdDSA', ed], ['Ed25519', ed]);
    for (const alg of ['PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512']) pairs.push([alg, rsa]);
    expect(pairs.map(([alg]) => alg).sort()).toEqual([...DPOP_ALGORITHMS].sort());
    for (const [alg, { publicKey, privateKey }] of pairs) {
      const signed = await new SignJWT({ jti: alg, htm: 'POST', htu: REQUEST.url, iat: NOW / 1000, ath: accessTokenHash(TOKEN) })
        .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: await exportJWK(publicKey) })
        .sign(privateKey);
      expect(await reason(verifyDpopProof(signed, REQUEST, TOKEN, RULES, NOW))).toBe('accepted');
    }
  });

  it('accepts the edges of the iat window', async () => {
    const key = await proofKey();
    await expect(verifyDpopProof(await proof(key, { iat: (NOW - 305_000) / 1000 }), REQUEST, TOKEN, RULES, NOW)).resolves.toBeDefined();
    await expect(verifyDpopProof(await proof(key, { iat: (NOW + 5000) / 1000 }), REQUEST, TOKEN, RULES, NOW)).resolves.toBeDefined();
  });

  it.each([
    ['typ JWT', { typ: 'JWT' }],
    ['no typ', { typ: undefined }],
  ])('refuses a proof with %s', async (_name, header) => {
    const key = await proofKey();
    const bad = await new SignJWT({ jti: 'j', htm: 'POST', htu: REQUEST.url, iat: NOW / 1000, ath: accessTokenHash(TOKEN) })
      .setProtectedHeader({ alg: 'ES256', jwk: key.jwk, ...header })
      .sign(key.privateKey);
    expect(await reason(verifyDpopProof(bad, REQUEST, TOKEN, RULES, NOW))).toBe(INVALID.typ);
  });

  it('refuses a proof whose jwk is not the signing key, a private jwk, no jwk, HS256 and an algorithm not allowed', async () => {
    const key = await proofKey();
    const other = await proofKey();
    expect(await reason(verifyDpopProof(await proof(key, {}, { jwk: other.jwk }), REQUEST, TOKEN, RULES, NOW))).toBe(INVALID.signature);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
    expect(
      await reason(
        verifyDpopProof(
          await new SignJWT({ jti: 'j', htm: 'POST', htu: REQUEST.url, iat: NOW / 1000, ath: accessTokenHash(TOKEN) })
            .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: privateJwk })
            .sign(privateKey),
          REQUEST,
          TOKEN,
          RULES,
          NOW,
        ),
      ),
    ).toBe(INVALID.malformed);
    const noJwk = await new SignJWT({ jti: 'j', htm: 'POST', htu: REQUEST.url, iat: NOW / 1000 })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt' })
      .sign(key.privateKey);
    expect(await reason(verifyDpopProof(noJwk, REQUEST, TOKEN, RULES, NOW))).toBe(INVALID.malformed);
    const hmac = await new SignJWT({ jti: 'j', htm: 'POST', htu: REQUEST.url, iat: NOW / 1000 })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: 'c2VjcmV0' } as never })
      .sign(new Uint8Array(32));
    expect(await reason(verifyDpopProof(hmac, REQUEST, TOKEN, RULES, NOW))).toBe(INVALID.alg);
    expect(await reason(verifyDpopProof(await proof(key), REQUEST, TOKEN, { ...RULES, algorithms: ['EdDSA'] }, NOW))).toBe(INVALID.alg);
  });

  it('refuses a tampered proof, alg none, garbage and an oversized proof without a crash', async () => {
    const good = await proof(await proofKey());
    const [h, p, s] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ jti: 'j2', htm: 'POST', htu: REQUEST.url, iat: NOW / 1000 })).toString('base64url')}.${s}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt' })).toString('base64url')}.${p}.`;
    const cases: Array<[unknown, string]> = [
      [tampered, INVALID.signature],
      // alg none has no signature: not even the shape of a signed proof.
      [none, INVALID.shape],
      ['a.b.c', INVALID.malformed],
      // Exactly the longest proof accepted: past the shape check, refused by jose.
      [`a.b.${'c'.repeat(8188)}`, INVALID.malformed],
      [`a.b.${'c'.repeat(8189)}`, INVALID.shape],
      ['', INVALID.shape],
      ['x'.repeat(9000), INVALID.shape],
      [`${good}.x`, INVALID.shape],
      // Not a string, though its text would look like a JWS.
      [[good], INVALID.shape],
      [undefined, INVALID.shape],
    ];
    for (const [bad, expected] of cases) {
      expect(await reason(verifyDpopProof(bad as string, REQUEST, TOKEN, RULES, NOW))).toBe(expected);
    }
  });

  it('with a key memo shared by requests: the same answers, a refused key never remembered, another signer still refused', async () => {
    const keys = new ProofKeys(10);
    const key = await proofKey();
    for (let i = 0; i < 3; i += 1) {
      await expect(verifyDpopProof(await proof(key, { jti: `j${i}` }), REQUEST, TOKEN, RULES, NOW, keys)).resolves.toMatchObject({ jkt: key.jkt });
    }
    // A proof naming the remembered key but signed by another one.
    const other = await proofKey();
    const forged = await new SignJWT({ jti: 'x', htm: 'POST', htu: REQUEST.url, iat: NOW / 1000, ath: accessTokenHash(TOKEN) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
      .sign(other.privateKey);
    expect(await reason(verifyDpopProof(forged, REQUEST, TOKEN, RULES, NOW, keys))).toBe(INVALID.signature);
    // A private key is refused each time: a refusal is never remembered as a key.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
    const withPrivate = await new SignJWT({ jti: 'p', htm: 'POST', htu: REQUEST.url, iat: NOW / 1000, ath: accessTokenHash(TOKEN) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: privateJwk })
      .sign(privateKey);
    for (let i = 0; i < 2; i += 1) expect(await reason(verifyDpopProof(withPrivate, REQUEST, TOKEN, RULES, NOW, keys))).toBe(INVALID.malformed);
  });
});
