import type { ResolvedOpaqueTokens } from '../opaque-token-options.js';
import { IntrospectionClient } from './introspection-client.js';
import { OpaqueTokenVerifier, type OpaqueTokenAdmission, type OpaqueTokenSource } from './opaque-token-verifier.js';

/** What the module's verifier lends its opaque-token verifier: the clock and the skew of every time check. */
export interface OpaqueTokenTimeRules {
  clockSkewInMs: number;
  clock: () => number;
  /** Hears the start of each outage of introspection or the hook (a fixed text, safe to log). */
  onFailure?: (message: string) => void;
}

/**
 * The opaque-token verifier of one module instance: RFC 7662 introspection when `introspection` is
 * set, else the app's `verifyOpaqueToken` hook, behind one cache, one call per token at a time and
 * one cooldown.
 *
 * @example
 * const opaque = createOpaqueTokenVerifier(resolved.opaque, { clockSkewInMs: 5000, clock: Date.now }, admit);
 */
export function createOpaqueTokenVerifier<T extends object>(
  settings: ResolvedOpaqueTokens,
  rules: OpaqueTokenTimeRules,
  admit: OpaqueTokenAdmission<T>,
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
  return new OpaqueTokenVerifier<T>(source, { ...settings, ...rules }, admit);
}
