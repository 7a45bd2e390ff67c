import type { SignedInAuthObject } from '../auth-object/auth-object.js';
import type { MachineAuthObject } from '../auth-object/machine-auth-object.js';
import type { RevocationStore, RevocationTarget } from './revocation-store.js';

/** A signed-in caller whose session, user or token can be revoked. */
export type RevocableAuth = SignedInAuthObject | MachineAuthObject;

/** What of a signed-in caller to revoke. */
export type RevocationScope =
  /** The session (`sid`): signs this session out on every replica. Sessions only. */
  | 'session'
  /** The user (`sub`): every session of the user, everywhere ("sign out everywhere"). Sessions only. */
  | 'user'
  /** The token (`jti`), until it expires: any class, when the issuer sets `jti`. */
  | 'token';

/** A revocation to record: what, and until when (undefined: the store's `maxTokenLifetimeInSeconds`). */
export interface RevocationRequest {
  target: RevocationTarget;
  untilEpochSeconds?: number;
}

/**
 * What to revoke for `scope` of a signed-in caller, always scoped to the issuer that signed it in
 * (`auth.issuer`): with several issuers a user id is unique within its issuer only, so a revocation
 * without it could sign out another tenant's user of the same id. Throws a TypeError naming what the
 * auth object lacks (a machine has no session; a token without `jti` cannot be named).
 *
 * @example
 * revocationRequestOf(auth, 'user') // { target: { iss: 'https://clerk.example.com', sub: 'user_1' } }
 */
export function revocationRequestOf(auth: RevocableAuth, scope: RevocationScope): RevocationRequest {
  if (!auth || auth.isAuthenticated !== true) throw new TypeError('revoke: expected a signed-in auth object');
  const iss = auth.issuer;
  if (scope === 'token') {
    const jti = auth.claims.jti;
    if (typeof jti !== 'string' || jti === '') throw new TypeError('revoke: the token has no jti to revoke it by; revoke its session or user instead');
    const exp = auth.claims.exp;
    return { target: { iss, jti }, ...(typeof exp === 'number' ? { untilEpochSeconds: exp } : {}) };
  }
  if (auth.tokenType !== 'session_token')
    throw new TypeError(`revoke: a ${auth.tokenType} has no ${scope === 'session' ? 'session' : 'user session'}; revoke the token instead`);
  if (scope === 'user') return { target: { iss, sub: auth.userId } };
  if (auth.sessionId === null) throw new TypeError('revoke: the token has no sid (session id); revoke the user or the token instead');
  return { target: { iss, sid: auth.sessionId } };
}

/**
 * Records a revocation in `store`; the shared step behind `AuthRevoker` (and `AuthService.revoke`).
 * Throws when there is no store: the revocation would otherwise be silently lost.
 */
export async function revokeIn(store: RevocationStore | undefined | null, request: RevocationRequest): Promise<void> {
  if (!store) throw new Error('nestjs-warden: no revocation store: set the AuthModule option revocation ({ memory: true } or { redis: { url } })');
  await store.revoke(request.target, request.untilEpochSeconds);
}
