import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';

/**
 * What a session may do, in the issuer's own vocabulary: `has({ role })` looks in `roles`,
 * `has({ permission })` in `permissions`, and so on, by exact match. Produced by an
 * {@link AuthorizationMapper}; presets set one for their provider (Cognito groups, Keycloak roles,
 * OAuth `scope`).
 */
export interface AuthorizationGrants {
  roles?: readonly string[];
  permissions?: readonly string[];
  features?: readonly string[];
  plans?: readonly string[];
}

/**
 * Maps verified claims to {@link AuthorizationGrants}. When the `authorization` option is set,
 * `has()` uses its result instead of Clerk's org-scoped semantics. Runs once per verified token; a
 * throw or a malformed result refuses the token (`token-invalid-claims`).
 *
 * @example
 * // Auth0 with RBAC: roles from a namespaced claim, permissions from `permissions` and `scope`
 * authorization: (claims) => ({
 *   roles: stringList(claims['https://example.com/roles']),
 *   permissions: [...stringList(claims.permissions), ...scopeList(claims.scope)],
 * })
 */
export type AuthorizationMapper = (claims: JWTPayload) => AuthorizationGrants;

const DIMENSIONS = ['roles', 'permissions', 'features', 'plans'] as const;

/** Runs the mapper and type-checks what it returns: only lists of non-empty strings get through. */
export function readGrants(mapper: AuthorizationMapper, claims: JWTPayload): Required<AuthorizationGrants> {
  let grants: unknown;
  try {
    grants = mapper(claims);
  } catch {
    throw new AuthError(AuthErrorReason.TokenInvalidClaims, 'the authorization mapping refused the claims');
  }
  if (!grants || typeof grants !== 'object') {
    throw new AuthError(AuthErrorReason.TokenInvalidClaims, 'the authorization mapping returned no grants');
  }
  const result = { roles: [], permissions: [], features: [], plans: [] } as Record<(typeof DIMENSIONS)[number], string[]>;
  for (const dimension of DIMENSIONS) {
    const list = (grants as Record<string, unknown>)[dimension];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v === '')) {
      throw new AuthError(AuthErrorReason.TokenInvalidClaims, `the authorization mapping returned bad ${dimension}`);
    }
    result[dimension] = [...new Set(list as string[])];
  }
  return result;
}

/**
 * A claim that may be a list of strings (`cognito:groups`, `realm_access.roles`): the strings in it,
 * or [] for anything else. Mappers use it so a malformed claim grants nothing rather than failing.
 */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

/** OAuth 2.0 `scope` (RFC 6749 section 3.3: space-delimited) or `scp` (a list) as a list of scopes. */
export function scopeList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((s) => s !== '');
  return stringList(value);
}

/**
 * Whether `grants` hold every role, permission, feature and plan `check` asks (exact match); an
 * ask that is not a non-empty string, or asking none of them, is false.
 */
export function grantsAllow(
  check: { role?: unknown; permission?: unknown; feature?: unknown; plan?: unknown },
  grants: Required<AuthorizationGrants>,
): boolean {
  const pairs = [
    [check.role, grants.roles],
    [check.permission, grants.permissions],
    [check.feature, grants.features],
    [check.plan, grants.plans],
  ] as const;
  const asked = pairs.filter(([value]) => value !== undefined);
  return asked.length > 0 && asked.every(([value, list]) => typeof value === 'string' && value !== '' && list.includes(value));
}
