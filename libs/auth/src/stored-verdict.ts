import type { JWTPayload } from 'jose';
import { signedOutResult, type AuthResult } from './auth-object/auth-object.js';
import { toAuthError, type TokenVerifier } from './verification/token-verifier.js';

/**
 * A result stored earlier on a carrier (a request, a GraphQL context's `req`, the upgrade request of
 * a graphql-ws connection that serves many subscriptions), checked again before it is reused: a
 * signed-in result must still be inside its time window (with the skew, to the millisecond) and not
 * revoked (`isRevoked` is asked again). Otherwise the signed-out result with the reason. A signed-out
 * result is reused as it is. Synchronous unless `isRevoked` has to be asked.
 *
 * @example
 * const stored = authStateOf(req);
 * const result = stored && recheckStoredResult(stored, authService.verifier);
 */
export function recheckStoredResult(result: AuthResult, verifier: TokenVerifier): AuthResult | Promise<AuthResult> {
  if (!result.auth.isAuthenticated) return result;
  const claims: unknown = result.auth.claims;
  if (claims === null || typeof claims !== 'object') return result;
  let pending: void | Promise<void>;
  try {
    pending = verifier.recheck(claims as JWTPayload);
  } catch (error) {
    return signedOutResult(toAuthError(error), true);
  }
  if (pending === undefined) return result;
  return pending.then(
    () => result,
    (error: unknown) => signedOutResult(toAuthError(error), true),
  );
}
