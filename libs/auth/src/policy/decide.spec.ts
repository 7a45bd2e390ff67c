import { beforeEach, describe, expect, it } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { signedInAuthObject } from '../auth-object/auth-object.js';
import { readSessionFields } from '../auth-object/claims.js';
import { AUTH_DEFAULTS } from '../config/auth-defaults.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import type { IssuerConfig, ResolvedAuthOptions } from '../config/resolved-options.js';
import { buildVerifiedToken } from '../verification/verified-token.js';
import { asVerification, presentedVerification, signedOutVerification, verifiedVerification, type Verification } from '../verification/verification.js';
import { decide, type DecisionSettings } from './decide.js';
import type { AuthPolicy } from './route-policy.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const NOW_S = NOW / 1000;
const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
const required: AuthPolicy = { mode: 'required' };
const optional: AuthPolicy = { mode: 'optional' };

let resolved: ResolvedAuthOptions;
/** The module's settings: realm "app", not debug, the clock at NOW, DPoP proofs in ES256 only. */
let settings: DecisionSettings;
/** An issuer with a skew of 1.5 s and a key-source cooldown of 2.5 s. */
let issuer: IssuerConfig;

beforeEach(() => {
  resolved = resolveAuthOptions({ issuer: 'https://a.example.com', secret: SECRET, realm: 'app', clockSkewInMs: 1500 });
  issuer = { ...resolved.issuers.entries[0], jwksCooldownInMs: 2500 };
  settings = { ...resolved, clock: () => NOW, dpop: { mode: 'off', algorithms: ['ES256'] } };
});

/** A session verified by `from` (its rules travel with it), found in the token header. */
function session(from: IssuerConfig | null, claims: JWTPayload = {}): Verification {
  const all = { iss: 'https://a.example.com', sub: 'user_1', sid: 'sess_1', iat: NOW_S - 60, exp: NOW_S + 60, ...claims };
  if (from === null) {
    const auth = signedInAuthObject(all, readSessionFields(all), 'the.token.jws');
    return asVerification({ auth, error: null, tokenPresent: true }, 'the.token.jws', 'header');
  }
  return verifiedVerification(buildVerifiedToken(from, 'the.token.jws', 'session_token', all), 'header', false);
}

/** A token sent in the header and refused with `reason` (and the error's own retry hint, if any). */
function refused(reason: AuthErrorReason, from: IssuerConfig | null, retryAfterSeconds?: number): Verification {
  return signedOutVerification(new AuthError(reason, 'refused', retryAfterSeconds), true, { token: 'the.token.jws', source: 'header', issuer: from });
}

const noToken = () => signedOutVerification(new AuthError(AuthErrorReason.TokenMissing, 'no token'), false);

describe('decide: optional routes go on', () => {
  it('signed in or signed out, with the result the route sees', () => {
    const signedIn = session(issuer);
    expect(decide(optional, signedIn, settings)).toEqual({ result: signedIn, denial: null });
    expect(decide(optional, signedIn, settings).result).toBe(signedIn);
    const out = noToken();
    expect(decide(optional, out, settings)).toEqual({ result: out, denial: null });
    const unavailable = refused(AuthErrorReason.KeysUnavailable, issuer);
    expect(decide(optional, unavailable, settings).denial).toBeNull();
  });

  it('with the route applied: a class it does not accept is seen signed out, and still goes on', () => {
    const { result, denial } = decide({ mode: 'optional', acceptsToken: 'm2m_token' }, session(issuer), settings);
    expect([result.auth.isAuthenticated, result.error?.reason, denial]).toEqual([false, AuthErrorReason.TokenTypeNotAccepted, null]);
  });
});

describe('decide: signed in on a required route', () => {
  it('goes on with the very same verification when the route asks nothing more', () => {
    const v = session(issuer);
    const outcome = decide(required, v, settings);
    expect(outcome.result).toBe(v);
    expect(outcome.denial).toBeNull();
  });

  it("applies the module's acceptsToken to a verification whose issuer is unknown", () => {
    const v = session(null);
    expect(decide(required, v, { ...settings, acceptsToken: 'session_token' }).denial).toBeNull();
    const { result, denial } = decide(required, v, { ...settings, acceptsToken: 'm2m_token' });
    expect([result.auth.isAuthenticated, denial?.status, denial?.reason]).toEqual([false, 401, AuthErrorReason.TokenTypeNotAccepted]);
  });

  it("403 insufficient_scope with the module's realm when has() refuses; the reason in debug mode", () => {
    const policy: AuthPolicy = { mode: 'required', check: { role: 'admin' } };
    const denial = decide(policy, session(issuer), settings).denial;
    expect(denial).toEqual({ status: 403, reason: 'insufficient-scope', headers: { 'WWW-Authenticate': 'Bearer realm="app", error="insufficient_scope"' } });
    const debug = decide(policy, session(issuer), { ...settings, debug: true }).denial;
    expect(debug?.headers['WWW-Authenticate']).toBe('Bearer realm="app", error="insufficient_scope", error_description="insufficient-scope"');
  });

  it('step-up max age on the settings clock: auth_time exactly maxAgeSeconds ago passes, one second more is 401', () => {
    const policy: AuthPolicy = { mode: 'required', stepUp: { maxAgeSeconds: 300 } };
    expect(decide(policy, session(issuer, { auth_time: NOW_S - 300 }), settings).denial).toBeNull();
    const denial = decide(policy, session(issuer, { auth_time: NOW_S - 301 }), settings).denial;
    expect([denial?.status, denial?.reason]).toEqual([401, 'insufficient-user-authentication']);
    expect(denial?.headers['WWW-Authenticate']).toBe('Bearer realm="app", error="insufficient_user_authentication", max_age=300');
  });

  it('without a settings clock, the real time (Date.now)', () => {
    const policy: AuthPolicy = { mode: 'required', stepUp: { maxAgeSeconds: 300 } };
    const noClock = { ...settings, clock: undefined };
    const recent = Math.floor(Date.now() / 1000) - 10;
    expect(decide(policy, session(issuer, { auth_time: recent, iat: recent }), noClock).denial).toBeNull();
    // At NOW (the settings clock) the same auth_time would lie months in the future: refused.
    expect(decide(policy, session(issuer, { auth_time: recent, iat: recent }), settings).denial?.status).toBe(401);
  });

  it("an auth_time in the future is allowed within the token issuer's skew (1.5 s here), not beyond", () => {
    const policy: AuthPolicy = { mode: 'required', stepUp: { maxAgeSeconds: 300 } };
    expect(decide(policy, session(issuer, { auth_time: NOW_S + 1 }), settings).denial).toBeNull();
    expect(decide(policy, session(issuer, { auth_time: NOW_S + 2 }), settings).denial?.status).toBe(401);
    const noSkew = { ...issuer, clockSkewInMs: 0 };
    expect(decide(policy, session(noSkew, { auth_time: NOW_S + 1 }), settings).denial?.status).toBe(401);
  });

  it("an issuer unknown (a guard subclass's own result): the default skew", () => {
    const policy: AuthPolicy = { mode: 'required', stepUp: { maxAgeSeconds: 300 } };
    const skewSeconds = AUTH_DEFAULTS.clockSkewInMs / 1000;
    expect(decide(policy, session(null, { auth_time: NOW_S + skewSeconds }), settings).denial).toBeNull();
    expect(decide(policy, session(null, { auth_time: NOW_S + skewSeconds + 1 }), settings).denial?.status).toBe(401);
  });
});

describe('decide: signed out on a required route (401)', () => {
  it('no token: 401 token-missing, a Bearer challenge in the realm without an error', () => {
    const out = noToken();
    const { result, denial } = decide(required, out, settings);
    expect(result).toBe(out);
    expect(denial).toEqual({ status: 401, reason: AuthErrorReason.TokenMissing, headers: { 'WWW-Authenticate': 'Bearer realm="app"' } });
  });

  it('a refused token: invalid_token; the reason as error_description in debug mode only', () => {
    const v = refused(AuthErrorReason.TokenExpired, issuer);
    expect(decide(required, v, settings).denial).toEqual({
      status: 401,
      reason: AuthErrorReason.TokenExpired,
      headers: { 'WWW-Authenticate': 'Bearer realm="app", error="invalid_token"' },
    });
    expect(decide(required, v, { ...settings, debug: true }).denial?.headers['WWW-Authenticate']).toBe(
      'Bearer realm="app", error="invalid_token", error_description="token-expired"',
    );
  });

  it('an "unavailable" reason without a token sent is a 401, not a 503', () => {
    const v = signedOutVerification(new AuthError(AuthErrorReason.KeysUnavailable, 'down', 7), false);
    const denial = decide(required, v, settings).denial;
    expect([denial?.status, denial?.reason]).toEqual([401, AuthErrorReason.KeysUnavailable]);
    expect(denial?.headers['Retry-After']).toBeUndefined();
  });
});

describe('decide: the 401 challenge follows the DPoP mode (route, else token issuer, else module)', () => {
  const header = (policy: AuthPolicy, v: Verification, s: DecisionSettings = settings) => decide(policy, v, s).denial?.headers['WWW-Authenticate'];

  it("the route's mode first", () => {
    expect(header({ mode: 'required', dpop: 'required' }, refused(AuthErrorReason.TokenExpired, issuer))).toBe(
      'DPoP realm="app", algs="ES256", error="invalid_token"',
    );
  });

  it("then the token issuer's mode, over the module's", () => {
    const allowing = { ...issuer, dpop: 'allowed' as const };
    expect(header(required, refused(AuthErrorReason.TokenExpired, allowing), { ...settings, dpop: { mode: 'required', algorithms: ['ES256'] } })).toBe(
      'Bearer realm="app", error="invalid_token", DPoP realm="app", algs="ES256"',
    );
  });

  it("then the module's mode, when the issuer is unknown", () => {
    const s = { ...settings, dpop: { mode: 'required' as const, algorithms: ['ES256', 'EdDSA'] } };
    expect(header(required, noToken(), s)).toBe('DPoP realm="app", algs="ES256 EdDSA"');
  });

  it('else Bearer only, and no proof algorithms when the module names none', () => {
    const s = { ...settings, dpop: undefined };
    expect(header(required, noToken(), s)).toBe('Bearer realm="app"');
    expect(header({ mode: 'required', dpop: 'allowed' }, noToken(), s)).toBe('Bearer realm="app", DPoP realm="app", algs=""');
  });

  it('the error goes on the scheme the request used', () => {
    const v = presentedVerification(refused(AuthErrorReason.TokenExpired, issuer), 'dpop', null);
    expect(header({ mode: 'required', dpop: 'allowed' }, v)).toBe('Bearer realm="app", DPoP realm="app", algs="ES256", error="invalid_token"');
  });
});

describe('decide: 503 when a sent token could not be judged', () => {
  it("the error's own retry hint first", () => {
    const denial = decide(required, refused(AuthErrorReason.RevocationUnavailable, issuer, 7), settings).denial;
    expect(denial).toEqual({ status: 503, reason: AuthErrorReason.RevocationUnavailable, headers: { 'Retry-After': '7' } });
  });

  it("else the token issuer's key-source cooldown, in whole seconds rounded up", () => {
    expect(decide(required, refused(AuthErrorReason.KeysUnavailable, issuer), settings).denial).toEqual({
      status: 503,
      reason: AuthErrorReason.KeysUnavailable,
      headers: { 'Retry-After': '3' },
    });
  });

  it('else, the issuer unknown, the default key-source cooldown', () => {
    const denial = decide(required, refused(AuthErrorReason.IssuerUnavailable, null), settings).denial;
    expect(denial?.headers).toEqual({ 'Retry-After': String(AUTH_DEFAULTS.jwksCooldownInMs / 1000) });
  });

  it("introspection unavailable: the opaque tokens' cooldown, not the issuer's", () => {
    const withOpaque = resolveAuthOptions({
      issuer: 'https://a.example.com',
      secret: SECRET,
      verifyOpaqueToken: () => null,
      opaqueTokens: { cooldownInMs: 12_000 },
    });
    expect(withOpaque.opaque?.cooldownInMs).toBe(12_000);
    const denial = decide(required, refused(AuthErrorReason.IntrospectionUnavailable, issuer), { ...settings, opaque: withOpaque.opaque }).denial;
    expect(denial).toEqual({ status: 503, reason: AuthErrorReason.IntrospectionUnavailable, headers: { 'Retry-After': '12' } });
  });

  it('introspection unavailable without opaque settings: retry after a second', () => {
    const denial = decide(required, refused(AuthErrorReason.IntrospectionUnavailable, issuer), { ...settings, opaque: undefined }).denial;
    expect(denial?.headers).toEqual({ 'Retry-After': '1' });
  });
});
