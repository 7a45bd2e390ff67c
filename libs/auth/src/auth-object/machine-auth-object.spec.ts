import { describe, expect, it } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import { signedOutResult } from './auth-result.js';
import { hasMachineAuthorization, machineAuthObject, signedOutMachineAuthObject } from './machine-auth-object.js';
import { readScopes } from './scopes.js';

const reasonOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as AuthError).reason;
  }
  return undefined;
};

describe('machineAuthObject', () => {
  it('says which issuer signed it: the iss when it is a string, else null', () => {
    expect(machineAuthObject('m2m_token', { sub: 'mch_1', iss: 'https://clerk.example.com' }, 't').issuer).toBe('https://clerk.example.com');
    expect(machineAuthObject('m2m_token', { sub: 'mch_1', iss: 42 as never }, 't').issuer).toBeNull();
    expect(machineAuthObject('m2m_token', { sub: 'mch_1' }, 't').issuer).toBeNull();
  });

  it('carries the binding of a sender-constrained token, and has no binding member otherwise', () => {
    const binding = { type: 'dpop', jkt: 'thumbprint-of-the-proof-key' } as const;
    expect(machineAuthObject('oauth_token', { sub: 'user_1' }, 't', undefined, undefined, binding).binding).toEqual(binding);
    expect(Object.keys(machineAuthObject('oauth_token', { sub: 'user_1' }, 't'))).not.toContain('binding');
  });

  it('builds an M2M object with @clerk/backend field names', async () => {
    const claims = { sub: 'mch_1', jti: 'mt_1', scopes: 'mch_2 invoices:read', exp: 1, iss: 'https://clerk.example.com' };
    const auth = machineAuthObject('m2m_token', claims, 'the-token');
    expect(JSON.parse(JSON.stringify(auth))).toEqual({
      isAuthenticated: true,
      tokenType: 'm2m_token',
      id: 'mt_1',
      subject: 'mch_1',
      scopes: ['mch_2', 'invoices:read'],
      machineId: 'mch_1',
      claims,
      issuer: 'https://clerk.example.com',
    });
    await expect(auth.getToken()).resolves.toBe('the-token');
    expect(Object.isFrozen(auth)).toBe(true);
    expect(auth.isAuthenticated).toBe(true);
  });

  it("builds an OAuth object: userId from sub, clientId from client_id, scopes from scope (scp only as the issuer's scopeClaim)", () => {
    const claims = { sub: 'user_1', client_id: 'cli_1', scp: ['a', 'b'], scope: 'c' };
    const auth = machineAuthObject('oauth_token', claims, 't');
    expect(auth).toMatchObject({ tokenType: 'oauth_token', id: '', subject: 'user_1', userId: 'user_1', clientId: 'cli_1', scopes: ['c'] });
    expect(machineAuthObject('oauth_token', claims, 't', undefined, 'scp').scopes).toEqual(['a', 'b']);
    expect(machineAuthObject('oauth_token', { sub: 'user_1' }, 't')).toMatchObject({ clientId: '', scopes: [] });
  });

  it('builds an API key object owned by a user or an organization', () => {
    expect(machineAuthObject('api_key', { sub: 'user_1', name: 'ci' }, 't')).toMatchObject({ name: 'ci', userId: 'user_1', orgId: null });
    expect(machineAuthObject('api_key', { sub: 'org_1' }, 't')).toMatchObject({ name: '', userId: null, orgId: 'org_1' });
  });

  it('refuses claims of the wrong type before they reach the object', () => {
    expect(reasonOf(() => machineAuthObject('m2m_token', {}, 't'))).toBe('token-invalid-claims');
    expect(reasonOf(() => machineAuthObject('m2m_token', { sub: '' }, 't'))).toBe('token-invalid-claims');
    expect(reasonOf(() => machineAuthObject('m2m_token', { sub: 'mch_1', jti: 7 as unknown as string }, 't'))).toBe('token-invalid-claims');
    expect(reasonOf(() => machineAuthObject('oauth_token', { sub: 'u', client_id: ['x'] }, 't'))).toBe('token-invalid-claims');
    expect(reasonOf(() => machineAuthObject('oauth_token', { sub: 'u', scope: ['x'] }, 't'))).toBe('token-invalid-claims');
    expect(reasonOf(() => machineAuthObject('oauth_token', { sub: 'u', scp: [1] }, 't', undefined, 'scp'))).toBe('token-invalid-claims');
    expect(reasonOf(() => machineAuthObject('m2m_token', { sub: 'mch_1', scopes: ['x'] }, 't'))).toBe('token-invalid-claims');
  });

  it('has(): scopes always; roles and permissions only through grants', () => {
    const auth = machineAuthObject('m2m_token', { sub: 'mch_1', scopes: 'invoices:read invoices:write', scope: 'invoices:delete' }, 't');
    expect(auth.has({ scope: 'invoices:delete' })).toBe(false);
    expect(auth.has({ scope: 'invoices:read' })).toBe(true);
    expect(auth.has({ scopes: ['invoices:read', 'invoices:write'] })).toBe(true);
    expect(auth.has({ scopes: ['invoices:read', 'invoices:delete'] })).toBe(false);
    expect(auth.has({ scope: 'invoices' })).toBe(false);
    expect(auth.has({ scopes: [] })).toBe(false);
    expect(auth.has({})).toBe(false);
    expect(auth.has({ role: 'admin' })).toBe(false);
    const grants = { roles: ['admin'], permissions: [], features: [], plans: [] };
    expect(hasMachineAuthorization({ role: 'admin' }, [], grants)).toBe(true);
    expect(hasMachineAuthorization({ role: 'admin', scope: 'x' }, [], grants)).toBe(false);
    expect(hasMachineAuthorization({ role: 'admin', scope: 'x' }, ['x'], grants)).toBe(true);
  });
});

describe('signedOutMachineAuthObject', () => {
  it('has every field null, as @clerk/backend', async () => {
    const auth = signedOutMachineAuthObject('oauth_token');
    expect(JSON.parse(JSON.stringify(auth))).toEqual({
      isAuthenticated: false,
      tokenType: 'oauth_token',
      id: null,
      subject: null,
      scopes: null,
      userId: null,
      clientId: null,
      claims: null,
      issuer: null,
    });
    expect(signedOutMachineAuthObject('m2m_token')).toMatchObject({ machineId: null });
    expect(signedOutMachineAuthObject('api_key')).toMatchObject({ name: null, userId: null, orgId: null });
    await expect(auth.getToken()).resolves.toBeNull();
    expect(auth.has({ scope: 'x' })).toBe(false);
  });
});

describe('readScopes', () => {
  it('reads the claim of the class: M2M scopes, the others scope; scp only as a scopeClaim', () => {
    expect(readScopes({ scp: 'a b' }, 'oauth_token')).toEqual([]);
    expect(readScopes({ scp: 'a b' }, 'oauth_token', 'scp')).toEqual(['a', 'b']);
    expect(readScopes({ scope: 'a b' }, 'm2m_token')).toEqual([]);
    expect(readScopes({ scope: 'a  b a' }, 'session_token')).toEqual(['a', 'b']);
    expect(readScopes({ scopes: 'a b' }, 'oauth_token')).toEqual([]);
    expect(readScopes({ scopes: 'a b' }, 'm2m_token')).toEqual(['a', 'b']);
    expect(readScopes({}, 'm2m_token')).toEqual([]);
  });
});

describe('hasMachineAuthorization and reverification', () => {
  it('never grants reverification: a machine verifies no factors (no fva), whatever else the check asks', () => {
    expect(hasMachineAuthorization({ reverification: 'lax' }, ['invoices:read'])).toBe(false);
    expect(hasMachineAuthorization({ scope: 'invoices:read', reverification: 'lax' }, ['invoices:read'])).toBe(false);
    expect(hasMachineAuthorization({ scope: 'invoices:read' }, ['invoices:read'])).toBe(true);
  });
});

describe('machine debug()', () => {
  it('says what was decided, with the class, and nothing of the token', () => {
    const oauth = machineAuthObject('oauth_token', { sub: 'user_9', client_id: 'spa', iss: 'https://as.test', exp: 2_000_000_000 }, 'secret.token.value');
    expect(oauth.debug()).toEqual({
      isAuthenticated: true,
      tokenType: 'oauth_token',
      tokenPresent: true,
      reason: null,
      userId: 'user_9',
      sessionId: null,
      sessionStatus: null,
      issuer: 'https://as.test',
      expiresAt: 2_000_000_000,
    });
    expect(JSON.stringify(oauth.debug())).not.toContain('secret');
    expect(machineAuthObject('m2m_token', { sub: 'mch_1' }, 't').debug()).toMatchObject({ tokenType: 'm2m_token', userId: null });
    const out = signedOutMachineAuthObject('api_key', new AuthError('token-expired'), true);
    expect(out.debug()).toMatchObject({ isAuthenticated: false, tokenType: 'api_key', reason: 'token-expired', tokenPresent: true });
  });
});

/** The fields only one or two machine classes have: each class has its own and none of the others'. */
function expectOwnFields(keys: (type: 'm2m_token' | 'oauth_token' | 'api_key') => string[]): void {
  const own = { m2m_token: ['machineId'], oauth_token: ['userId', 'clientId'], api_key: ['name', 'userId', 'orgId'] };
  const classSpecific = ['machineId', 'userId', 'clientId', 'name', 'orgId'];
  for (const type of ['m2m_token', 'oauth_token', 'api_key'] as const) {
    const present = keys(type).filter((key) => classSpecific.includes(key));
    expect(present.sort()).toEqual([...own[type]].sort());
    expect(keys(type)).toEqual(expect.arrayContaining(['claims', 'id', 'isAuthenticated', 'scopes', 'subject', 'tokenType']));
  }
}

describe('machine auth objects, claim by claim', () => {
  it('reads absent or null optional claims as their defaults', async () => {
    const oauth = machineAuthObject('oauth_token', { sub: 'user_1', jti: null, client_id: null } as never, 'tok');
    expect(oauth).toMatchObject({ id: '', clientId: '' });
    await expect(oauth.getToken()).resolves.toBe('tok');
    expect(machineAuthObject('api_key', { sub: 'user_1', name: null }, 't')).toMatchObject({ name: '' });
  });

  it.each([
    ['sub', 'm2m_token', {}],
    ['sub', 'm2m_token', { sub: 5 }],
    ['jti', 'm2m_token', { sub: 'mch_1', jti: '' }],
    ['client_id', 'oauth_token', { sub: 'user_1', client_id: '' }],
    ['name', 'api_key', { sub: 'user_1', name: 5 }],
  ] as const)('refuses a bad %s as token-invalid-claims, naming it', (name, type, claims) => {
    expect(() => machineAuthObject(type, claims as never, 't')).toThrow(
      expect.objectContaining({ reason: 'token-invalid-claims', message: `claim "${name}" must be a non-empty string` }),
    );
  });

  it("gives each class its own fields and none of the other classes' fields", () => {
    const keys = (type: 'm2m_token' | 'oauth_token' | 'api_key') => Object.keys(machineAuthObject(type, { sub: 'user_1' }, 't'));
    expectOwnFields(keys);
  });

  it('reads an API key owner from the exact sub prefixes user_ and org_', () => {
    expect(machineAuthObject('api_key', { sub: 'mch_1' }, 't')).toMatchObject({ userId: null, orgId: null });
    expect(machineAuthObject('api_key', { sub: 'users_1' }, 't')).toMatchObject({ userId: null, orgId: null });
    expect(machineAuthObject('api_key', { sub: 'organization_1' }, 't')).toMatchObject({ userId: null, orgId: null });
    expect(machineAuthObject('api_key', { sub: 'user_1' }, 't').debug().userId).toBe('user_1');
    expect(machineAuthObject('api_key', { sub: 'org_1' }, 't').debug().userId).toBeNull();
  });

  it('has() is false for a check that is not an object', () => {
    const auth = machineAuthObject('m2m_token', { sub: 'mch_1', scope: 'a' }, 't');
    for (const check of [null, undefined, 'a', 1]) expect(auth.has(check as never)).toBe(false);
  });

  it.each([
    [{ role: 'admin' }, true],
    [{ permission: 'read' }, true],
    [{ feature: 'reports' }, true],
    [{ plan: 'pro' }, true],
    [{ permission: 'write' }, false],
    [{ feature: 'beta' }, false],
    [{ plan: 'free' }, false],
    [{ plan: 'pro', scope: 'a' }, true],
    [{ plan: 'pro', scope: 'b' }, false],
    [{}, false],
  ])('has(%j) through grants is %s', (check, expected) => {
    const grants = { roles: ['admin'], permissions: ['read'], features: ['reports'], plans: ['pro'] };
    expect(hasMachineAuthorization(check, ['a'], grants)).toBe(expected);
  });

  it.each([[{ permission: 'read' }], [{ feature: 'reports' }], [{ plan: 'pro' }]])('has(%j) without grants is false', (check) => {
    expect(hasMachineAuthorization(check, ['a'])).toBe(false);
  });

  it('the signed-out object is frozen and remembers why', async () => {
    const error = new AuthError('token-expired');
    const auth = signedOutMachineAuthObject('m2m_token', error, true);
    expect(Object.isFrozen(auth)).toBe(true);
    expect(auth.debug()).toMatchObject({ reason: 'token-expired', tokenPresent: true, tokenType: 'm2m_token' });
    expect(signedOutResult(error, true, 'm2m_token')).toMatchObject({ error, tokenPresent: true, auth: { tokenType: 'm2m_token', isAuthenticated: false } });
    expect(signedOutMachineAuthObject('api_key').debug()).toMatchObject({ reason: null, tokenPresent: false });
    expect(signedOutMachineAuthObject('oauth_token').debug()).toMatchObject({
      reason: null,
      tokenPresent: false,
      tokenType: 'oauth_token',
      sessionStatus: null,
    });
    await expect(signedOutMachineAuthObject('api_key').getToken()).resolves.toBeNull();
    expect(signedOutMachineAuthObject('api_key').has({ scope: 'a' })).toBe(false);
  });

  it("gives each signed-out class its own fields and none of the other classes' fields", () => {
    expectOwnFields((type) => Object.keys(signedOutMachineAuthObject(type)));
  });

  it('has() reads only plain check objects: a function carrying a scope is no check', () => {
    const check = Object.assign(() => undefined, { scope: 'a' });
    expect(hasMachineAuthorization(check as never, ['a'])).toBe(false);
    expect(hasMachineAuthorization({ scope: 'a' }, ['a'])).toBe(true);
  });
});
