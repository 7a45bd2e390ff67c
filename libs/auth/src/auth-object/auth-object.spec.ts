import { describe, expect, it, jest } from '@jest/globals';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { signedInAuthObject, signedOutAuthObject } from './auth-object.js';
import { signedOutResult } from './auth-result.js';
import { hasAuthorization } from './has-authorization.js';
import { readSessionFields } from './claims.js';

const v1 = {
  sub: 'user_1',
  sid: 'sess_1',
  org_id: 'org_1',
  org_role: 'org:admin',
  org_permissions: ['org:invoices:read'],
};
const v2 = { sub: 'user_2', sid: 'sess_2', v: 2, fea: 'o:invoices,u:beta', pla: 'u:free,o:pro', o: { id: 'org_2', rol: 'member', per: 'read', fpm: '1' } };

// The fields are read inside each test, not in the describe body: a throw there would break the
// whole file instead of failing the tests that depend on it.
describe('has()', () => {
  it.each([
    [{ role: 'org:admin' }, true],
    [{ role: 'admin' }, true],
    [{ role: 'org:member' }, false],
    [{ permission: 'org:invoices:read' }, true],
    [{ permission: 'invoices:read' }, true],
    [{ permission: 'org:invoices:write' }, false],
    [{ role: 'org:admin', permission: 'org:invoices:read' }, true],
    [{ role: 'org:admin', permission: 'org:invoices:write' }, false],
    [{ feature: 'invoices' }, false],
    [{ plan: 'pro' }, false],
    [{}, false],
    [{ role: '' }, false],
  ])('v1 %j -> %s', (check, expected) => {
    expect(hasAuthorization(check, readSessionFields(v1))).toBe(expected);
  });

  it.each([
    [{ role: 'org:member' }, true],
    [{ role: 'member' }, true],
    [{ permission: 'org:invoices:read' }, true],
    [{ feature: 'invoices' }, true],
    [{ feature: 'o:invoices' }, true],
    [{ feature: 'org:invoices' }, true],
    [{ feature: 'u:invoices' }, false],
    [{ feature: 'beta' }, true],
    [{ feature: 'user:beta' }, true],
    [{ feature: 'o:beta' }, false],
    [{ feature: 'x:beta' }, false],
    [{ plan: 'pro' }, true],
    [{ plan: 'o:pro' }, true],
    [{ plan: 'u:pro' }, false],
    [{ plan: 'free', feature: 'beta' }, true],
    [{ plan: 'enterprise', feature: 'beta' }, false],
  ])('v2 %j -> %s', (check, expected) => {
    expect(hasAuthorization(check, readSessionFields(v2))).toBe(expected);
  });

  it('fails closed for role and permission checks without an org', () => {
    const fields = readSessionFields({ sub: 'user_3' });
    expect(hasAuthorization({ role: 'org:admin' }, fields)).toBe(false);
    expect(hasAuthorization({ permission: 'org:invoices:read' }, fields)).toBe(false);
  });

  it('is always false when signed out', () => {
    expect(signedOutAuthObject().has({ role: 'org:admin' })).toBe(false);
  });
});

describe('auth objects', () => {
  it('getToken() resolves the request token, getToken({ template }) asks the provider', async () => {
    const templates = jest.fn(async (_auth: unknown, template: string, _options?: object) => `minted-${template}`);
    const auth = signedInAuthObject(v1, readSessionFields(v1), 'the.request.token', templates);
    await expect(auth.getToken()).resolves.toBe('the.request.token');
    await expect(auth.getToken({ template: 'supabase' })).resolves.toBe('minted-supabase');
    expect(templates).toHaveBeenCalledWith(auth, 'supabase', { template: 'supabase' });
  });

  it('getToken({ template, expiresInSeconds }) hands both to the provider; a lifetime alone asks it too', async () => {
    const templates = jest.fn(async (_auth: unknown, template: string, _options?: object) => `minted-${template}`);
    const auth = signedInAuthObject(v1, readSessionFields(v1), 'the.request.token', templates);
    await auth.getToken({ template: 'supabase', expiresInSeconds: 60 });
    await auth.getToken({ expiresInSeconds: 30 });
    expect(templates.mock.calls.map(([, ...rest]) => rest)).toEqual([
      ['supabase', { template: 'supabase', expiresInSeconds: 60 }],
      ['', { expiresInSeconds: 30 }],
    ]);
    await expect(auth.getToken({ expiresInSeconds: 0 })).rejects.toThrow(TypeError);
    await expect(auth.getToken({ expiresInSeconds: '60' as never })).rejects.toThrow(/expiresInSeconds/);
  });

  it('sessionClaims is claims; debug() tells the decision and nothing of the token', () => {
    const claims = { ...v1, iss: 'https://issuer.test', exp: 2_000_000_000 };
    const auth = signedInAuthObject(claims, readSessionFields(claims), 'secret.token.value');
    expect(auth.sessionClaims).toBe(auth.claims);
    expect(auth.debug()).toEqual({
      isAuthenticated: true,
      tokenType: 'session_token',
      tokenPresent: true,
      reason: null,
      userId: 'user_1',
      sessionId: 'sess_1',
      sessionStatus: null,
      issuer: 'https://issuer.test',
      expiresAt: 2_000_000_000,
    });
    expect(JSON.stringify(auth.debug())).not.toMatch(/secret|token\.value/);
  });

  it("a pending session's signed-out object keeps sessionStatus 'pending'; other refusals say null", () => {
    const pending = signedOutAuthObject(new AuthError(AuthErrorReason.SessionPending), true);
    expect(pending.sessionStatus).toBe('pending');
    expect(pending.debug()).toMatchObject({ isAuthenticated: false, reason: 'session-pending', sessionStatus: 'pending', tokenPresent: true });
    expect(signedOutAuthObject(new AuthError(AuthErrorReason.TokenExpired), true).sessionStatus).toBeNull();
    expect(signedOutAuthObject().debug()).toMatchObject({ reason: null, tokenPresent: false, sessionStatus: null });
  });

  it('getToken({ template }) rejects with a clear error without a provider', async () => {
    const auth = signedInAuthObject(v1, readSessionFields(v1), 't.o.k');
    await expect(auth.getToken({ template: 'x' })).rejects.toThrow(/getTokenTemplate option/);
  });

  it('the signed-out object has the same keys, nulls and false', async () => {
    const signedIn = signedInAuthObject(v1, readSessionFields(v1), 't.o.k');
    const signedOut = signedOutAuthObject();
    expect(Object.keys(signedOut).sort()).toEqual(Object.keys(signedIn).sort());
    expect(signedOut).toMatchObject({ isAuthenticated: false, userId: null, sessionId: null, orgId: null, claims: null });
    await expect(signedOut.getToken()).resolves.toBeNull();
  });

  it('does not let __proto__ claims pollute anything', () => {
    const claims = JSON.parse('{"sub":"user_1","__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}');
    const auth = signedInAuthObject(claims, readSessionFields(claims), 't.o.k');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect((auth as unknown as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.getPrototypeOf(auth.claims)).toBe(Object.prototype);
  });
});

describe('auth objects, field by field', () => {
  it('copies every session field onto a frozen signed-in object', () => {
    const claims = { ...v2, sts: 'active', fva: [1, -1], act: { sub: 'user_admin' }, org_slug: 'ignored-in-v2' };
    const fields = readSessionFields(claims);
    const auth = signedInAuthObject(claims, fields, 't.o.k');
    expect(auth).toMatchObject({
      isAuthenticated: true,
      tokenType: 'session_token',
      userId: 'user_2',
      sessionId: 'sess_2',
      orgId: 'org_2',
      orgRole: 'org:member',
      orgSlug: null,
      orgPermissions: ['org:invoices:read'],
      actor: { sub: 'user_admin' },
      sessionStatus: 'active',
      factorVerificationAge: [1, -1],
    });
    expect(auth.claims).toBe(claims);
    expect(Object.isFrozen(auth)).toBe(true);
  });

  it('has() is false for a check that is not an object, signed in or out', () => {
    const auth = signedInAuthObject(v1, readSessionFields(v1), 't.o.k');
    for (const check of [null, undefined, 'x', 1]) {
      expect(auth.has(check as never)).toBe(false);
      expect(signedOutAuthObject().has(check as never)).toBe(false);
    }
    expect(auth.has({ role: 'admin' })).toBe(true);
  });

  it('getToken({}) is the request token; a bad lifetime is refused before the provider is asked', async () => {
    const templates = jest.fn(async () => 'minted');
    const auth = signedInAuthObject(v1, readSessionFields(v1), 'the.request.token', templates);
    await expect(auth.getToken({})).resolves.toBe('the.request.token');
    for (const expiresInSeconds of [0, -1, Number.NaN, '60']) {
      await expect(auth.getToken({ template: 't', expiresInSeconds: expiresInSeconds as number })).rejects.toThrow(
        new TypeError('nestjs-warden: getToken({ expiresInSeconds }) must be a number of seconds above 0'),
      );
    }
    expect(templates).not.toHaveBeenCalled();
    await expect(auth.getToken({ expiresInSeconds: 0.5 })).resolves.toBe('minted');
  });

  it('hands the provider only the options the caller gave, not undefined keys', async () => {
    const given: object[] = [];
    const auth = signedInAuthObject(v1, readSessionFields(v1), 't.o.k', async (_auth, _template, options) => {
      given.push(options);
      return 'minted';
    });
    await auth.getToken({ template: 'supabase' });
    await auth.getToken({ expiresInSeconds: 30 });
    expect(given.map((options) => Object.keys(options))).toEqual([['template'], ['expiresInSeconds']]);
  });

  it('getToken({ expiresInSeconds }) without a provider names the option', async () => {
    const auth = signedInAuthObject(v1, readSessionFields(v1), 't.o.k');
    await expect(auth.getToken({ expiresInSeconds: 60 })).rejects.toThrow(
      'nestjs-warden: getToken({ template, expiresInSeconds }) needs the getTokenTemplate option of AuthModule.forRoot()',
    );
  });

  it('a signed-out object remembers why, and whether a token came', () => {
    const error = new AuthError(AuthErrorReason.TokenExpired);
    const result = signedOutResult(error, true);
    expect(result).toMatchObject({ error, tokenPresent: true, auth: { isAuthenticated: false, sessionStatus: null } });
    expect(result.error).toBe(error);
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.auth)).toBe(true);
    expect(result.auth.debug()).toMatchObject({ reason: 'token-expired', tokenPresent: true });
    expect(signedOutAuthObject().debug()).toMatchObject({ reason: null, tokenPresent: false });
    const pending = signedOutAuthObject(new AuthError(AuthErrorReason.SessionPending), true);
    expect(pending.debug()).toMatchObject({ tokenPresent: true, reason: 'session-pending' });
    expect(pending.sessionStatus).toBe('pending');
  });
});
