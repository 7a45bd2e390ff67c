import { beforeEach, describe, expect, it } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import { bearerChallenge } from '../auth.errors.js';
import { resultForAccepted } from './auth-object-for.js';
import { hasAuthorization, signedInAuthObject, signedInResult, signedOutResult, type AuthResult } from './auth-object.js';
import { readSessionFields } from './claims.js';
import { machineAuthObject } from './machine-auth-object.js';

const sessionClaims = { sub: 'user_1', sid: 'sess_1' };

describe('resultForAccepted', () => {
  // Built before each test, not when the file loads: a throw there would break the whole file
  // instead of failing these tests.
  let session: AuthResult;
  let machine: AuthResult;
  beforeEach(() => {
    session = signedInResult(signedInAuthObject(sessionClaims, readSessionFields(sessionClaims), 't'));
    machine = signedInResult(machineAuthObject('m2m_token', { sub: 'mch_1' }, 't'));
  });

  it('keeps the very same result when the class is accepted', () => {
    expect(resultForAccepted(session, 'session_token')).toBe(session);
    expect(resultForAccepted(machine, ['session_token', 'm2m_token'])).toBe(machine);
    expect(resultForAccepted(machine, 'any')).toBe(machine);
  });

  it('signs out a class the route does not accept: as a session, or as the one machine class of the route', () => {
    const asSession = resultForAccepted(machine, 'session_token');
    expect(asSession.auth).toMatchObject({ isAuthenticated: false, tokenType: 'session_token', userId: null });
    expect([asSession.error?.reason, asSession.tokenPresent]).toEqual(['token-type-not-accepted', true]);
    const asOauth = resultForAccepted(machine, 'oauth_token');
    expect(asOauth.auth).toMatchObject({ isAuthenticated: false, tokenType: 'oauth_token', clientId: null });
    expect(asOauth.error?.reason).toBe('token-type-not-accepted');
    expect(resultForAccepted(session, ['m2m_token']).auth).toMatchObject({ isAuthenticated: false, tokenType: 'm2m_token' });
  });

  it('refuses machine tokens that came from the session cookie, not sessions', () => {
    expect(resultForAccepted(machine, 'm2m_token', true).auth.isAuthenticated).toBe(false);
    expect(resultForAccepted(session, 'session_token', true)).toBe(session);
  });

  it('keeps why a request is signed out, and gives a machine route its own signed-out object', () => {
    const missing = signedOutResult(new AuthError('token-missing'), false);
    expect(resultForAccepted(missing, 'session_token')).toBe(missing);
    const onMachineRoute = resultForAccepted(missing, 'api_key');
    expect(onMachineRoute.auth).toMatchObject({ tokenType: 'api_key', name: null, orgId: null });
    expect([onMachineRoute.error?.reason, onMachineRoute.tokenPresent]).toEqual(['token-missing', false]);
  });

  it('treats an auth object without a class (a guard subclass of its own) as a session', () => {
    const foreign = { auth: { isAuthenticated: true, userId: 'svc' }, error: null, tokenPresent: true } as never;
    expect(resultForAccepted(foreign, 'session_token')).toBe(foreign);
    expect(resultForAccepted(foreign, 'm2m_token')).not.toBe(foreign);
  });
});

describe('scopes of sessions and the challenge', () => {
  it('has({ scope }) on a session reads scp / scope of the token', () => {
    const fields = { ...readSessionFields({ sub: 'u' }), scopes: ['profile', 'invoices:read'] };
    expect(hasAuthorization({ scope: 'invoices:read' }, fields)).toBe(true);
    expect(hasAuthorization({ scopes: ['profile', 'invoices:read'] }, fields)).toBe(true);
    expect(hasAuthorization({ scope: 'invoices:write' }, fields)).toBe(false);
    expect(hasAuthorization({ scope: 'invoices:read' }, readSessionFields({ sub: 'u' }))).toBe(false);
  });

  it('names the needed scopes in an insufficient_scope challenge, only valid scope tokens', () => {
    expect(bearerChallenge({ realm: 'api', error: 'insufficient_scope', scopes: ['invoices:read'] })).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="invoices:read"',
    );
    expect(bearerChallenge({ realm: 'api', error: 'insufficient_scope', scopes: ['a', 'b'] })).toBe('Bearer realm="api", error="insufficient_scope", scope="a b"');
    expect(bearerChallenge({ realm: 'api', error: 'insufficient_scope', scopes: ['a"b'] })).toBe('Bearer realm="api", error="insufficient_scope"');
    expect(bearerChallenge({ realm: 'api', error: 'invalid_token', scopes: ['a'] })).toBe('Bearer realm="api", error="invalid_token"');
  });
});
