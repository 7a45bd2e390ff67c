import { beforeEach, describe, expect, it } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import { signedInAuthObject } from '../auth-object/auth-object.js';
import type { AnyAuthObject } from '../auth-object/auth-result.js';
import { readSessionFields } from '../auth-object/claims.js';
import { machineAuthObject, signedOutMachineAuthObject } from '../auth-object/machine-auth-object.js';
import type { IssuerConfig } from '../config/resolved-options.js';
import type { AcceptsToken, TokenType } from '../verification/token-class.js';
import { buildVerifiedToken } from '../verification/verified-token.js';
import { asVerification, signedOutVerification, verifiedVerification, type Verification } from '../verification/verification.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { clerk } from '../presets/clerk.preset.js';
import { admit, type Admission } from './admit.js';

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

describe('admit: the rules of the token issuer, the route and the module', () => {
  const JKT = 'a'.repeat(43);
  const X5T = 'b'.repeat(43);
  let issuer: IssuerConfig;
  beforeEach(() => {
    issuer = resolveAuthOptions({ issuer: 'https://a.example.com', secret: 'a-shared-secret-of-at-least-32-bytes!!' }).issuers.entries[0];
  });
  /** A token of `type` verified by `from`, found in the token header. */
  const token = (from: IssuerConfig, claims: Record<string, unknown> = {}, type: TokenType = 'session_token'): Verification =>
    verifiedVerification(buildVerifiedToken(from, 't', type, { iss: 'https://a.example.com', sub: 'user_1', sid: 'sess_1', ...claims }), 'header', false);
  const reason = (v: Verification, route: Admission = {}, fallback: AcceptsToken = 'session_token') => admit(v, route, fallback).error?.reason ?? 'signed in';

  it("the classes accepted: the route's, else the token issuer's, else the module's", () => {
    const m2m = token({ ...issuer, acceptsToken: ['m2m_token'] }, {}, 'm2m_token');
    expect(reason(m2m, {}, 'session_token')).toBe('signed in');
    expect(reason(m2m, { acceptsToken: 'session_token' }, 'any')).toBe('token-type-not-accepted');
    expect(reason(token(issuer, {}, 'm2m_token'), {}, 'm2m_token')).toBe('token-type-not-accepted');
    const unknownIssuer = verified(machineAuthObject('m2m_token', { sub: 'mch_1' }, 't'));
    expect(reason(unknownIssuer, {}, 'm2m_token')).toBe('signed in');
    expect(reason(unknownIssuer, {}, 'session_token')).toBe('token-type-not-accepted');
  });

  it('a signed-out request on a route of one machine class: the same result when it is of that class already', () => {
    const error = new AuthError('token-expired');
    const out = asVerification({ auth: signedOutMachineAuthObject('api_key', error, true), error, tokenPresent: true }, 't', 'header');
    expect(accepted(out, 'api_key')).toBe(out);
    const asM2m = accepted(out, 'm2m_token');
    expect([asM2m.auth.tokenType, asM2m.error, asM2m.tokenPresent]).toEqual(['m2m_token', error, true]);
  });

  it("a session's azp must be one of its issuer's authorizedParties; machine tokens are not asked", () => {
    const strict = { ...issuer, authorizedParties: ['https://app.example.com'] };
    expect(reason(token(strict, { azp: 'https://app.example.com' }))).toBe('signed in');
    expect(reason(token(strict, { azp: 'https://evil.example.com' }))).toBe('token-invalid-authorized-party');
    expect(reason(token(strict))).toBe('token-invalid-authorized-party');
    expect(reason(token(issuer, { azp: 'https://evil.example.com' }))).toBe('signed in');
    expect(reason(token(strict, { azp: 'https://evil.example.com' }, 'm2m_token'), { acceptsToken: 'm2m_token' })).toBe('signed in');
    const foreign = {
      ...asVerification({ auth: { isAuthenticated: true, userId: 'svc' }, error: null, tokenPresent: true } as never, 't', 'header'),
      issuer: strict,
    };
    expect(reason(foreign)).toBe('token-invalid-authorized-party');
  });

  it('a route naming issuers takes only tokens of those', () => {
    expect(reason(token(issuer), { issuer: ['https://a.example.com'] })).toBe('signed in');
    expect(reason(token(issuer), { issuer: ['https://b.example.com'] })).toBe('token-invalid-issuer');
  });

  it('a pending session is signed out unless its issuer treats pending as signed in; no issuer known: signed out', () => {
    const pending = { sts: 'pending' };
    expect(token(issuer, pending).auth).toMatchObject({ sessionStatus: 'pending' });
    expect(reason(token(issuer, pending))).toBe('session-pending');
    expect(reason(token({ ...issuer, treatPendingAsSignedOut: false }, pending))).toBe('signed in');
    expect(reason({ ...token(issuer, pending), issuer: null })).toBe('session-pending');
    expect(reason(token(issuer, { sts: 'active' }))).toBe('signed in');
    const machine = asVerification(
      { auth: { isAuthenticated: true, tokenType: 'm2m_token', sessionStatus: 'pending' }, error: null, tokenPresent: true } as never,
      't',
      'header',
    );
    expect(reason(machine, { acceptsToken: 'm2m_token' })).toBe('signed in');
  });

  it("DPoP: the route's mode, else the token issuer's, else off", () => {
    const bound = token(issuer, { cnf: { jkt: JKT } });
    const bearer = token(issuer);
    expect(reason(bound)).toBe('dpop-not-allowed');
    expect(reason(bound, { dpop: 'allowed' })).toBe('signed in');
    expect(reason(bound, { dpop: 'required' })).toBe('signed in');
    expect(reason(bearer, { dpop: 'required' })).toBe('dpop-required');
    expect(reason(bearer, { dpop: 'allowed' })).toBe('signed in');
    expect(reason(token({ ...issuer, dpop: 'required' }))).toBe('dpop-required');
    expect(reason(token({ ...issuer, dpop: 'required' }), { dpop: 'off' })).toBe('signed in');
    expect(reason({ ...bound, issuer: null })).toBe('dpop-not-allowed');
  });

  it("mTLS: the route's mode, else the token issuer's, else off; a DPoP binding naming a certificate counts", () => {
    const bound = token(issuer, { cnf: { 'x5t#S256': X5T } });
    const bearer = token(issuer);
    expect(reason(bound)).toBe('mtls-not-allowed');
    expect(reason(bound, { mtls: 'allowed' })).toBe('signed in');
    expect(reason(bound, { mtls: 'required' })).toBe('signed in');
    expect(reason(bearer, { mtls: 'required' })).toBe('mtls-required');
    expect(reason(bearer, { mtls: 'allowed' })).toBe('signed in');
    expect(reason(token({ ...issuer, mtls: 'required' }))).toBe('mtls-required');
    expect(reason(token({ ...issuer, mtls: 'allowed' }, { cnf: { 'x5t#S256': X5T } }))).toBe('signed in');
    expect(reason({ ...bound, issuer: null })).toBe('mtls-not-allowed');
    const both = token(issuer, { cnf: { jkt: JKT, 'x5t#S256': X5T } });
    expect(reason(both, { dpop: 'allowed' })).toBe('mtls-not-allowed');
    expect(reason(both, { dpop: 'allowed', mtls: 'required' })).toBe('signed in');
  });

  it('each refusal says what was refused in its message', () => {
    const clerkIssuer = { ...issuer, clerkCookies: resolveAuthOptions(clerk({ frontendApi: 'clerk.example.com' })).issuers.entries[0].clerkCookies };
    const fromCookie = (v: Verification, clientUat: number): Verification => ({ ...v, source: 'cookie', clientUat });
    const message = (v: Verification, route: Admission = {}) => admit(v, route, 'session_token').error?.message;
    expect(message(token({ ...issuer, authorizedParties: ['https://app.example.com'] }))).toBe('the token azp is not an authorized party');
    expect(message(token(issuer), { acceptsToken: 'm2m_token' })).toBe('the route does not accept this class of token');
    expect(message(fromCookie(token(clerkIssuer, { iat: 1000 }), 0))).toBe('the client is signed out (__client_uat)');
    expect(message(fromCookie(token(clerkIssuer, { iat: 1000 }), 1001))).toBe('the session cookie is older than the last sign-in or sign-out');
    expect(message(token(issuer), { issuer: ['https://b.example.com'] })).toBe('the route does not accept tokens of this issuer');
    expect(message(token(issuer, { sts: 'pending' }))).toBe('the session is pending');
    expect(message(token(issuer), { dpop: 'required' })).toBe('the route accepts DPoP-bound tokens only');
    expect(message(token(issuer, { cnf: { jkt: JKT } }))).toBe('the route does not take DPoP');
    expect(message(token(issuer), { mtls: 'required' })).toBe('the route accepts mTLS-bound tokens only');
    expect(message(token(issuer, { cnf: { 'x5t#S256': X5T } }))).toBe('the route does not take mTLS-bound tokens');
  });

  it('a refusal keeps the token present and, on a route of one machine class, that class', () => {
    const out = admit(token(issuer, {}, 'api_key'), { acceptsToken: 'api_key', issuer: ['https://b.example.com'] }, 'session_token');
    expect([out.auth.isAuthenticated, out.auth.tokenType, out.tokenPresent, out.error?.reason]).toEqual([false, 'api_key', true, 'token-invalid-issuer']);
  });
});
