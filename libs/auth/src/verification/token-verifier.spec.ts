import { beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { createTestIssuer, type TestIssuer } from '../testing/index.js';
import { TokenVerifier } from './token-verifier.js';
import { admitted, reasonOf } from './reason-of.spec-support.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const ISS = 'https://issuer.test';
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

let issuer: TestIssuer;
let other: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: ISS, kid: 'k1' });
  other = await createTestIssuer({ issuer: ISS, kid: 'k1' });
});

function verifier(extra: AuthModuleOptions = {}, now = NOW): TokenVerifier {
  return new TokenVerifier(resolveAuthOptions({ ...issuer.moduleOptions(), ...extra }), undefined, () => now);
}

const sign = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => issuer.sign({ sid: 'sess_1', ...claims }, { now: NOW, header });

describe('TokenVerifier', () => {
  it('accepts a valid token and returns its claims and typed fields', async () => {
    const result = await verifier().verify(await sign({ sub: 'user_1' }));
    expect(result.claims).toMatchObject({ sub: 'user_1', sid: 'sess_1', iss: ISS });
    expect(result.fields).toMatchObject({ userId: 'user_1', sessionId: 'sess_1' });
    expect(result.header).toMatchObject({ alg: 'RS256', kid: 'k1' });
  });

  describe('time, with a controlled clock and the default 5 s skew', () => {
    const at = (ms: number) => verifier({}, ms);
    it('accepts until exp + skew, refuses from then on', async () => {
      const token = await sign({ exp: NOW / 1000 + 10 });
      await expect(at(NOW + 10_000 + 4_000).verify(token)).resolves.toBeDefined();
      expect(await reasonOf(at(NOW + 15_000).verify(token))).toBe('token-expired');
    });
    it('refuses exp == now when there is no skew', async () => {
      const token = await sign({ exp: NOW / 1000 });
      expect(await reasonOf(verifier({ clockSkewInMs: 0 }).verify(token))).toBe('token-expired');
    });
    it('refuses nbf beyond the skew, accepts it within', async () => {
      expect(await reasonOf(verifier().verify(await sign({ nbf: NOW / 1000 + 6 })))).toBe('token-not-active-yet');
      await expect(verifier().verify(await sign({ nbf: NOW / 1000 + 5 }))).resolves.toBeDefined();
      expect(await reasonOf(verifier({ clockSkewInMs: 0 }).verify(await sign({ nbf: NOW / 1000 + 1 })))).toBe('token-not-active-yet');
    });
    it('refuses iat in the future beyond the skew', async () => {
      expect(await reasonOf(verifier().verify(await sign({ iat: NOW / 1000 + 60 })))).toBe('token-iat-in-the-future');
      await expect(verifier().verify(await sign({ iat: NOW / 1000 + 4 }))).resolves.toBeDefined();
    });
    it('refuses tokens older than maxTokenAgeInMs', async () => {
      const token = await sign({ iat: NOW / 1000 - 120 });
      expect(await reasonOf(verifier({ maxTokenAgeInMs: 60_000 }).verify(token))).toBe('token-too-old');
      await expect(verifier({ maxTokenAgeInMs: 200_000 }).verify(token)).resolves.toBeDefined();
    });
    it.each([['"1"'], [null], [false]])('refuses exp given as %j', async (exp) => {
      expect(await reasonOf(verifier().verify(await sign({ exp })))).toBe('token-invalid-claims');
    });
    it('refuses a token without exp', async () => {
      expect(await reasonOf(verifier().verify(await sign({ exp: undefined })))).toBe('token-invalid-claims');
    });
  });

  describe('claims', () => {
    it.each([['https://issuer.test/'], ['HTTPS://ISSUER.TEST'], ['https://issuer.tes'], ['https://issuer.test.evil'], [1]])(
      'refuses the near-miss issuer %j',
      async (iss) => {
        expect(await reasonOf(verifier().verify(await sign({ iss })))).toBe('token-invalid-issuer');
      },
    );
    it('refuses a token without iss when an issuer is configured', async () => {
      expect(await reasonOf(verifier().verify(await sign({ iss: undefined })))).toBe('token-invalid-issuer');
    });
    it('checks the audience: ours or a list holding ours', async () => {
      const v = verifier({ audience: 'api' });
      await expect(v.verify(await sign({ aud: 'api' }))).resolves.toBeDefined();
      await expect(v.verify(await sign({ aud: ['other', 'api'] }))).resolves.toBeDefined();
      for (const aud of ['other', [], [1], undefined]) {
        expect(await reasonOf(v.verify(await sign({ aud })))).toBe('token-invalid-audience');
      }
    });
    it('checks azp against authorizedParties; no azp is refused when set', async () => {
      const v = verifier({ authorizedParties: ['https://app.test'] });
      // Decided on the route (an acceptance rule), from the verification.
      await expect(admitted(v, await sign({ azp: 'https://app.test' }))).resolves.toBeDefined();
      expect(await reasonOf(admitted(v, await sign({ azp: 'https://evil.test' })))).toBe('token-invalid-authorized-party');
      expect(await reasonOf(admitted(v, await sign()))).toBe('token-invalid-authorized-party');
      await expect(admitted(verifier(), await sign({ azp: 'https://anything.test' }))).resolves.toBeDefined();
    });
    it('checks typ when configured, case-insensitively', async () => {
      const v = verifier({ typ: 'at+jwt' });
      await expect(v.verify(await sign({}, { typ: 'AT+JWT' }))).resolves.toBeDefined();
      await expect(v.verify(await sign({}, { typ: 'application/at+jwt' }))).resolves.toBeDefined();
      expect(await reasonOf(v.verify(await sign({}, { typ: 'JWT' })))).toBe('token-invalid-type');
    });
    it('requires the configured claims', async () => {
      expect(await reasonOf(verifier({ requiredClaims: ['org_id'] }).verify(await sign()))).toBe('token-invalid-claims');
    });
    it('refuses a token isRevoked() says is revoked', async () => {
      const v = verifier({ isRevoked: async (claims) => claims.sid === 'sess_revoked' });
      expect(await reasonOf(v.verify(await sign({ sid: 'sess_revoked' })))).toBe('token-revoked');
      await expect(v.verify(await sign({ sid: 'sess_ok' }))).resolves.toBeDefined();
    });
    it('refuses wrongly typed session claims', async () => {
      expect(await reasonOf(verifier().verify(await sign({ sub: { $ne: null } })))).toBe('token-invalid-claims');
      expect(await reasonOf(verifier().verify(await sign({ org_id: 42 })))).toBe('token-invalid-claims');
    });
  });

  describe('signature and algorithm', () => {
    it('refuses a signature from another key with the same kid', async () => {
      const token = await other.sign({ sid: 'sess_1' }, { now: NOW });
      expect(await reasonOf(verifier().verify(token))).toBe('token-invalid-signature');
    });
    it('refuses HS256 signed with the public key as the secret (key confusion)', async () => {
      const pem = new TextEncoder().encode(issuer.publicKeyPem);
      const token = await new SignJWT({ sub: 'admin', iss: ISS, exp: NOW / 1000 + 60 }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(pem);
      expect(await reasonOf(verifier().verify(token))).toBe('token-invalid-algorithm');
      expect(await reasonOf(verifier({ jwks: undefined, jwtKey: issuer.publicKeyPem }).verify(token))).toBe('token-invalid-algorithm');
    });
    it('refuses an RS256 token in secret mode, and HS384 when HS256 is pinned', async () => {
      const v = new TokenVerifier(resolveAuthOptions({ secret: SECRET }), undefined, () => NOW);
      expect(await reasonOf(v.verify(await sign()))).toBe('token-invalid-algorithm');
      const hs384 = await new SignJWT({ sub: 'u', exp: NOW / 1000 + 60 }).setProtectedHeader({ alg: 'HS384' }).sign(new TextEncoder().encode(SECRET));
      expect(await reasonOf(v.verify(hs384))).toBe('token-invalid-algorithm');
      const hs256 = await new SignJWT({ sub: 'u', exp: NOW / 1000 + 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
      await expect(v.verify(hs256)).resolves.toBeDefined();
    });
    it.each([['none'], ['None'], ['NONE'], ['dir'], ['RSA-OAEP'], ['HS1']])('refuses alg %s', async (alg) => {
      const [, payload, signature] = (await sign()).split('.');
      const header = Buffer.from(JSON.stringify({ alg, kid: 'k1' })).toString('base64url');
      expect(await reasonOf(verifier().verify(`${header}.${payload}.${signature}`))).toBe('token-invalid-algorithm');
    });
    it.each([
      ['jku', 'https://evil.test/jwks'],
      ['x5u', 'https://evil.test/cert'],
      ['jwk', { kty: 'RSA' }],
      ['x5c', ['MIIB']],
    ])('refuses a token carrying a %s header', async (name, value) => {
      expect(await reasonOf(verifier().verify(await sign({}, { [name]: value })))).toBe('token-invalid');
    });
    it.each([[0], [null], [{}]])('refuses kid %j', async (kid) => {
      expect(await reasonOf(verifier().verify(await sign({}, { kid })))).toBe('token-invalid');
    });
    it('refuses an unknown kid', async () => {
      expect(await reasonOf(verifier().verify(await sign({}, { kid: '../../etc/passwd' })))).toBe('key-not-found');
    });
    it('refuses nested tokens', async () => {
      expect(await reasonOf(verifier().verify(await sign({}, { cty: 'JWT' })))).toBe('token-invalid');
    });
  });

  describe('shape', () => {
    it.each([
      ['two segments', 'a.b'],
      ['four segments', 'a.b.c.d'],
      ['a JWE', 'a.b.c.d.e'],
      ['non-base64url characters', 'a+b.c/d.e=f'],
      ['an empty signature', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.'],
      ['a header that is not JSON', 'bm90IGpzb24.eyJzdWIiOiJ4In0.c2ln'],
      ['a header that is an array', `${Buffer.from('[1]').toString('base64url')}.eyJzdWIiOiJ4In0.c2ln`],
    ])('refuses %s', async (_name, token) => {
      expect(await reasonOf(verifier().verify(token))).toBe('token-invalid');
    });
    it('refuses tokens over maxTokenBytes before parsing', async () => {
      expect(await reasonOf(verifier().verify(`${'a'.repeat(9000)}.b.c`))).toBe('token-too-large');
      expect(await reasonOf(verifier({ maxTokenBytes: 100 }).verify(await sign()))).toBe('token-too-large');
    });
    it('lets a bad signature win over an expired token', async () => {
      const token = await other.sign({ exp: NOW / 1000 - 3600 }, { now: NOW });
      expect(await reasonOf(verifier().verify(token))).toBe('token-invalid-signature');
    });
  });
});
