import { describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
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

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    return (error as { reason: string }).reason;
  }
  return 'accepted';
}

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
    ['another method', { htm: 'GET' }, 'dpop-proof-mismatch'],
    ['another URL', { htu: 'https://api.example.com/invoices' }, 'dpop-proof-mismatch'],
    ['another origin', { htu: 'https://evil.example.com/orders' }, 'dpop-proof-mismatch'],
    ['the hash of another token', { ath: accessTokenHash('other.token') }, 'dpop-proof-mismatch'],
    ['no ath', { ath: undefined }, 'dpop-proof-mismatch'],
    ['an iat too old', { iat: (NOW - 306_000) / 1000 }, 'dpop-proof-stale'],
    ['an iat in the future', { iat: (NOW + 6000) / 1000 }, 'dpop-proof-stale'],
    ['an expired exp', { exp: (NOW - 60_000) / 1000 }, 'dpop-proof-stale'],
    ['no jti', { jti: undefined }, 'dpop-proof-invalid'],
    ['a jti that is not a string', { jti: 42 }, 'dpop-proof-invalid'],
    ['a jti of 257 characters', { jti: 'x'.repeat(257) }, 'dpop-proof-invalid'],
    ['iat as a string', { iat: String(NOW / 1000) }, 'dpop-proof-invalid'],
    ['an empty nonce', { nonce: '' }, 'dpop-proof-invalid'],
  ])('refuses %s', async (_name, claims, expected) => {
    expect(await reason(verifyDpopProof(await proof(await proofKey(), claims), REQUEST, TOKEN, RULES, NOW))).toBe(expected);
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
    expect(await reason(verifyDpopProof(bad, REQUEST, TOKEN, RULES, NOW))).toBe('dpop-proof-invalid');
  });

  it('refuses a proof whose jwk is not the signing key, a private jwk, no jwk, HS256 and an algorithm not allowed', async () => {
    const key = await proofKey();
    const other = await proofKey();
    expect(await reason(verifyDpopProof(await proof(key, {}, { jwk: other.jwk }), REQUEST, TOKEN, RULES, NOW))).toBe('dpop-proof-invalid');
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
    ).toBe('dpop-proof-invalid');
    const noJwk = await new SignJWT({ jti: 'j', htm: 'POST', htu: REQUEST.url, iat: NOW / 1000 })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt' })
      .sign(key.privateKey);
    expect(await reason(verifyDpopProof(noJwk, REQUEST, TOKEN, RULES, NOW))).toBe('dpop-proof-invalid');
    const hmac = await new SignJWT({ jti: 'j', htm: 'POST', htu: REQUEST.url, iat: NOW / 1000 })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: 'c2VjcmV0' } as never })
      .sign(new Uint8Array(32));
    expect(await reason(verifyDpopProof(hmac, REQUEST, TOKEN, RULES, NOW))).toBe('dpop-proof-invalid');
    expect(await reason(verifyDpopProof(await proof(key), REQUEST, TOKEN, { ...RULES, algorithms: ['EdDSA'] }, NOW))).toBe('dpop-proof-invalid');
  });

  it('refuses a tampered proof, alg none, garbage and an oversized proof without a crash', async () => {
    const good = await proof(await proofKey());
    const [h, p, s] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ jti: 'j2', htm: 'POST', htu: REQUEST.url, iat: NOW / 1000 })).toString('base64url')}.${s}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt' })).toString('base64url')}.${p}.`;
    for (const bad of [tampered, none, 'a.b.c', '', 'x'.repeat(9000), `${good}.x`]) {
      expect(await reason(verifyDpopProof(bad, REQUEST, TOKEN, RULES, NOW))).toBe('dpop-proof-invalid');
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
    expect(await reason(verifyDpopProof(forged, REQUEST, TOKEN, RULES, NOW, keys))).toBe('dpop-proof-invalid');
    // A private key is refused each time: a refusal is never remembered as a key.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
    const withPrivate = await new SignJWT({ jti: 'p', htm: 'POST', htu: REQUEST.url, iat: NOW / 1000, ath: accessTokenHash(TOKEN) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: privateJwk })
      .sign(privateKey);
    for (let i = 0; i < 2; i += 1) expect(await reason(verifyDpopProof(withPrivate, REQUEST, TOKEN, RULES, NOW, keys))).toBe('dpop-proof-invalid');
  });
});
