import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthErrorReason, type AuthModuleOptions } from 'nestjs-warden';
import { createTestIssuer } from 'nestjs-warden/testing';
import { ADAPTERS } from '../support/http-app.js';
import { createSecurityFixture, type SecurityFixture } from '../support/security-fixture.js';
import { claimsAt, forge } from '../support/token-forge.js';

const otherTenant = createTestIssuer({ issuer: 'https://other-tenant.test', kid: 'key-1' });

describe.each(ADAPTERS)('hostile tokens (claims) on %s', (adapter) => {
  const fixtures: Record<string, SecurityFixture> = {};
  const configs: Record<string, Partial<AuthModuleOptions>> = {
    base: { debug: true },
    typ: { debug: true, typ: 'at+jwt' },
    audience: { debug: true, audience: 'api://ours' },
    strictTime: { debug: true, clockSkewInMs: 0, maxTokenAgeInMs: 60_000 },
  };
  beforeAll(async () => {
    for (const [name, options] of Object.entries(configs)) fixtures[name] = await createSecurityFixture(adapter, options);
  });
  afterAll(async () => {
    await Promise.all(Object.values(fixtures).map((f) => f.close()));
  });

  const token = (f: SecurityFixture, claims: Record<string, unknown> | string, header: Record<string, unknown> = {}) =>
    forge({ alg: 'RS256', kid: 'key-1', typ: 'JWT', ...header }, claims, { alg: 'RS256', key: f.signer.privateKey });
  const status = async (f: SecurityFixture, t: string, expected: number, reason?: string) => {
    const res = await f.get(t);
    expect({ status: res.status, reason: res.body.reason }).toEqual({ status: expected, reason: expected === 200 ? undefined : (reason ?? res.body.reason) });
    return res;
  };

  it('token #23: typ other than configured; at+jwt and application/at+jwt case-insensitively', async () => {
    const f = fixtures.typ;
    for (const typ of ['JWT', 'jwt', 'id_token', 'at+jwt+x', ''])
      await status(f, token(f, claimsAt(f.clock.now), { typ }), 401, AuthErrorReason.TokenInvalidType);
    await status(f, token(f, claimsAt(f.clock.now), { typ: undefined }), 401, AuthErrorReason.TokenInvalidType);
    for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+JWT']) await status(f, token(f, claimsAt(f.clock.now), { typ }), 200);
  });

  it('token #24: duplicate JSON names: the exposed userId is exactly the value that was checked', async () => {
    const f = fixtures.base;
    const now = Math.floor(f.clock.now / 1000);
    const raw = `{"iss":"https://issuer.test","sub":"user_a","exp":${now + 60},"sid":"sess_1","sub":"admin"}`;
    const res = await f.get(token(f, raw));
    expect([200, 401]).toContain(res.status);
    if (res.status === 200) {
      const claims = res.body.claims as Record<string, unknown>;
      expect(res.body.userId).toBe(claims.sub);
      expect(['user_a', 'admin']).toContain(res.body.userId);
    }
    const issuers = `{"iss":"https://issuer.test","sub":"user_a","exp":${now + 60},"iss":"https://evil.test"}`;
    await status(f, token(f, issuers), 401, AuthErrorReason.TokenInvalidIssuer);
  });

  it('token #25: exp absent', async () => {
    const f = fixtures.base;
    await status(f, token(f, claimsAt(f.clock.now, { exp: undefined })), 401, AuthErrorReason.TokenInvalidClaims);
  });

  it('token #26: exp / nbf / iat as strings, null, false', async () => {
    const f = fixtures.base;
    const now = Math.floor(f.clock.now / 1000);
    for (const claim of ['exp', 'nbf', 'iat']) {
      for (const value of [String(claim === 'exp' ? now + 60 : now), null, false, [now], { $gt: 0 }]) {
        await status(f, token(f, claimsAt(f.clock.now, { [claim]: value })), 401);
      }
    }
  });

  it('token #27: time edges with the skew at 0 and a 60 s maxTokenAge', async () => {
    const f = fixtures.strictTime;
    const now = Math.floor(f.clock.now / 1000);
    await status(f, token(f, claimsAt(f.clock.now, { exp: now })), 401, AuthErrorReason.TokenExpired);
    await status(f, token(f, claimsAt(f.clock.now, { exp: now + 1 })), 200);
    await status(f, token(f, claimsAt(f.clock.now, { nbf: now + 1 })), 401, AuthErrorReason.TokenNotActiveYet);
    await status(f, token(f, claimsAt(f.clock.now, { nbf: now })), 200);
    await status(f, token(f, claimsAt(f.clock.now, { iat: now + 1 })), 401, AuthErrorReason.TokenIatInTheFuture);
    await status(f, token(f, claimsAt(f.clock.now, { iat: now - 60, nbf: now - 60 })), 200);
    await status(f, token(f, claimsAt(f.clock.now, { iat: now - 61, nbf: now - 61 })), 401, AuthErrorReason.TokenTooOld);
  });

  it('token #27: time edges inside and outside the default 5 s skew', async () => {
    const f = fixtures.base;
    const now = Math.floor(f.clock.now / 1000);
    await status(f, token(f, claimsAt(f.clock.now, { exp: now - 4 })), 200);
    await status(f, token(f, claimsAt(f.clock.now, { exp: now - 5 })), 401, AuthErrorReason.TokenExpired);
    await status(f, token(f, claimsAt(f.clock.now, { nbf: now + 5 })), 200);
    await status(f, token(f, claimsAt(f.clock.now, { nbf: now + 6 })), 401, AuthErrorReason.TokenNotActiveYet);
    await status(f, token(f, claimsAt(f.clock.now, { iat: now + 5, nbf: now })), 200);
    await status(f, token(f, claimsAt(f.clock.now, { iat: now + 6, nbf: now })), 401, AuthErrorReason.TokenIatInTheFuture);
  });

  it('token #28: iss missing, not a string, or a near miss', async () => {
    const f = fixtures.base;
    const misses: unknown[] = [undefined, 123, null, ['https://issuer.test'], { iss: 'https://issuer.test' }];
    misses.push(
      'https://issuer.test/',
      'HTTPS://ISSUER.TEST',
      'https://Issuer.test',
      'https://issuer.tes',
      'https://issuer.test.evil',
      'https://issuer.testx',
      ' https://issuer.test',
      'issuer.test',
      '',
    );
    for (const iss of misses) await status(f, token(f, claimsAt(f.clock.now, { iss })), 401);
  });

  it('token #29: aud other, [], [1], missing; an array containing ours is accepted', async () => {
    const f = fixtures.audience;
    for (const aud of ['api://other', [], [1], undefined, null, 'API://OURS', ['api://ours/']]) {
      await status(f, token(f, claimsAt(f.clock.now, { aud })), 401, AuthErrorReason.TokenInvalidAudience);
    }
    await status(f, token(f, claimsAt(f.clock.now, { aud: 'api://ours' })), 200);
    await status(f, token(f, claimsAt(f.clock.now, { aud: ['api://other', 'api://ours'] })), 200);
  });

  it('token #30: sub, sid, org_id as number, object, array or "": refused before reaching the auth object', async () => {
    const f = fixtures.base;
    for (const claim of ['sub', 'sid', 'org_id']) {
      for (const value of [42, { $ne: null }, ['user_1'], '', true]) {
        await status(f, token(f, claimsAt(f.clock.now, { [claim]: value })), 401);
      }
    }
    await status(f, token(f, claimsAt(f.clock.now, { org_id: 'org_1' })), 200);
  });

  it('token #31: __proto__ / constructor claims pollute nothing', async () => {
    const f = fixtures.base;
    const now = Math.floor(f.clock.now / 1000);
    const raw =
      `{"iss":"https://issuer.test","sub":"user_1","sid":"sess_1","exp":${now + 60},` +
      `"__proto__":{"polluted":"yes","isAuthenticated":false},"constructor":{"prototype":{"polluted":"yes"}},` +
      `"o":{"__proto__":{"polluted":"yes"}},"org_permissions":["__proto__"]}`;
    const res = await f.get(token(f, raw));
    expect([200, 401]).toContain(res.status);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    if (res.status === 200) {
      expect(res.body.userId).toBe('user_1');
      expect(res.body).not.toHaveProperty('polluted');
    }
    const verified = await f.authService.verifyToken(token(f, raw)).catch(() => null);
    if (verified) {
      expect(verified.isAuthenticated).toBe(true);
      expect((verified as unknown as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(verified.claims)).toBe(Object.prototype);
      expect((verified.claims as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it("token #32: ID token, refresh token, another tenant's token", async () => {
    const f = fixtures.typ;
    const idToken = token(f, claimsAt(f.clock.now, { aud: 'client_123', nonce: 'n-0S6_WzA2Mj', auth_time: Math.floor(f.clock.now / 1000) }), { typ: 'JWT' });
    await status(f, idToken, 401, AuthErrorReason.TokenInvalidType);
    await status(f, 'rt_8xLOxBtZp8.Zm9vYmFy', 401);
    await status(f, 'eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJSZWZyZXNoIn0.c2lnbmF0dXJl', 401);
    const tenant = await otherTenant;
    await status(f, await tenant.sign({}, { now: f.clock.now, header: { typ: 'at+jwt' } }), 401, AuthErrorReason.TokenInvalidSignature);
    const sameKeysOtherIss = token(f, claimsAt(f.clock.now, { iss: 'https://other-tenant.test' }), { typ: 'at+jwt' });
    await status(f, sameKeysOtherIss, 401, AuthErrorReason.TokenInvalidIssuer);
  });
});
