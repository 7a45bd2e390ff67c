import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { AuthorizationGrants } from './authorization-grants.js';
import { readOrgV1, readOrgV2, scopedListClaim } from './org-claims.js';

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
  /** What the token's `scope` claim (or the issuer's `scopeClaim`) grants, for `has({ scope })`; set by the verifier. */
  scopes?: string[];
}

function invalid(claim: string, expected: string): AuthError {
  return new AuthError(AuthErrorReason.TokenInvalidClaims, `claim "${claim}" must be ${expected}`);
}

const isFactorAge = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && (n === -1 || n >= 0);

/**
 * Reads and type-checks the session claims of a verified token. No unchecked value ever reaches
 * the auth object. Two rules, decided claim by claim (docs/differences-from-clerk.md):
 * - identity is strict: `sub`, `sid`, `org_id`/`o.id` and the impersonation claim `act` (with its
 *   `sub`) of the wrong type refuse the token ({@link AuthError} `token-invalid-claims`);
 * - an optional claim that can only grant (`rol`, `slg`, `per`, `fpm`, `fea`, `pla`,
 *   `org_permissions`, `sts`, `fva`, `v`) grants nothing when malformed, as in Clerk, so a value a
 *   future Clerk version sends never locks every user out.
 */
export function readSessionFields(payload: JWTPayload): SessionFields {
  const claims = payload as Record<string, unknown>;
  const userId = claims.sub;
  if (typeof userId !== 'string' || userId === '') throw invalid('sub', 'a non-empty string');
  const sid = claims.sid;
  if (sid !== undefined && sid !== null && (typeof sid !== 'string' || sid === '')) throw invalid('sid', 'a non-empty string');
  const fva = claims.fva;
  return {
    userId,
    sessionId: sid ?? null,
    // Clerk reads every version but 2 as v1.
    ...(claims.v === 2 ? readOrgV2(claims) : readOrgV1(claims)),
    actor: readActor(claims.act),
    sessionStatus: claims.sts === 'active' || claims.sts === 'pending' ? claims.sts : null,
    features: scopedListClaim(claims.fea),
    plans: scopedListClaim(claims.pla),
    factorVerificationAge: Array.isArray(fva) && fva.length === 2 && fva.every(isFactorAge) ? [fva[0], fva[1]] : null,
  };
}

/**
 * `act` says someone else is acting as the user. Dropping a malformed one would make an
 * impersonated session look like the user's own (audit trails, "no impersonators here" checks), so
 * it refuses the token instead.
 */
function readActor(act: unknown): ActorClaim | null {
  if (act === undefined || act === null) return null;
  if (typeof act !== 'object' || Array.isArray(act) || typeof (act as ActorClaim).sub !== 'string' || (act as ActorClaim).sub === '') {
    throw invalid('act', 'an object with a non-empty string sub');
  }
  return act as ActorClaim;
}
