import { AuthError, AuthErrorReason } from '../auth.errors.js';

/** The org fields of a session (Clerk v1 or v2 claims). */
export interface OrgFields {
  orgId: string | null;
  orgRole: string | null;
  orgSlug: string | null;
  orgPermissions: string[] | null;
}

const NO_ORG: OrgFields = { orgId: null, orgRole: null, orgSlug: null, orgPermissions: null };

/**
 * An optional string claim: a non-empty string, or null for anything else. A malformed optional
 * claim grants nothing instead of refusing the session, as in Clerk: a value a future Clerk version
 * sends must not lock every user out.
 */
export function lenientString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * A scoped list claim (`fea`, `pla`): a non-empty string whose every element has a scope
 * (`o:reports`), or null. As in Clerk, one element without a colon spoils the whole claim (Clerk's
 * parser throws, so its `has()` grants no feature or plan from it).
 */
export function scopedListClaim(value: unknown): string | null {
  const claim = lenientString(value);
  return claim && claim.split(',').every((part) => part.includes(':')) ? claim : null;
}

/**
 * The org id (`org_id`, `o.id`): absent is no org; present, it must be a non-empty string or the
 * token is refused (security catalogue #30: an id an app keys tenants on is never guessed at).
 */
function orgIdClaim(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '') {
    throw new AuthError(AuthErrorReason.TokenInvalidClaims, `claim "${name}" must be a non-empty string`);
  }
  return value;
}

/**
 * Clerk v1: `org_id`, `org_role`, `org_slug`, `org_permissions`. As in Clerk, role, slug and
 * permissions are exposed even without `org_id`; `has()` still needs an org id to grant a role or a
 * permission.
 */
export function readOrgV1(claims: Record<string, unknown>): OrgFields {
  const perms = claims.org_permissions;
  return {
    orgId: orgIdClaim(claims.org_id, 'org_id'),
    orgRole: lenientString(claims.org_role),
    orgSlug: lenientString(claims.org_slug),
    orgPermissions: Array.isArray(perms) ? perms.filter((p): p is string => typeof p === 'string' && p !== '') : null,
  };
}

/**
 * Clerk v2: `o: { id, slg, rol, per, fpm }`, permissions bit-mapped per org feature of `fea`. As in
 * Clerk, an `o` without `id` still exposes its role, slug and permissions (with `orgId` null).
 */
export function readOrgV2(claims: Record<string, unknown>): OrgFields {
  const o = claims.o;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return NO_ORG;
  const org = o as Record<string, unknown>;
  const role = lenientString(org.rol);
  return {
    orgId: orgIdClaim(org.id, 'o.id'),
    orgRole: role ? `org:${role.replace(/^(org:)+/, '')}` : null,
    orgSlug: lenientString(org.slg),
    orgPermissions: orgPermissionsV2(orgFeatureSlots(scopedListClaim(claims.fea)), lenientString(org.per), lenientString(org.fpm)),
  };
}

/**
 * `fpm` is a comma-separated list of decimal bit masks, one per org feature of `fea` in order; bit j
 * of the i-th mask grants `org:<feature i>:<per[j]>`. Masks have no size limit (Clerk's format), so
 * they are read with BigInt; a malformed mask grants nothing for its feature and keeps the others
 * aligned.
 */
export function orgPermissionsV2(features: readonly string[], per: string | null, fpm: string | null): string[] {
  if (!per || !fpm) return [];
  const permissions = per.split(',').map((p) => p.trim());
  const masks = fpm.split(',').map((m) => m.trim());
  const granted: string[] = [];
  features.forEach((feature, i) => {
    // An empty feature name holds its slot (alignment) but names no permission.
    if (
      !feature ||
      // Stryker disable next-line ConditionalExpression,EqualityOperator: past the last mask, masks[i] is undefined and the digit test below refuses it as well
      i >= masks.length ||
      !/^\d+$/.test(masks[i])
    )
      return;
    const mask = BigInt(masks[i]);
    permissions.forEach((permission, j) => {
      if (permission && (mask >> BigInt(j)) & 1n) granted.push(`org:${feature}:${permission}`);
    });
  });
  return granted;
}

/**
 * The org features of `fea` in claim order, as Clerk aligns them with `fpm`: every `o:`, `ou:` and
 * `uo:` element holds a slot, an empty one (`o:`) included; user-only, unknown-scope and unscoped
 * elements hold none.
 */
export function orgFeatureSlots(fea: string | null): string[] {
  const slots: string[] = [];
  // Stryker disable next-line ArrayDeclaration: the mutant's placeholder element has no colon, so it holds no slot: same result as the empty list
  for (const raw of fea ? fea.split(',') : []) {
    const part = raw.trim();
    const colon = part.indexOf(':');
    // Stryker disable next-line EqualityOperator: `colon <= 0` skips the same elements, a colon at 0 leaves an empty scope that matches none
    if (colon < 0) continue;
    const scope = part.slice(0, colon);
    if (scope === 'o' || scope === 'ou' || scope === 'uo') slots.push(part.slice(colon + 1));
  }
  return slots;
}

/**
 * Splits a Clerk `fea`/`pla` claim by scope: `o:` org, `u:` user, `ou:`/`uo:` both. Elements without
 * a scope or a name are ignored (fail closed).
 */
export function splitByScope(claim: string | null): { org: string[]; user: string[] } {
  const org: string[] = [];
  const user: string[] = [];
  // Stryker disable next-line ArrayDeclaration: the mutant's placeholder element has no colon, so it is skipped: same result as the empty list
  for (const raw of claim ? claim.split(',') : []) {
    const part = raw.trim();
    const colon = part.indexOf(':');
    // Stryker disable next-line EqualityOperator: `colon < 0` skips the same elements, a colon at 0 leaves an empty scope that matches none
    if (colon <= 0) continue;
    const scope = part.slice(0, colon);
    const value = part.slice(colon + 1);
    if (!value) continue;
    if (scope === 'o' || scope === 'ou' || scope === 'uo') org.push(value);
    if (scope === 'u' || scope === 'ou' || scope === 'uo') user.push(value);
  }
  return { org, user };
}
