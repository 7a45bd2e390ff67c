import { describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CompactJWSHeaderParameters, type FlattenedJWSInput, type JWK } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { ProofKeys } from './proof-keys.js';

/** The token argument of a key resolver: the embedded key is read from the header alone. */
const TOKEN = { payload: '', signature: '' } as FlattenedJWSInput;

async function publicJwk(): Promise<JWK> {
  return exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey);
}

/** The key one resolver of `keys` gives for `header`, and the thumbprint it then reports. */
async function resolve(keys: ProofKeys, header: CompactJWSHeaderParameters): Promise<{ key: unknown; jkt: string | undefined }> {
  const resolver = keys.resolver();
  const key = await resolver.getKey(header, TOKEN);
  return { key, jkt: await resolver.jkt() };
}

describe('ProofKeys', () => {
  it('gives the embedded public key and its RFC 7638 thumbprint; nothing resolved, no thumbprint', async () => {
    const jwk = await publicJwk();
    const { key, jkt } = await resolve(new ProofKeys(), { alg: 'ES256', jwk });
    expect(key).toMatchObject({ type: 'public' });
    expect(jkt).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
    expect(await new ProofKeys().resolver().jkt()).toBeUndefined();
  });

  it('imports a client key once: the same key object for every proof with the same alg and jwk', async () => {
    const keys = new ProofKeys();
    const jwk = await publicJwk();
    const first = await resolve(keys, { alg: 'ES256', jwk });
    expect((await resolve(keys, { alg: 'ES256', jwk: { ...jwk } })).key).toBe(first.key);
    expect((await resolve(keys, { alg: 'ES256', jwk: await publicJwk() })).key).not.toBe(first.key);
  });

  it('keys the memo by alg too: the same jwk under another alg is checked again', async () => {
    const keys = new ProofKeys();
    const jwk = await publicJwk();
    await resolve(keys, { alg: 'ES256', jwk });
    await expect(keys.resolver().getKey({ alg: 'RS256', jwk }, TOKEN)).rejects.toThrow();
  });

  it('refuses a private key, a missing jwk and a symmetric one, and never remembers a refusal', async () => {
    const keys = new ProofKeys(2);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
    for (const header of [{ alg: 'ES256', jwk: privateJwk }, { alg: 'ES256' }, { alg: 'HS256', jwk: { kty: 'oct', k: 'c2VjcmV0' } }]) {
      await expect(keys.resolver().getKey(header, TOKEN)).rejects.toThrow();
    }
    // With room for two: a refused key takes no place, so two good keys both stay remembered.
    const a = await publicJwk();
    const b = await publicJwk();
    const first = await resolve(keys, { alg: 'ES256', jwk: a });
    await expect(keys.resolver().getKey({ alg: 'ES256', jwk: privateJwk }, TOKEN)).rejects.toThrow();
    await resolve(keys, { alg: 'ES256', jwk: b });
    expect((await resolve(keys, { alg: 'ES256', jwk: a })).key).toBe(first.key);
  });

  it('is bounded: past its size the least recently used key is imported again; 1000 keys by default', async () => {
    const small = new ProofKeys(1);
    const a = await publicJwk();
    const first = await resolve(small, { alg: 'ES256', jwk: a });
    await resolve(small, { alg: 'ES256', jwk: await publicJwk() });
    expect((await resolve(small, { alg: 'ES256', jwk: a })).key).not.toBe(first.key);
    // The same public key spelled 1001 ways (another kid each): the first spelling is dropped only past 1000.
    const keys = new ProofKeys();
    const base = await publicJwk();
    const spelled = (i: number): CompactJWSHeaderParameters => ({ alg: 'ES256', jwk: { ...base, kid: `k${i}` } });
    const k0 = (await resolve(keys, spelled(0))).key;
    const k1 = (await resolve(keys, spelled(1))).key;
    for (let i = 2; i < 1000; i += 1) await resolve(keys, spelled(i));
    expect((await resolve(keys, spelled(0))).key).toBe(k0);
    await resolve(keys, spelled(1000));
    expect((await resolve(keys, spelled(1))).key).not.toBe(k1);
  });
});
