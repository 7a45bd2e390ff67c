import type { AuthorizationCheck } from '../auth-object/auth-object.js';
import { reverificationRequirement, type ReverificationRequirement } from '../auth-object/reverification.js';
import { askedScopes, isScopeToken } from '../auth-object/scopes.js';
import { validateStepUpRequirement, type StepUpRequirement } from '../auth-object/step-up.js';
import { nonEmptyStrings } from './non-empty-strings.js';
import { checkAcceptsToken, type AcceptsToken } from '../verification/token-class.js';
import type { SenderConstraintMode } from '../config/sender-constraint-options.js';

/** What `@RequireAuth()` / `@OptionalAuth()` store on a class or method. */
export interface AuthPolicy {
  mode: 'required' | 'optional';
  check?: AuthorizationCheck;
  /** The classes of token the route accepts; absent: the module's `acceptsToken`. */
  acceptsToken?: AcceptsToken;
  /** Only tokens whose issuer (`auth.issuer`) is one of these count as signed in; absent: any the module trusts. */
  issuer?: readonly string[];
  /** The scopes `check` asks, for the `scope` attribute of a 403 challenge. */
  scopes?: readonly string[];
  /** `@RequireAuth(has => …)`: the route runs when it returns true. */
  predicate?: AuthPredicate;
  /** Clerk reverification the session must meet, else 403 with Clerk's `clerk_error` body. */
  reverification?: ReverificationRequirement;
  /** RFC 9470: `acr` / `auth_time` the token must meet, else 401 `insufficient_user_authentication`. */
  stepUp?: StepUpRequirement;
  /** DPoP (RFC 9449) on this route; absent: the token issuer's `dpop`. */
  dpop?: SenderConstraintMode;
  /** mTLS-bound tokens (RFC 8705) on this route; absent: the token issuer's `mtls`. */
  mtls?: SenderConstraintMode;
}

/**
 * `@RequireAuth(has => …)`, like Clerk's `auth.protect(has => …)`: `has` is the auth object's
 * `has()`; return true to let the request through.
 *
 * @example
 * @RequireAuth((has) => has({ role: 'admin' }) || has({ permission: 'org:billing:manage' }))
 */
export type AuthPredicate = (has: (check: AuthorizationCheck) => boolean) => boolean;

/**
 * Options of `@RequireAuth()`: what `has()` must grant (every dimension given), which classes of
 * token the route accepts, and the step-up it requires.
 */
export interface RequireAuthOptions extends AuthorizationCheck, StepUpRequirement {
  /** `'session_token'`, `'oauth_token'`, `'m2m_token'`, `'api_key'`, a list of them, or `'any'`. Default: the module's. */
  acceptsToken?: AcceptsToken;
  /**
   * With several issuers: the route accepts tokens of this issuer (or these) only, by exact `iss`;
   * a token of another trusted issuer is signed out (`token-invalid-issuer`).
   */
  issuer?: string | readonly string[];
  /**
   * DPoP on this route: `'required'` takes DPoP-bound tokens only (401 with a DPoP challenge
   * otherwise), `'off'` refuses them, `'allowed'` takes both kinds. Default: the token issuer's `dpop`.
   */
  dpop?: SenderConstraintMode;
  /** mTLS-bound tokens on this route, the same way. Default: the token issuer's `mtls`. */
  mtls?: SenderConstraintMode;
}

/** Options of `@OptionalAuth()`. */
export interface OptionalAuthOptions {
  /** The classes of token seen as signed in; another class is signed out. Default: the module's. */
  acceptsToken?: AcceptsToken;
  /** Only tokens of this issuer (or these) are seen as signed in. */
  issuer?: string | readonly string[];
  /** DPoP on this route (as `@RequireAuth({ dpop })`): a token the mode refuses is seen as signed out. */
  dpop?: SenderConstraintMode;
  /** mTLS-bound tokens on this route, the same way. */
  mtls?: SenderConstraintMode;
}

const CHECK_KEYS = ['role', 'permission', 'feature', 'plan'] as const;
const SCOPE_KEYS = ['scope', 'scopes'] as const;
const STEP_UP_KEYS = ['reverification', 'acr', 'maxAgeSeconds'] as const;
const MODES: readonly unknown[] = ['off', 'allowed', 'required'] satisfies SenderConstraintMode[];

/**
 * The policy a decorator stores, checked where the decorator is applied (so a typo stops the boot,
 * naming the decorator and the key). Throws an Error.
 */
export function routePolicy(mode: AuthPolicy['mode'], options: RequireAuthOptions | OptionalAuthOptions | AuthPredicate | undefined): AuthPolicy {
  const name = mode === 'required' ? '@RequireAuth()' : '@OptionalAuth()';
  if (options === undefined) return { mode };
  if (typeof options === 'function' && mode === 'required') return { mode, predicate: options };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`nestjs-warden: ${name} takes an options object`);
  }
  const allowed: readonly string[] =
    mode === 'required'
      ? [...CHECK_KEYS, ...SCOPE_KEYS, ...STEP_UP_KEYS, 'acceptsToken', 'issuer', 'dpop', 'mtls']
      : ['acceptsToken', 'issuer', 'dpop', 'mtls'];
  const keys = Object.keys(options);
  const bad = keys.find((k) => !allowed.includes(k));
  if (bad || (keys.length === 0 && mode === 'required')) {
    throw new Error(`nestjs-warden: ${name} takes { ${allowed.join(' | ')} }, got ${bad ? `"${bad.slice(0, 32)}"` : 'an empty object'}`);
  }
  const policy: AuthPolicy = { mode };
  const { acceptsToken, issuer, reverification, acr, maxAgeSeconds, dpop, mtls, ...rest } = options as RequireAuthOptions;
  for (const [key, value] of [
    ['dpop', dpop],
    ['mtls', mtls],
  ] as const) {
    if (value === undefined) continue;
    if (!MODES.includes(value)) throw new Error(`nestjs-warden: ${name} { ${key} } must be 'off', 'allowed' or 'required'`);
    policy[key] = value;
  }
  if (acceptsToken !== undefined) policy.acceptsToken = checkAcceptsToken(acceptsToken, `nestjs-warden: ${name} acceptsToken`);
  if (issuer !== undefined) policy.issuer = issuerList(issuer, name);
  if (reverification !== undefined) {
    const requirement = reverificationRequirement(reverification);
    if (!requirement) {
      throw new Error(`nestjs-warden: ${name} { reverification } must be 'strict_mfa', 'strict', 'moderate', 'lax' or { level, afterMinutes > 0 }`);
    }
    policy.reverification = requirement;
  }
  if (acr !== undefined || maxAgeSeconds !== undefined) policy.stepUp = validateStepUpRequirement({ acr, maxAgeSeconds });
  if (Object.keys(rest).length === 0) return policy;
  for (const key of CHECK_KEYS) {
    const value = rest[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new Error(`nestjs-warden: ${name} { ${key} } must be a non-empty string`);
    }
  }
  if (rest.scopes !== undefined && (!Array.isArray(rest.scopes) || rest.scopes.length === 0)) {
    throw new Error(`nestjs-warden: ${name} { scopes } must be a non-empty list of scopes`);
  }
  const scopes = askedScopes(rest);
  if (scopes && !scopes.every(isScopeToken)) {
    throw new Error(`nestjs-warden: ${name} { scope, scopes } must be OAuth scope tokens (printable ASCII, no space, quote or backslash)`);
  }
  policy.check = { ...rest, ...(rest.scopes ? { scopes: [...(rest.scopes as readonly string[])] } : {}) };
  if (scopes) policy.scopes = [...new Set<string>(scopes)];
  return policy;
}

/** `issuer` of a decorator: one exact issuer or a non-empty list of them. Throws an Error naming the decorator. */
function issuerList(value: unknown, name: string): string[] {
  const list = nonEmptyStrings(value);
  if (!list) throw new Error(`nestjs-warden: ${name} { issuer } must be an issuer (the exact iss) or a non-empty list of them`);
  return list;
}
