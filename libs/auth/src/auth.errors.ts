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
  KeyNotFound: 'key-not-found',
  KeysUnavailable: 'keys-unavailable',
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

  constructor(
    readonly reason: AuthErrorReason,
    message: string = reason,
  ) {
    super(message);
  }
}

/** True when the failure says nothing about the token itself: the keys to check it were not there. */
export function isKeysUnavailable(error: AuthError | null | undefined): boolean {
  return error?.reason === AuthErrorReason.KeysUnavailable;
}

/** RFC 6750 section 3: error_description is limited to these characters. */
const RFC6750_DESCRIPTION = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;

/** What a `WWW-Authenticate: Bearer` challenge carries (RFC 6750 section 3). */
export interface BearerChallenge {
  realm: string;
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  /** Only ever one of our own fixed texts; dropped when outside RFC 6750's character set. */
  description?: string;
}

/**
 * Formats a `WWW-Authenticate` header value.
 *
 * @example
 * bearerChallenge({ realm: 'api', error: 'invalid_token' })
 * // 'Bearer realm="api", error="invalid_token"'
 */
export function bearerChallenge({ realm, error, description }: BearerChallenge): string {
  const parts = [`realm="${RFC6750_DESCRIPTION.test(realm) ? realm : 'api'}"`];
  if (error) parts.push(`error="${error}"`);
  if (error && description && RFC6750_DESCRIPTION.test(description)) {
    parts.push(`error_description="${description}"`);
  }
  return `Bearer ${parts.join(', ')}`;
}
