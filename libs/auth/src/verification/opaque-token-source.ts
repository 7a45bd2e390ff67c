import type { JWTClaimVerificationOptions, JWTPayload } from 'jose';
import type { AuthError } from '../auth.errors.js';
import type { ResolvedOpaqueTokens } from '../config/opaque-token-options.js';
import { IntrospectionClient } from './introspection-client.js';
import { validateOpaqueClaims } from './opaque-token-claims.js';
import { checkTimeWindow } from './time-window.js';
import { opaqueTokenClassifier, type OpaqueTokenType } from './opaque-token-type.js';
import { OpaqueTokenVerifier, type OpaqueTokenSource } from './opaque-token-verifier.js';

/** What the module's verifier lends its opaque-token verifier: its clock, its claim rules and its error mapping. */
export interface OpaqueTokenRules {
  clockSkewInMs: number;
  /** With the skew, the exact time boundaries (jose's tolerance in `claims` is wider: it counts whole seconds). */
  maxTokenAgeInMs?: number;
  clock: () => number;
  /** The JWT claim rules (issuer, audience, required claims, skew, max age) the claims must meet. */
  claims: Omit<JWTClaimVerificationOptions, 'currentDate' | 'typ'>;
  /** Maps a claim-check failure (jose's errors) to the AuthError of the same reason as for a JWT. */
  toAuthError: (error: unknown) => AuthError;
  /** Hears the start of each outage of introspection or the hook (a fixed text, safe to log). */
  onFailure?: (message: string) => void;
}

/**
 * The opaque-token verifier of one module instance: RFC 7662 introspection when `introspection` is
 * set, else the app's `verifyOpaqueToken` hook, behind one cache, one call per token at a time and
 * one cooldown. What the source says is checked like a JWT's claims (see `validateOpaqueClaims`;
 * an `iss` the hook leaves out is not asked for, the hook speaking for the app's own issuer), then
 * `build` makes the verification of the token's class.
 *
 * @example
 * const opaque = createOpaqueTokenVerifier(resolved.opaque, rules, (token, type, claims) => verifier.toVerifiedToken(token, type, claims));
 */
export function createOpaqueTokenVerifier<T extends object>(
  settings: ResolvedOpaqueTokens,
  rules: OpaqueTokenRules,
  build: (token: string, tokenType: OpaqueTokenType, claims: JWTPayload) => T,
): OpaqueTokenVerifier<T> {
  let source: OpaqueTokenSource;
  if (settings.introspection) {
    const { endpoint, clientId, clientSecret, maxBytes } = settings.introspection;
    const client = new IntrospectionClient({ endpoint, clientId, clientSecret, maxBytes, timeoutInMs: settings.timeoutInMs });
    source = (token) => client.introspect(token);
  } else if (settings.verify) {
    const verify = settings.verify;
    source = (token, tokenType) => verify(token, tokenType);
  } else {
    throw new TypeError('opaque tokens need introspection or verifyOpaqueToken');
  }
  const fromHook = settings.verify !== undefined;
  const admit = (raw: Record<string, unknown>, tokenType: OpaqueTokenType, token: string, now: number): T => {
    let claims: JWTPayload;
    try {
      const issuer = fromHook && raw.iss === undefined ? undefined : rules.claims.issuer;
      claims = validateOpaqueClaims(raw, { ...rules.claims, issuer, currentDate: new Date(now) });
      checkTimeWindow(claims, now, rules);
    } catch (error) {
      throw rules.toAuthError(error);
    }
    return build(token, tokenType, claims);
  };
  const { clockSkewInMs, maxTokenAgeInMs, clock, onFailure } = rules;
  const classify = opaqueTokenClassifier(settings.classesByPrefix);
  return new OpaqueTokenVerifier<T>(source, { ...settings, clockSkewInMs, maxTokenAgeInMs, clock, onFailure, classify }, admit);
}
