import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { signedOutResult, type AuthResult } from '../auth-object/auth-result.js';
import { isTokenTypeAccepted, singleMachineClass, type AcceptsToken, type TokenType } from '../verification/token-class.js';
import type { Verification } from '../verification/verification.js';
import type { TokenBinding } from '../auth-object/token-binding.js';
import type { SenderConstraintMode } from '../config/sender-constraint-options.js';

/** What a route says about who may be signed in on it; absent fields take the token issuer's defaults. */
export interface Admission {
  /** The classes of token the route accepts; default: the token issuer's `acceptsToken`, else `fallback`. */
  acceptsToken?: AcceptsToken;
  /** Only tokens whose issuer (`auth.issuer`) is one of these count as signed in. */
  issuer?: readonly string[];
  /** DPoP-bound tokens: refused (`'off'`), accepted (`'allowed'`) or the only ones (`'required'`); default the token issuer's `dpop`. */
  dpop?: SenderConstraintMode;
  /** mTLS-bound tokens, the same way; default the token issuer's `mtls`. */
  mtls?: SenderConstraintMode;
}

/**
 * What a route sees of a verification: the same result when the route admits it; otherwise signed
 * out with the reason, as Clerk does. In this order, the rules every route applies to a verified
 * token, whatever it requires besides:
 * 1. a session token whose `azp` is not among its issuer's `authorizedParties` (`token-invalid-authorized-party`);
 * 2. a class the route does not accept, or a machine token from the session cookie (`token-type-not-accepted`);
 * 3. under its issuer's Clerk cookie rules, a session cookie the client signed out of since
 *    (`__client_uat` absent or `0`, or newer than the token's `iat`);
 * 4. an issuer the route does not name (`token-invalid-issuer`);
 * 5. a pending session while its issuer treats pending as signed out (`session-pending`);
 * 6. a token bound to a DPoP key or a client certificate where the route's mode is `'off'`
 *    (`dpop-not-allowed`, `mtls-not-allowed`), or not bound where it is `'required'` (`dpop-required`,
 *    `mtls-required`). Its proof was checked before (`SenderConstraints`): a bound token is never here without it.
 * A route that accepts exactly one machine class sees the signed-out object of that class. Synchronous,
 * and the same object when nothing changes, so cache hits stay cheap. `fallback` is the module's
 * `acceptsToken`, for verifications whose issuer is unknown.
 *
 * @example
 * admit(verification, { acceptsToken: 'm2m_token' }, 'session_token').auth.isAuthenticated
 */
export function admit(v: Verification, route: Admission, fallback: AcceptsToken): AuthResult {
  const accepts = route.acceptsToken ?? v.issuer?.acceptsToken ?? fallback;
  const machine = singleMachineClass(accepts);
  const { auth } = v;
  if (!auth.isAuthenticated) {
    if (machine === undefined || auth.tokenType === machine) return v;
    return signedOutResult(v.error, v.tokenPresent, machine);
  }
  const error = refusal(v, accepts, route.issuer) ?? bindingRefusal(v, route);
  return error ? signedOutResult(error, true, machine) : v;
}

function refusal(v: Verification, accepts: AcceptsToken, issuers: readonly string[] | undefined): AuthError | undefined {
  const { auth } = v;
  const type: TokenType = v.tokenType ?? 'session_token';
  if (type === 'session_token') {
    const parties = v.issuer?.authorizedParties;
    const azp = (v.claims as { azp?: unknown } | null)?.azp;
    if (parties && (typeof azp !== 'string' || !parties.includes(azp))) {
      return new AuthError(AuthErrorReason.TokenInvalidAuthorizedParty, 'the token azp is not an authorized party');
    }
  }
  // Machine tokens count only from the Authorization header (or a transport's token field), as in @clerk/backend.
  if (!isTokenTypeAccepted(type, accepts) || (v.source === 'cookie' && type !== 'session_token')) {
    return new AuthError(AuthErrorReason.TokenTypeNotAccepted, 'the route does not accept this class of token');
  }
  // Stryker disable next-line ConditionalExpression: a machine token here came from the header (one from the cookie was refused just above), and clientUatRefusal answers only for the session cookie
  const signedOutByClient = type === 'session_token' ? clientUatRefusal(v) : undefined;
  if (signedOutByClient) return signedOutByClient;
  if (issuers && !issuers.includes((auth as { issuer?: unknown }).issuer as string)) {
    return new AuthError(AuthErrorReason.TokenInvalidIssuer, 'the route does not accept tokens of this issuer');
  }
  if (type === 'session_token' && (auth as { sessionStatus?: unknown }).sessionStatus === 'pending' && (v.issuer?.treatPendingAsSignedOut ?? true)) {
    return new AuthError(AuthErrorReason.SessionPending, 'the session is pending');
  }
  return undefined;
}

/** The route's sender-constraint modes (the route's own, else its token issuer's; no issuer known: off) against the token's binding. */
function bindingRefusal(v: Verification, route: Admission): AuthError | undefined {
  const binding = (v.auth as { binding?: TokenBinding }).binding;
  const dpop = route.dpop ?? v.issuer?.dpop ?? 'off';
  if (dpop === 'required' && binding?.type !== 'dpop') return new AuthError(AuthErrorReason.DpopRequired, 'the route accepts DPoP-bound tokens only');
  if (dpop === 'off' && binding?.type === 'dpop') return new AuthError(AuthErrorReason.DpopNotAllowed, 'the route does not take DPoP');
  const mtls = route.mtls ?? v.issuer?.mtls ?? 'off';
  const certificate = binding?.x5tS256 !== undefined;
  if (mtls === 'required' && !certificate) return new AuthError(AuthErrorReason.MtlsRequired, 'the route accepts mTLS-bound tokens only');
  if (mtls === 'off' && certificate) return new AuthError(AuthErrorReason.MtlsNotAllowed, 'the route does not take mTLS-bound tokens');
  return undefined;
}

/**
 * Clerk's cookie rules for a session token from the session cookie, when its issuer follows them:
 * `__client_uat` absent or `0` means the client is signed out; one newer than the token's `iat` means
 * the user signed out (or in again) after it was minted. A token without a numeric `iat` cannot be
 * shown to be newer, and counts as older.
 */
function clientUatRefusal(v: Verification): AuthError | undefined {
  if (v.source !== 'cookie' || !v.issuer?.clerkCookies) return undefined;
  // Unknown (a cookie read by a guard subclass's own getToken) counts as absent: fail closed.
  const clientUat = v.clientUat ?? 0;
  if (clientUat === 0) return new AuthError(AuthErrorReason.SessionTokenWithoutClientUat, 'the client is signed out (__client_uat)');
  const iat = (v.claims as { iat?: unknown } | null)?.iat;
  if (typeof iat !== 'number' || iat < clientUat) {
    return new AuthError(AuthErrorReason.SessionTokenIatBeforeClientUat, 'the session cookie is older than the last sign-in or sign-out');
  }
  return undefined;
}
