import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { TokenType } from '../verification/token-class.js';

/** RFC 6749 section 3.3: a scope token is printable ASCII without space, `"` or `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Whether `value` is one RFC 6749 scope token (what `@RequireAuth({ scope })` takes). */
export function isScopeToken(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}

/**
 * The claim each class of token carries its scopes in: Clerk's M2M tokens `scopes` (set by Clerk;
 * the calling machine may add its own custom claims, so no other claim may stand in for it), RFC
 * 9068 / RFC 8693 access tokens `scope`. Sessions and API keys take `scope` too. Both hold a
 * space-separated string.
 */
export const SCOPE_CLAIM_OF: Readonly<Record<TokenType, 'scope' | 'scopes'>> = Object.freeze({
  session_token: 'scope',
  oauth_token: 'scope',
  m2m_token: 'scopes',
  api_key: 'scope',
});

/**
 * The scopes a verified token grants, from the one claim its class defines ({@link SCOPE_CLAIM_OF}:
 * M2M `scopes`, every other class `scope`), or from `scopeClaim` when the issuer defines its own
 * (e.g. `scp` for Okta or Microsoft Entra), for every class. No other claim is ever read: a custom
 * `scope` or `scp` a machine added to its own M2M token grants nothing. The class's claim holds a
 * space-separated string; an issuer's `scopeClaim` a string or a list of strings. A claim of the
 * wrong type refuses the token (`token-invalid-claims`) rather than granting nothing silently; an
 * absent claim grants nothing.
 *
 * @example
 * readScopes({ sub: 'mch_1', scopes: 'invoices:read', scope: 'admin:all' }, 'm2m_token') // ['invoices:read']
 * readScopes({ sub: 'user_1', scp: ['files.read'] }, 'oauth_token', 'scp')           // ['files.read']
 */
export function readScopes(claims: JWTPayload, tokenType: TokenType, scopeClaim?: string): string[] {
  const name = scopeClaim ?? SCOPE_CLAIM_OF[tokenType];
  const value = Object.hasOwn(claims, name) ? (claims as Record<string, unknown>)[name] : undefined;
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [...new Set(value.split(' ').filter((s) => s !== ''))];
  if (scopeClaim !== undefined && Array.isArray(value) && value.every((s) => typeof s === 'string')) {
    return [...new Set(value.filter((s) => s !== ''))];
  }
  throw new AuthError(AuthErrorReason.TokenInvalidClaims, `claim "${name}" must be ${scopeClaim !== undefined ? 'a list of strings or a string' : 'a string'}`);
}

/** The scopes a check asks for (`scope` and `scopes` together), or undefined when it asks none. */
export function askedScopes(check: { scope?: unknown; scopes?: unknown }): unknown[] | undefined {
  const asked: unknown[] = [];
  if (check.scope !== undefined) asked.push(check.scope);
  if (check.scopes !== undefined) {
    if (!Array.isArray(check.scopes)) return [check.scopes];
    asked.push(...(check.scopes as unknown[]));
  }
  return asked.length > 0 || check.scopes !== undefined ? asked : undefined;
}

/** Whether `granted` holds every asked scope (exact match); malformed or empty asks are false. */
export function hasScopes(granted: readonly string[], asked: readonly unknown[]): boolean {
  return asked.length > 0 && asked.every((s) => isScopeToken(s) && granted.includes(s));
}
