import { describe, expect, it } from '@jest/globals';
import { createAuthObject } from './create-auth-object.js';

describe('createAuthObject', () => {
  it('builds a session from its fields: has() answers as in a request', async () => {
    const auth = createAuthObject({ userId: 'user_1', orgId: 'org_1', orgRole: 'admin', orgPermissions: ['org:invoices:read'], features: ['o:reports'] });
    expect(auth).toMatchObject({
      isAuthenticated: true,
      tokenType: 'session_token',
      userId: 'user_1',
      sessionId: 'sess_test',
      orgId: 'org_1',
      orgRole: 'org:admin',
    });
    expect(auth.has({ role: 'org:admin' })).toBe(true);
    expect(auth.has({ permission: 'org:invoices:read' })).toBe(true);
    expect(auth.has({ permission: 'org:invoices:write' })).toBe(false);
    expect(auth.has({ feature: 'o:reports' })).toBe(true);
    expect(await auth.getToken()).toBe('test-token');
    expect(auth.debug()).toMatchObject({ userId: 'user_1', tokenType: 'session_token' });
  });

  it('defaults to a plain signed-in user; null is the signed-out object', () => {
    expect(createAuthObject()).toMatchObject({ userId: 'user_test', orgId: null, issuer: null });
    expect(createAuthObject({ sessionId: null, issuer: 'https://issuer.test' })).toMatchObject({ sessionId: null, issuer: 'https://issuer.test' });
    const signedOut = createAuthObject(null);
    expect(signedOut).toMatchObject({ isAuthenticated: false, userId: null });
    expect(signedOut.has({ role: 'org:admin' })).toBe(false);
  });

  it('builds machines of every class, with the scopes of their class', () => {
    const m2m = createAuthObject({ tokenType: 'm2m_token', machineId: 'mch_billing', scopes: ['invoices:read'] });
    expect(m2m).toMatchObject({ tokenType: 'm2m_token', machineId: 'mch_billing', subject: 'mch_billing', scopes: ['invoices:read'] });
    expect(m2m.has({ scope: 'invoices:read' })).toBe(true);
    expect(createAuthObject({ tokenType: 'oauth_token', clientId: 'cli_1', scopes: ['profile'] })).toMatchObject({
      userId: 'user_test',
      clientId: 'cli_1',
      scopes: ['profile'],
    });
    expect(createAuthObject({ tokenType: 'api_key', subject: 'org_1', name: 'ci' })).toMatchObject({ orgId: 'org_1', userId: null, name: 'ci' });
  });

  it('refuses what a request would refuse: claims of the wrong type throw', () => {
    expect(() => createAuthObject({ claims: { act: 'someone' } })).toThrow(/claim "act"/);
    expect(() => createAuthObject({ userId: '' })).toThrow(/claim "sub"/);
  });
});
