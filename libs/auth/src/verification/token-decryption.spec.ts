import { describe, expect, it } from '@jest/globals';
import { CompactEncrypt, exportJWK, generateKeyPair, type CompactJWEHeaderParameters, type JWK } from 'jose';
import { randomBytes } from 'node:crypto';
import { AuthError } from '../auth.errors.js';
import { resolveDecryption, type DecryptionOptions } from '../config/decryption-options.js';
import { COMPACT_JWE, TokenDecrypter } from './token-decryption.js';

/** Stands for the issuer's signed token: decryption only checks it is a compact JWS. */
const SIGNED = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJl';

/** A symmetric key (A256KW): quick to make, and what `dir`/`A256KW` deployments use. */
function octKey(kid?: string): { jwk: { kty: 'oct'; k: string; kid?: string }; bytes: Uint8Array } {
  const bytes = randomBytes(32);
  return { jwk: { kty: 'oct', k: bytes.toString('base64url'), ...(kid === undefined ? {} : { kid }) }, bytes };
}

function decrypter(keys: DecryptionOptions['keys'], extra: Omit<DecryptionOptions, 'keys' | 'jwks'> = {}): TokenDecrypter {
  return new TokenDecrypter(resolveDecryption({ keys, ...extra }) as NonNullable<ReturnType<typeof resolveDecryption>>);
}

function encrypt(bytes: Uint8Array, header: Partial<CompactJWEHeaderParameters> = {}, plaintext: string | Uint8Array = SIGNED): Promise<string> {
  const content = typeof plaintext === 'string' ? new TextEncoder().encode(plaintext) : plaintext;
  return new CompactEncrypt(content).setProtectedHeader({ alg: 'A256KW', enc: 'A256GCM', ...header }).encrypt(bytes);
}

/** The message of the AuthError `decrypt` threw (its reason checked), or 'opened'. */
async function refusal(d: TokenDecrypter, jwe: string): Promise<string> {
  try {
    await d.decrypt(jwe);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).reason).toBe('token-decryption-failed');
    return (error as AuthError).message;
  }
  return 'opened';
}

const header = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('TokenDecrypter', () => {
  it('opens a token encrypted to its key and gives the signed token inside', async () => {
    const key = octKey();
    const jwe = await encrypt(key.bytes);
    expect(COMPACT_JWE.test(jwe)).toBe(true);
    // Five parts exactly (the encrypted key may be empty, for dir and ECDH-ES).
    expect(COMPACT_JWE.test(jwe.replace(/^([^.]+)\.[^.]*\./, '$1..'))).toBe(true);
    for (const other of [`${jwe}.x`, `x.${jwe}`, `${jwe}!`, `!${jwe}`, SIGNED]) expect(COMPACT_JWE.test(other)).toBe(false);
    await expect(decrypter([key.jwk]).decrypt(jwe)).resolves.toBe(SIGNED);
  });

  it('says whether unencrypted tokens are refused', () => {
    const key = octKey();
    expect(decrypter([key.jwk]).required).toBe(true);
    expect(decrypter([key.jwk], { required: false }).required).toBe(false);
  });

  it('refuses a header that is not JSON', async () => {
    expect(await refusal(decrypter([octKey().jwk]), 'bm90IGpzb24.a.b.c.d')).toBe('the token header is not a JSON object');
  });

  it('refuses an alg or enc that is not pinned, before trying any key', async () => {
    const key = octKey();
    const d = decrypter([key.jwk], { algorithms: ['A256KW'], encryptionAlgorithms: ['A256GCM'] });
    expect(await refusal(d, await encrypt(key.bytes, { alg: 'A256GCMKW' }))).toBe('the token key-management algorithm is not allowed');
    expect(await refusal(d, await encrypt(key.bytes, { enc: 'A128GCM' }))).toBe('the token content-encryption algorithm is not allowed');
    expect(await refusal(d, `${header({ enc: 'A256GCM' })}.a.b.c.d`)).toBe('the token key-management algorithm is not allowed');
    expect(await refusal(d, `${header({ alg: 'A256KW', enc: 7 })}.a.b.c.d`)).toBe('the token content-encryption algorithm is not allowed');
  });

  it('takes cty JWT in any case or none, and refuses any other cty', async () => {
    const key = octKey();
    const d = decrypter([key.jwk]);
    for (const cty of ['JWT', 'jwt', undefined]) await expect(d.decrypt(await encrypt(key.bytes, { cty }))).resolves.toBe(SIGNED);
    expect(await refusal(d, await encrypt(key.bytes, { cty: 'json' }))).toBe('the encrypted content is not a JWT');
    expect(await refusal(d, `${header({ alg: 'A256KW', enc: 'A256GCM', cty: 1 })}.a.b.c.d`)).toBe('the encrypted content is not a JWT');
  });

  it('picks the key its kid names; a kid naming none is refused; a kid that is no string is refused', async () => {
    const first = octKey('2025-01');
    const second = octKey('2025-06');
    const d = decrypter([first.jwk, second.jwk]);
    await expect(d.decrypt(await encrypt(second.bytes, { kid: '2025-06' }))).resolves.toBe(SIGNED);
    await expect(d.decrypt(await encrypt(first.bytes, { kid: '2025-01' }))).resolves.toBe(SIGNED);
    expect(await refusal(d, await encrypt(second.bytes, { kid: '2024-12' }))).toBe('no decryption key matches the token');
    // The kid decides: a token naming the first key, encrypted to the second, is not opened with the second.
    expect(await refusal(d, await encrypt(second.bytes, { kid: '2025-01' }))).toBe('no decryption key opens the token');
    expect(await refusal(d, `${header({ alg: 'A256KW', enc: 'A256GCM', kid: 5 })}.a.b.c.d`)).toBe('the token kid is not a string');
  });

  it('without a kid in the token, or on the key, tries each key that fits alg', async () => {
    const keys = [octKey('a'), octKey('b'), octKey('c')];
    const d = decrypter(keys.map((k) => k.jwk));
    await expect(d.decrypt(await encrypt(keys[2].bytes))).resolves.toBe(SIGNED);
    const single = octKey();
    await expect(decrypter([single.jwk]).decrypt(await encrypt(single.bytes, { kid: 'any' }))).resolves.toBe(SIGNED);
  });

  it('only keys that can use the alg are candidates (others do not take a place among the eight)', async () => {
    const oct = octKey('oct');
    const ecKeys = await Promise.all(Array.from({ length: 8 }, (_, i) => ecJwk(`ec${i}`)));
    await expect(decrypter([...ecKeys, oct.jwk]).decrypt(await encrypt(oct.bytes))).resolves.toBe(SIGNED);
  });

  it('tries at most eight keys for a token without a kid', async () => {
    const keys = Array.from({ length: 9 }, (_, i) => octKey(`k${i}`));
    const d = decrypter(keys.map((k) => k.jwk));
    await expect(d.decrypt(await encrypt(keys[7].bytes))).resolves.toBe(SIGNED);
    expect(await refusal(d, await encrypt(keys[8].bytes))).toBe('no decryption key opens the token');
    // Named by its kid, the ninth key opens its token.
    await expect(d.decrypt(await encrypt(keys[8].bytes, { kid: 'k8' }))).resolves.toBe(SIGNED);
  });

  it('refuses content that is not a signed JWT, also bytes that are not UTF-8, with its own reason (never a crash)', async () => {
    const key = octKey();
    const d = decrypter([key.jwk]);
    for (const content of ['{"sub":"user_1"}', `${SIGNED}.extra`, 'a.b', new Uint8Array([0xff, 0xfe, 0x2e, 0x61, 0x2e, 0x62])]) {
      expect(await refusal(d, await encrypt(key.bytes, {}, content))).toBe('the encrypted content is not a signed JWT');
    }
  });

  it('refuses a token no key opens: another key, a tampered tag', async () => {
    const key = octKey();
    const d = decrypter([key.jwk]);
    expect(await refusal(d, await encrypt(octKey().bytes))).toBe('no decryption key opens the token');
    const parts = (await encrypt(key.bytes)).split('.');
    parts[4] = Buffer.from('0123456789abcdef').toString('base64url');
    expect(await refusal(d, parts.join('.'))).toBe('no decryption key opens the token');
  });
});

/** A private EC key for ECDH-ES: it cannot unwrap an A256KW token. */
async function ecJwk(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ECDH-ES', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid };
}
