import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { signedOutVerification, type Verification } from '../verification/verification.js';
import type { RequestHeaders, TokenExtractionOptions } from './extract-token.js';

const BEARER_SCHEME = /^[ \t]*Bearer([ \t]|$)/i;

/**
 * True when the token header (when it is a token source) carries something under another scheme
 * than `Bearer` (`Token x`, `Basic x`, a bare token): no token was found, but one was probably meant.
 * An empty header or an empty `Bearer` is simply no token.
 *
 * @example
 * sentWithAnotherScheme({ authorization: 'Token abc' }, options) // true
 */
export function sentWithAnotherScheme(headers: RequestHeaders | undefined, options: TokenExtractionOptions): boolean {
  if (!headers || !options.tokenSources.includes('header')) return false;
  const raw = headers[options.headerName];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' && value.trim() !== '' && !BEARER_SCHEME.test(value);
}

/**
 * The signed-out verification for a request whose token header used another scheme than `Bearer`: reason
 * `token-scheme-not-bearer`, and like a missing token (RFC 6750 section 3.1: no error code in the
 * challenge, since no bearer token was sent). Any other verification is returned as it is.
 */
export function withSchemeReason(result: Verification): Verification {
  if (result.auth.isAuthenticated || result.error?.reason !== AuthErrorReason.TokenMissing) return result;
  return signedOutVerification(new AuthError(AuthErrorReason.TokenSchemeNotBearer, 'the token header does not use the Bearer scheme'), false);
}
