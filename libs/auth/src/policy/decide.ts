import { AuthErrorReason, isUnavailable, type AuthError } from '../auth.errors.js';
import type { AuthResult } from '../auth-object/auth-result.js';
import { AUTH_DEFAULTS } from '../config/auth-defaults.js';
import type { ResolvedAuthOptions } from '../config/resolved-options.js';
import type { Verification } from '../verification/verification.js';
import { admit } from './admit.js';
import { unauthorizedDenial, unavailableDenial, type AuthDenial } from './denials.js';
import type { AuthPolicy } from './route-policy.js';
import { signedInDenial } from './signed-in-denial.js';

/** What a route makes of a verification: what its handler sees, and the refusal when there is one. */
export interface Outcome {
  /** The auth object the route sees (signed out with the reason when the route does not admit the token). */
  readonly result: AuthResult;
  /** Null: the request goes on. Else the 401, 403 or 503 to answer. */
  readonly denial: AuthDenial | null;
}

/** The module settings {@link decide} reads. */
export type DecisionSettings = Pick<ResolvedAuthOptions, 'acceptsToken' | 'realm' | 'debug' | 'clock' | 'opaque'> & {
  /** The module's DPoP mode and proof algorithms, for the 401 challenge; absent: Bearer only. */
  dpop?: Pick<ResolvedAuthOptions['dpop'], 'mode' | 'algorithms'>;
};

/**
 * Every acceptance rule of a route, in one place, applied to one {@link Verification}:
 * 1. who may be signed in on the route ({@link admit}: `azp`, the classes it accepts, the issuers
 *    it names, pending sessions, the sender constraints it takes: DPoP, mTLS);
 * 2. an optional route goes on, signed in or out;
 * 3. signed out on a required route: 503 with `Retry-After` when the token could not be judged (keys,
 *    introspection, revocation, issuer or replay store unavailable), else 401, challenging with Bearer,
 *    DPoP or both as the route's DPoP mode says (RFC 9449 section 7.1);
 * 4. signed in: `has()`, predicate, reverification and step-up (403 or 401; see `signedInDenial`).
 * Synchronous and pure: the same verification and policy always give the same outcome, at one time.
 *
 * @example
 * const { result, denial } = decide({ mode: 'required', check: { role: 'admin' } }, verification, options);
 */
export function decide(policy: AuthPolicy, v: Verification, settings: DecisionSettings): Outcome {
  const result = admit(v, policy, settings.acceptsToken);
  if (policy.mode === 'optional') return { result, denial: null };
  const { auth, error } = result;
  if (!auth.isAuthenticated) {
    if (result.tokenPresent && isUnavailable(error)) return { result, denial: unavailableDenial(error, retryAfterSeconds(error, v, settings)) };
    const challenge = {
      dpop: policy.dpop ?? v.issuer?.dpop ?? settings.dpop?.mode ?? 'off',
      dpopAlgorithms: settings.dpop?.algorithms ?? [],
      scheme: v.scheme,
    };
    return { result, denial: unauthorizedDenial(error, settings.realm, settings.debug, challenge) };
  }
  const rules = {
    realm: settings.realm,
    debug: settings.debug,
    now: (settings.clock ?? Date.now)(),
    clockSkewInMs: v.issuer?.clockSkewInMs ?? AUTH_DEFAULTS.clockSkewInMs,
  };
  return { result, denial: signedInDenial(policy, auth, rules) };
}

/** When a retry makes sense after an "unavailable" reason without its own hint: the cooldown of what failed. */
function retryAfterSeconds(error: AuthError, v: Verification, settings: DecisionSettings): number {
  if (error.reason === AuthErrorReason.IntrospectionUnavailable) return (settings.opaque?.cooldownInMs ?? 0) / 1000;
  return (v.issuer?.jwksCooldownInMs ?? AUTH_DEFAULTS.jwksCooldownInMs) / 1000;
}
