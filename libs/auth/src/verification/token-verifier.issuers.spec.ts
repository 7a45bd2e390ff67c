import { beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { createTestIssuer, type TestIssuer } from '../testing/index.js';
import { reasonOf } from './reason-of.spec-support.js';
import { TokenVerifier } from './token-verifier.js';
import type { Verification } from './verification.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

let a: TestIssuer;
let b: TestIssuer;
let stranger: TestIssuer;

beforeAll(async () => {
  a = await createTestIssuer({ issuer: 'https://a.example.com', kid: 'a1' });
  b = await createTestIssuer({ issuer: 'https://b.example.com', kid: 'b1', alg: 'ES256' });
  stranger = await createTestIssuer({ issuer: 'https://stranger.example.com', kid: 'a1' });
});

function verifier(extra: AuthModuleOptions = {}, now = () => NOW): TokenVerifier {
  const options = resolveAuthOptions({ issuers: [a.moduleOptions({ audience: 'api-a' }), b.moduleOptions()], ...extra });
  return new TokenVerifier(options, undefined, now);
}

const sign = (issuer: TestIssuer, claims: Record<string, unknown> = {}) => issuer.sign({ sid: 'sess_1', aud: 'api-a', ...claims }, { now: NOW });

describe('TokenVerifier with several issuers', () => {
  it("accepts each issuer's tokens with that issuer's rules, and says which issuer in auth.issuer", async () => {
    const v = verifier();
    const fromA = await v.verify(await sign(a, { sub: 'user_a' }));
    const fromB = await v.verify(await sign(b, { sub: 'user_b', aud: undefined }));
    expect([fromA.auth.issuer, fromA.claims.sub, fromA.tokenType]).toEqual(['https://a.example.com', 'user_a', 'session_token']);
    expect([fromB.auth.issuer, fromB.claims.sub]).toEqual(['https://b.example.com', 'user_b']);
    // A's audience is A's alone.
    expect(await reasonOf(v.verify(await sign(a, { aud: 'elsewhere' })))).toBe('token-invalid-audience');
  });

  it("never verifies a token that names A with B's key: the iss picks A's keys", async () => {
    const v = verifier();
    // iss of A, signed by B's key under B's kid: A's key set has no such key.
    const forged = await new SignJWT({ iss: a.issuer, sub: 'user_x', aud: 'api-a', exp: NOW / 1000 + 60 })
      .setProtectedHeader({ alg: 'ES256', kid: 'b1' })
      .sign(b.privateKey);
    expect(await reasonOf(v.verify(forged))).toBe('token-invalid-algorithm');
    // The same with a key whose kid A does know: the signature does not verify with A's key.
    const sameKid = await new SignJWT({ iss: a.issuer, sub: 'user_x', aud: 'api-a', exp: NOW / 1000 + 60 })
      .setProtectedHeader({ alg: 'RS256', kid: 'a1' })
      .sign(stranger.privateKey);
    expect(await reasonOf(v.verify(sameKid))).toBe('token-invalid-signature');
  });

  it("refuses a token whose iss is B but whose kid exists only in A's keys", async () => {
    const rsaB = await createTestIssuer({ issuer: b.issuer, kid: 'b2' });
    const v = verifier({ issuers: [a.moduleOptions(), rsaB.moduleOptions()] });
    const token = await new SignJWT({ iss: b.issuer, sub: 'user_x', exp: NOW / 1000 + 60 }).setProtectedHeader({ alg: 'RS256', kid: 'a1' }).sign(a.privateKey);
    expect(await reasonOf(v.verify(token))).toBe('key-not-found');
    expect(await reasonOf(v.verify(await rsaB.sign({ sub: 'user_b' }, { now: NOW })))).toBe('accepted');
  });

  it('refuses an iss no entry names, and a token without iss, before any key is looked up', async () => {
    const v = verifier();
    expect(await reasonOf(v.verify(await sign(stranger)))).toBe('token-invalid-issuer');
    expect(await reasonOf(v.verify(await sign(a, { iss: undefined })))).toBe('token-invalid-issuer');
    expect(await reasonOf(v.verify(await sign(a, { iss: 'https://A.example.com' })))).toBe('token-invalid-issuer');
    expect(await reasonOf(v.verify(await sign(a, { iss: 42 })))).toBe('token-invalid-issuer');
  });

  it('says why an unknown iss was refused', async () => {
    await expect(verifier().verify(await sign(stranger))).rejects.toThrow('the token iss names no configured issuer');
  });

  it('refuses a payload that is not a JSON object as token-invalid', async () => {
    const v = verifier();
    const [header, , signature] = (await sign(a)).split('.');
    expect(await reasonOf(v.verify(`${header}.${Buffer.from('[1]').toString('base64url')}.${signature}`))).toBe('token-invalid');
    expect(await reasonOf(v.verify(`${header}.bm90IGpzb24.${signature}`))).toBe('token-invalid');
  });

  it('caches per issuer, in one cache bounded for the module', async () => {
    const v = verifier({ cache: { maxEntries: 2 } });
    const tokens = [await sign(a, { sub: 'u1' }), await sign(b, { sub: 'u2', aud: undefined }), await sign(a, { sub: 'u3' })];
    for (const token of tokens) {
      await v.verify(token);
      await v.verify(token);
    }
    expect(v.cache?.size).toBe(2);
    expect(v.verifyCached(tokens[2])?.auth.issuer).toBe(a.issuer);
  });

  it("uses the entry's own time rules when a stored verdict is checked again", async () => {
    let now = NOW;
    const v = verifier({ issuers: [a.moduleOptions({ audience: 'api-a', clockSkewInMs: 30_000 }), b.moduleOptions()], clockSkewInMs: 0 }, () => now);
    const fromA = await v.authenticate(await sign(a, { exp: NOW / 1000 + 1 }));
    const fromB = await v.authenticate(await sign(b, { exp: NOW / 1000 + 1, aud: undefined }));
    now = NOW + 10_000;
    expect(v.recheck(fromA)).toBe(fromA);
    expect((v.recheck(fromB) as Verification).error?.message).toMatch(/expired/);
  });

  it('names the entry of a key source that cannot work (at boot)', () => {
    expect(() => verifier({ issuers: [a.moduleOptions(), b.moduleOptions({ algorithms: ['RS256'] })] })).toThrow(/"issuers\[1\]\.algorithms"/);
  });

  it('builds no key source at the top level', () => {
    const v = verifier();
    expect(v.keySource).toBeUndefined();
    const heard: string[] = [];
    v.onKeySource((source) => heard.push(source.kind));
    expect(heard).toEqual(['jwks', 'jwks']);
  });
});
