import { errors } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';

const CLAIM_REASONS: Record<string, AuthErrorReason> = {
  nbf: AuthErrorReason.TokenNotActiveYet,
  iss: AuthErrorReason.TokenInvalidIssuer,
  aud: AuthErrorReason.TokenInvalidAudience,
  typ: AuthErrorReason.TokenInvalidType,
  iat: AuthErrorReason.TokenIatInTheFuture,
};

/** Maps whatever jose (or WebCrypto) threw to a reason; nothing of the original message leaks. */
export function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired) {
    return error.claim === 'iat'
      ? new AuthError(AuthErrorReason.TokenTooOld, 'the token is older than maxTokenAgeInMs')
      : new AuthError(AuthErrorReason.TokenExpired, 'the token has expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'check_failed' && CLAIM_REASONS[error.claim]) {
      return new AuthError(CLAIM_REASONS[error.claim], `claim check failed: ${error.claim}`);
    }
    if (error.claim === 'typ') return new AuthError(AuthErrorReason.TokenInvalidType, 'unexpected typ');
    if (error.claim === 'aud' && error.reason === 'missing') {
      return new AuthError(AuthErrorReason.TokenInvalidAudience, 'the token has no aud');
    }
    if (error.claim === 'iss' && error.reason === 'missing') {
      return new AuthError(AuthErrorReason.TokenInvalidIssuer, 'the token has no iss');
    }
    return new AuthError(AuthErrorReason.TokenInvalidClaims, `claim ${safeName(error.claim)} is ${error.reason}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthError(AuthErrorReason.TokenInvalidAlgorithm, 'the token algorithm is not allowed');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError(AuthErrorReason.TokenInvalidSignature, 'the token signature is invalid');
  }
  if (error instanceof errors.JOSENotSupported) {
    return new AuthError(AuthErrorReason.TokenInvalid, 'the token uses an unsupported feature');
  }
  if (error instanceof TypeError) {
    // WebCrypto refused the key itself (e.g. an RSA key under 2048 bits): no key can verify this token.
    return new AuthError(AuthErrorReason.KeyNotFound, 'no usable key for the token');
  }
  return new AuthError(AuthErrorReason.TokenInvalid, 'the token is malformed');
}

function safeName(claim: string): string {
  return /^[A-Za-z0-9_]{1,32}$/.test(claim) ? claim : 'unknown';
}
