import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { AuthorizationGrants } from './authorization-grants.js';

/** Clerk's actor claim (`act`): who is impersonating the user. */
export interface ActorClaim {
  sub: string;
  [claim: string]: unknown;
}

/** The typed fields nestjs-warden reads from a verified token (Clerk session claims v1 and v2). */
export interface SessionFields {
  userId: string;
  /** `sid`; null for issuers that put no session id in their tokens. */
  sessionId: string | null;
  orgId: string | null;
  orgRole: string | null;
  orgSlug: string | null;
  orgPermissions: string[] | null;
  actor: ActorClaim | null;
  sessionStatus: 'active' | 'pending' | null;
  /** Clerk `fea`: comma-separated scoped features (`o:reports,u:beta`). */
  features: string | null;
  /** Clerk `pla`: comma-separated scoped plans (`u:free,o:pro`). */
  plans: string | null;
  /** Clerk `fva`: minutes since first and second factor verification (-1: never). */
  factorVerificationAge: [number, number] | null;
  /**
   * Set only when the `authorization` option maps the claims: then `has()` checks these grants by
   * exact match instead of Clerk's org-scoped fields.
   */
  grants?: Required<AuthorizationGrants>;
  /** What the token's `scp` / `scope` claims grant, for `has({ scope })`; set by the verifier. */
  scopes?: string[];
}

function invalid(claim: string, expected: string): AuthError {
  return new AuthError(AuthErrorReason.TokenInvalidClaims, `claim "${claim}" must be ${expected}`);
}

function optionalString(claims: Record<string, unknown>, name: string, container = name): string | null {
  const value = claims[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '') throw invalid(container, 'a non-empty string');
  return value;
}

/**
 * Reads and type-checks the session claims of a verified token. Anything of the wrong type is a
 * {@link AuthError} (`token-invalid-claims`): no unchecked value ever reaches the auth object.
 */
export function readSessionFields(payload: JWTPayload): SessionFields {
  const claims = payload as Record<string, unknown>;
  const userId = claims.sub;
  if (typeof userId !== 'string' || userId === '') throw invalid('sub', 'a non-empty string');
  const sessionId = optionalString(claims, 'sid');
  const org = claims.v === 2 ? readOrgV2(claims) : readOrgV1(claims);
  if (claims.v !== undefined && claims.v !== 1 && claims.v !== 2) throw invalid('v', '1 or 2');

  const sts = claims.sts;
  if (sts !== undefined && sts !== null && sts !== 'active' && sts !== 'pending') throw invalid('sts', "'active' or 'pending'");
  const act = claims.act;
  if (act !== undefined && act !== null && (typeof act !== 'object' || Array.isArray(act) || typeof (act as ActorClaim).sub !== 'string')) {
    throw invalid('act', 'an object with a string sub');
  }
  const fva = claims.fva;
  if (
    fva !== undefined &&
    fva !== null &&
    !(Array.isArray(fva) && fva.length === 2 && fva.every((n) => typeof n === 'number' && Number.isFinite(n)))
  ) {
    throw invalid('fva', 'a pair of numbers');
  }
  return {
    userId,
    sessionId,
    ...org,
    actor: (act as ActorClaim | undefined) ?? null,
    sessionStatus: (sts as 'active' | 'pending' | undefined) ?? null,
    features: optionalString(claims, 'fea'),
    plans: optionalString(claims, 'pla'),
    factorVerificationAge: (fva as [number, number] | undefined) ?? null,
  };
}

type OrgFields = Pick<SessionFields, 'orgId' | 'orgRole' | 'orgSlug' | 'orgPermissions'>;

const NO_ORG: OrgFields = { orgId: null, orgRole: null, orgSlug: null, orgPermissions: null };

/** Clerk v1: `org_id`, `org_role`, `org_slug`, `org_permissions`. */
function readOrgV1(claims: Record<string, unknown>): OrgFields {
  const orgId = optionalString(claims, 'org_id');
  const perms = claims.org_permissions;
  if (perms !== undefined && perms !== null && !(Array.isArray(perms) && perms.every((p) => typeof p === 'string'))) {
    throw invalid('org_permissions', 'a list of strings');
  }
  const orgRole = optionalString(claims, 'org_role');
  const orgSlug = optionalString(claims, 'org_slug');
  if (!orgId) return NO_ORG;
  return { orgId, orgRole, orgSlug, orgPermissions: perms ? [...(perms as string[])] : null };
}

/** Clerk v2: `o: { id, slg, rol, per, fpm }`, permissions bit-mapped per org feature of `fea`. */
function readOrgV2(claims: Record<string, unknown>): OrgFields {
  const o = claims.o;
  if (o === undefined || o === null) return NO_ORG;
  if (typeof o !== 'object' || Array.isArray(o)) throw invalid('o', 'an object');
  const org = o as Record<string, unknown>;
  const orgId = optionalString(org, 'id', 'o.id');
  if (!orgId) throw invalid('o.id', 'a non-empty string');
  const role = optionalString(org, 'rol', 'o.rol');
  const per = optionalString(org, 'per', 'o.per');
  const fpm = optionalString(org, 'fpm', 'o.fpm');
  const fea = optionalString(claims, 'fea');
  return {
    orgId,
    orgRole: role ? `org:${role.replace(/^(org:)+/, '')}` : null,
    orgSlug: optionalString(org, 'slg', 'o.slg'),
    orgPermissions: orgPermissionsV2(splitByScope(fea).org, per, fpm),
  };
}

/** `fpm[i]` is a bit mask over `per` for the i-th org feature; bit j grants `org:<feature>:<per[j]>`. */
function orgPermissionsV2(features: string[], per: string | null, fpm: string | null): string[] {
  if (!per || !fpm) return [];
  const permissions = per.split(',').map((p) => p.trim());
  const masks = fpm.split(',').map((m) => m.trim());
  const granted: string[] = [];
  features.forEach((feature, i) => {
    if (i >= masks.length || !/^\d{1,15}$/.test(masks[i])) return;
    const mask = BigInt(masks[i]);
    permissions.forEach((permission, j) => {
      if ((mask >> BigInt(j)) & 1n) granted.push(`org:${feature}:${permission}`);
    });
  });
  return granted;
}

/**
 * Splits a Clerk `fea`/`pla` claim by scope: `o:` org, `u:` user, `ou:`/`uo:` both. Elements without
 * a scope are ignored (fail closed).
 */
export function splitByScope(claim: string | null): { org: string[]; user: string[] } {
  const org: string[] = [];
  const user: string[] = [];
  for (const raw of claim ? claim.split(',') : []) {
    const part = raw.trim();
    const colon = part.indexOf(':');
    if (colon <= 0) continue;
    const scope = part.slice(0, colon);
    const value = part.slice(colon + 1);
    if (!value) continue;
    if (scope === 'o' || scope === 'ou' || scope === 'uo') org.push(value);
    if (scope === 'u' || scope === 'ou' || scope === 'uo') user.push(value);
  }
  return { org, user };
}
