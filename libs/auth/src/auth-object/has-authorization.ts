import { grantsAllow } from './authorization-grants.js';
import type { SessionFields } from './claims.js';
import { splitByScope } from './org-claims.js';
import { meetsReverification } from './reverification.js';
import { askedScopes, hasScopes } from './scopes.js';
import type { ReverificationConfig } from './reverification.js';

/**
 * What `has()` checks. Every given dimension must hold (AND); an empty check is false.
 * Roles and permissions are org-scoped as in Clerk: `'admin'` and `'org:admin'` are the same role.
 *
 * @example
 * auth.has({ permission: 'org:invoices:read' })
 * auth.has({ role: 'org:admin', feature: 'reports' })
 * auth.has({ plan: 'u:pro' })
 * auth.has({ scope: 'invoices:read' })
 * auth.has({ reverification: 'strict' })
 */
export interface AuthorizationCheck {
  role?: string;
  permission?: string;
  /** `'name'` (either scope), `'o:name'`/`'org:name'` or `'u:name'`/`'user:name'`. */
  feature?: string;
  /** Same scoping as `feature`. */
  plan?: string;
  /** An OAuth scope the token grants (the claim its class defines: M2M `scopes`, the others `scope`; or the issuer's `scopeClaim`), exact match. */
  scope?: string;
  /** Several scopes: all must be granted. */
  scopes?: readonly string[];
  /**
   * Clerk reverification from the `fva` claim: `'strict_mfa'`, `'strict'`, `'moderate'`, `'lax'`
   * or `{ level, afterMinutes }`, decided exactly as Clerk does.
   */
  reverification?: ReverificationConfig;
}

// Stryker disable next-line Regex: (org:)* already matches at index 0 (empty when the value does not start with org:), so the anchor changes nothing
const withOrgPrefix = (value: string): string => value.replace(/^(org:)*/, 'org:');

/**
 * Clerk's semantics: each asked dimension must pass, at least one must be asked, missing data fails.
 * Reverification comes from `fva` (see reverification.ts).
 * With grants from the `authorization` option, each asked value must be in the matching grant list.
 */
export function hasAuthorization(check: AuthorizationCheck, fields: SessionFields): boolean {
  if (!check || typeof check !== 'object') return false;
  const scopes = askedScopes(check);
  // Stryker disable next-line ArrayDeclaration: the placeholder element holds spaces, which no asked scope can (hasScopes takes RFC 6749 scope tokens only): it grants nothing, as [] does
  if (scopes && !hasScopes(fields.scopes ?? [], scopes)) return false;
  const { role, permission, feature, plan, reverification } = check;
  // Clerk evaluates reverification from fva whatever else the check asks, also with grants.
  if (reverification !== undefined && !meetsReverification(reverification, fields.factorVerificationAge)) return false;
  const asked = [role, permission, feature, plan].filter((v) => v !== undefined);
  if (asked.length === 0) return scopes !== undefined || reverification !== undefined;
  if (asked.some((v) => typeof v !== 'string' || v === '')) return false;
  const grants = fields.grants;
  if (grants) return grantsAllow(check, grants);
  if ((role !== undefined || permission !== undefined) && !fields.orgId) return false;
  if (role !== undefined && (!fields.orgRole || withOrgPrefix(fields.orgRole) !== withOrgPrefix(role))) return false;
  if (permission !== undefined && !fields.orgPermissions?.includes(withOrgPrefix(permission))) return false;
  if (feature !== undefined && !hasScoped(fields.features, feature)) return false;
  if (plan !== undefined && !hasScoped(fields.plans, plan)) return false;
  return true;
}

const ORG_SCOPES = new Set(['o', 'org', 'organization']);
const USER_SCOPES = new Set(['u', 'user']);

function hasScoped(claim: string | null, wanted: string): boolean {
  const { org, user } = splitByScope(claim);
  const colon = wanted.indexOf(':');
  if (colon < 0) return org.includes(wanted) || user.includes(wanted);
  const scope = wanted.slice(0, colon);
  const id = wanted.slice(colon + 1);
  if (ORG_SCOPES.has(scope)) return org.includes(id);
  if (USER_SCOPES.has(scope)) return user.includes(id);
  return false;
}
