/**
 * Why a request ended up signed out (or a token was refused). Framework-free: the Nest layer maps
 * these to HTTP, WebSocket and RPC errors.
 */
export const AuthErrorReason = {
  TokenMissing: 'token-missing',
  TokenSchemeNotBearer: 'token-scheme-not-bearer',
  TokenInvalid: 'token-invalid',
  TokenTooLarge: 'token-too-large',
  TokenExpired: 'token-expired',
  TokenNotActiveYet: 'token-not-active-yet',
  TokenIatInTheFuture: 'token-iat-in-the-future',
  TokenTooOld: 'token-too-old',
  TokenInvalidSignature: 'token-invalid-signature',
  TokenInvalidAlgorithm: 'token-invalid-algorithm',
  TokenInvalidType: 'token-invalid-type',
  TokenInvalidIssuer: 'token-invalid-issuer',
  TokenInvalidAudience: 'token-invalid-audience',
  TokenInvalidAuthorizedParty: 'token-invalid-authorized-party',
  TokenInvalidClaims: 'token-invalid-claims',
  TokenRevoked: 'token-revoked',
  SessionPending: 'session-pending',
  /** A valid token of a class (`tokenType`) the route does not accept: signed out, as in Clerk. */
  TokenTypeNotAccepted: 'token-type-not-accepted',
  KeyNotFound: 'key-not-found',
  KeysUnavailable: 'keys-unavailable',
  /** An opaque token could not be checked: the introspection endpoint or the `verifyOpaqueToken` hook failed (503). */
  IntrospectionUnavailable: 'introspection-unavailable',
  /** Whether the token is revoked could not be known: the `isRevoked` hook or the revocation store failed (503). */
  RevocationUnavailable: 'revocation-unavailable',
  /**
   * Which issuer a token names could not be decided: `resolveIssuer` failed, timed out, answered
   * options that do not work, or its call budget for the window is spent (503).
   */
  IssuerUnavailable: 'issuer-unavailable',
  /** A session cookie sent by a page on an origin that is neither the API's own nor in `authorizedParties`. */
  CookieCrossOrigin: 'cookie-cross-origin',
  /**
   * The session cookie came twice with different values: one may have been set by a sibling
   * subdomain for the whole site (cookie tossing), so neither is used.
   */
  CookieDuplicated: 'cookie-duplicated',
  /** `Authorization: DPoP <token>` without a `DPoP` proof header (or with several). */
  DpopProofMissing: 'dpop-proof-missing',
  /** The `DPoP` proof is not a valid proof: not a `dpop+jwt`, an algorithm not allowed, a private or missing `jwk`, a bad signature, a missing claim. */
  DpopProofInvalid: 'dpop-proof-invalid',
  /** The proof was made for another request: its `htm`, `htu` (see `dpopProof.publicOrigin`) or `ath` differ. */
  DpopProofMismatch: 'dpop-proof-mismatch',
  /** The proof's `iat` lies outside the accepted window (`dpopProof.maxAgeInMs`, `dpopProof.clockSkewInMs`). */
  DpopProofStale: 'dpop-proof-stale',
  /** The proof's `jti` was already used with this key inside its window: a replay. */
  DpopProofReplayed: 'dpop-proof-replayed',
  /** The proof is signed by another key than the one the token is bound to (`cnf.jkt`), or the token sent under `DPoP` is not bound at all. */
  DpopKeyMismatch: 'dpop-key-mismatch',
  /** The server requires a nonce (`dpopProof.nonce`) and the proof has none, or an old one: retry with the `DPoP-Nonce` given. */
  DpopNonceRequired: 'dpop-nonce-required',
  /** A DPoP-bound token (`cnf.jkt`) sent as a bearer token: refused, never downgraded. */
  DpopBoundTokenAsBearer: 'dpop-bound-token-as-bearer',
  /** The route (or the token's issuer) requires DPoP (`dpop: 'required'`) and the token is not DPoP-bound. */
  DpopRequired: 'dpop-required',
  /** The route (or the token's issuer) has DPoP off (`dpop: 'off'`) and the request used it. */
  DpopNotAllowed: 'dpop-not-allowed',
  /** Whether the proof was used before could not be known: the replay store failed (503). */
  DpopReplayUnavailable: 'dpop-replay-unavailable',
  /** An mTLS-bound token (`cnf["x5t#S256"]`) came without a client certificate. */
  MtlsCertificateMissing: 'mtls-certificate-missing',
  /** An mTLS-bound token came with another client certificate than the one it is bound to. */
  MtlsCertificateMismatch: 'mtls-certificate-mismatch',
  /** The route (or the token's issuer) requires mTLS-bound tokens (`mtls: 'required'`) and the token is not bound. */
  MtlsRequired: 'mtls-required',
  /** The route (or the token's issuer) has mTLS binding off (`mtls: 'off'`) and the token is mTLS-bound. */
  MtlsNotAllowed: 'mtls-not-allowed',
  /** An encrypted token (JWE) could not be decrypted with the `decryption` keys, or is not a nested signed JWT. */
  TokenDecryptionFailed: 'token-decryption-failed',
  /** `decryption.required` is on and the token is not encrypted. */
  TokenNotEncrypted: 'token-not-encrypted',
  /**
   * Clerk's cookie rules (`clerkCookies`): a session cookie minted before the client's last sign-in
   * or sign-out (`__client_uat`): the user signed out, or in again, since (in another tab).
   */
  SessionTokenIatBeforeClientUat: 'session-token-iat-before-client-uat',
  /** Clerk's cookie rules (`clerkCookies`): a session cookie without `__client_uat`, or with `__client_uat=0` (signed out). */
  SessionTokenWithoutClientUat: 'session-token-but-no-client-uat',
  /** `@CurrentUser()`: `loadUser` found no user for a verified token (401, or 403 by `currentUser.whenMissing`). */
  UserNotFound: 'user-not-found',
  /** `@CurrentUser()`: `loadUser` threw, rejected or did not answer within `currentUser.timeoutInMs` (503). */
  UserUnavailable: 'user-unavailable',
} as const;

/** One of the values of {@link AuthErrorReason}, e.g. `'token-expired'`. */
export type AuthErrorReason = (typeof AuthErrorReason)[keyof typeof AuthErrorReason];

/**
 * A token could not be accepted. `reason` is stable and safe to log; `message` never contains the
 * token, a key or a URL.
 *
 * @example
 * try { await authService.verifyToken(token); }
 * catch (e) { if (e instanceof AuthError && e.reason === 'token-expired') refresh(); }
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';

  /**
   * @param retryAfterSeconds for an "unavailable" reason: when a retry makes sense (becomes the
   *   `Retry-After` of the 503); absent, the guard uses the key-source cooldown.
   */
  constructor(
    readonly reason: AuthErrorReason,
    message: string = reason,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * Reasons that say nothing about the token itself: something needed to decide (the keys, the
 * introspection endpoint, the revocation status) was not there. A request that carried a token gets
 * 503 with `Retry-After`, so the client retries instead of signing the user out.
 */
const UNAVAILABLE_REASONS: ReadonlySet<AuthErrorReason> = new Set([
  AuthErrorReason.KeysUnavailable,
  AuthErrorReason.IntrospectionUnavailable,
  AuthErrorReason.RevocationUnavailable,
  AuthErrorReason.IssuerUnavailable,
  AuthErrorReason.DpopReplayUnavailable,
]);

/** True for the "unavailable" reasons: `keys-unavailable`, `introspection-unavailable`, `revocation-unavailable`, `issuer-unavailable`, `dpop-replay-unavailable`. */
export function isUnavailable(error: AuthError | null | undefined): error is AuthError {
  return error != null && UNAVAILABLE_REASONS.has(error.reason);
}

/** RFC 6750 section 3: error_description is limited to these characters. */
const RFC6750_DESCRIPTION = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;

/** RFC 6749 section 3.3: one scope token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** What a `WWW-Authenticate: Bearer` challenge carries (RFC 6750 section 3). */
export interface BearerChallenge {
  realm: string;
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  /** Only ever one of our own fixed texts; dropped when outside RFC 6750's character set. */
  description?: string;
  /** `insufficient_scope`: the scopes the resource needs (RFC 6750 section 3); dropped when not RFC 6749 scope tokens. */
  scopes?: readonly string[];
}

/**
 * Formats a `WWW-Authenticate` header value.
 *
 * @example
 * bearerChallenge({ realm: 'api', error: 'invalid_token' })
 * // 'Bearer realm="api", error="invalid_token"'
 */
export function bearerChallenge({ realm, error, description, scopes }: BearerChallenge): string {
  const parts = [`realm="${RFC6750_DESCRIPTION.test(realm) ? realm : 'api'}"`];
  if (error) parts.push(`error="${error}"`);
  if (error && description && RFC6750_DESCRIPTION.test(description)) {
    parts.push(`error_description="${description}"`);
  }
  if (error === 'insufficient_scope' && scopes?.length && scopes.every((s) => SCOPE_TOKEN.test(s))) {
    parts.push(`scope="${scopes.join(' ')}"`);
  }
  return `Bearer ${parts.join(', ')}`;
}
