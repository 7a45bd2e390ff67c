import { beforeEach, describe, expect, it } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import { signedInAuthObject } from '../auth-object/auth-object.js';
import type { AnyAuthObject } from '../auth-object/auth-result.js';
import { readSessionFields } from '../auth-object/claims.js';
import { machineAuthObject } from '../auth-object/machine-auth-object.js';
import type { AcceptsToken } from '../verification/token-class.js';
import { asVerification, signedOutVerification, type Verification } from '../verification/verification.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { clerk } from '../presets/clerk.preset.js';
import { admit } from './admit.js';

const sessionClaims = { sub: 'user_1', sid: 'sess_1' };

/** A verification of `auth` from the token header, by an issuer unknown here (the module's defaults apply). */
const verified = (auth: AnyAuthObject): Verification => asVerification({ auth, error: null, tokenPresent: true }, 't', 'header');
/** The same verification, as if the token had come from the session cookie. */
const fromCookie = (v: Verification): Verification => ({ ...v, source: 'cookie' });
/** What a route accepting `accepts` sees. */
const accepted = (v: Verification, accepts: AcceptsToken) => admit(v, { acceptsToken: accepts }, 'session_token');

describe('admit: classes and where the token came from', () => {
  // Built before each test, not when the file loads: a throw there would break the whole file
  // instead of failing these tests.
  let session: Verification;
  let machine: Verification;
  beforeEach(() => {
    session = verified(signedInAuthObject(sessionClaims, readSessionFields(sessionClaims), 't'));
    machine = verified(machineAuthObject('m2m_token', { sub: 'mch_1' }, 't'));
  });

  it('keeps the very same result when the class is accepted', () => {
    expect(accepted(session, 'session_token')).toBe(session);
    expect(accepted(machine, ['session_token', 'm2m_token'])).toBe(machine);
    expect(accepted(machine, 'any')).toBe(machine);
  });

  it('signs out a class the route does not accept: as a session, or as the one machine class of the route', () => {
    const asSession = accepted(machine, 'session_token');
    expect(asSession.auth).toMatchObject({ isAuthenticated: false, tokenType: 'session_token', userId: null });
    expect([asSession.error?.reason, asSession.tokenPresent]).toEqual(['token-type-not-accepted', true]);
    const asOauth = accepted(machine, 'oauth_token');
    expect(asOauth.auth).toMatchObject({ isAuthenticated: false, tokenType: 'oauth_token', clientId: null });
    expect(asOauth.error?.reason).toBe('token-type-not-accepted');
    expect(accepted(session, ['m2m_token']).auth).toMatchObject({ isAuthenticated: false, tokenType: 'm2m_token' });
  });

  it('refuses machine tokens that came from the session cookie, not sessions', () => {
    expect(accepted(fromCookie(machine), 'm2m_token').auth.isAuthenticated).toBe(false);
    const cookieSession = fromCookie(session);
    expect(accepted(cookieSession, 'session_token')).toBe(cookieSession);
  });

  it('keeps why a request is signed out, and gives a machine route its own signed-out object', () => {
    const missing = signedOutVerification(new AuthError('token-missing'), false);
    expect(accepted(missing, 'session_token')).toBe(missing);
    const onMachineRoute = accepted(missing, 'api_key');
    expect(onMachineRoute.auth).toMatchObject({ tokenType: 'api_key', name: null, orgId: null });
    expect([onMachineRoute.error?.reason, onMachineRoute.tokenPresent]).toEqual(['token-missing', false]);
  });

  it('treats an auth object without a class (a guard subclass of its own) as a session', () => {
    const foreign = asVerification({ auth: { isAuthenticated: true, userId: 'svc' }, error: null, tokenPresent: true } as never, 't', 'header');
    expect(accepted(foreign, 'session_token')).toBe(foreign);
    expect(accepted(foreign, 'm2m_token')).not.toBe(foreign);
  });
});

describe("admit: Clerk's cookie rules (__client_uat)", () => {
  const clerkIssuer = resolveAuthOptions(clerk({ frontendApi: 'clerk.example.com' })).issuers.entries[0];
  const claims = { ...sessionClaims, iat: 1000 };
  let session: Verification;
  beforeEach(() => {
    session = { ...verified(signedInAuthObject(claims, readSessionFields(claims), 't')), issuer: clerkIssuer, claims };
  });
  const cookie = (v: Verification, clientUat: number | null): Verification => ({ ...fromCookie(v), clientUat });
  const reason = (v: Verification) => accepted(v, 'session_token').error?.reason ?? 'signed in';

  it('a session cookie counts when __client_uat is not newer than its iat', () => {
    expect(reason(cookie(session, 1000))).toBe('signed in');
    expect(reason(cookie(session, 999))).toBe('signed in');
  });

  it('signs out a session cookie older than __client_uat, or beside none (or 0)', () => {
    expect(reason(cookie(session, 1001))).toBe('session-token-iat-before-client-uat');
    expect(reason(cookie(session, 0))).toBe('session-token-but-no-client-uat');
    expect(reason(cookie(session, null))).toBe('session-token-but-no-client-uat');
    const noIat = { ...cookie(session, 5), claims: sessionClaims };
    expect(reason(noIat)).toBe('session-token-iat-before-client-uat');
  });

  it('leaves header tokens and issuers without the rules alone', () => {
    expect(reason({ ...session, clientUat: 5000 })).toBe('signed in');
    expect(reason({ ...cookie(session, 5000), issuer: { ...clerkIssuer, clerkCookies: undefined } })).toBe('signed in');
  });
});
