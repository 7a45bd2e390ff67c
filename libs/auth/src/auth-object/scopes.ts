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
 * The scopes a verified token grants, as `@clerk/backend` reads them: `scp` (a list, or a
 * space-separated string), else `scope` (space-separated, RFC 8693 / RFC 9068), else for M2M tokens
 * Clerk's `scopes` (space-separated). A claim of the wrong type refuses the token
 * (`token-invalid-claims`) rather than granting nothing silently; an absent claim grants nothing.
 *
 * @example
 * readScopes({ sub: 'mch_1', scope: 'invoices:read invoices:write' }, 'm2m_token') // ['invoices:read', 'invoices:write']
 */
export function readScopes(claims: JWTPayload, tokenType: TokenType): string[] {
  const names = tokenType === 'm2m_token' ? (['scp', 'scope', 'scopes'] as const) : (['scp', 'scope'] as const);
  for (const name of names) {
    const value = (claims as Record<string, unknown>)[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') return [...new Set(value.split(' ').filter((s) => s !== ''))];
    if (name === 'scp' && Array.isArray(value) && value.every((s) => typeof s === 'string')) {
      return [...new Set((value as string[]).filter((s) => s !== ''))];
    }
    throw new AuthError(AuthErrorReason.TokenInvalidClaims, `claim "${name}" must be ${name === 'scp' ? 'a list of strings or a string' : 'a string'}`);
  }
  return [];
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
