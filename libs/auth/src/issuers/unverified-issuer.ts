import { AuthError, AuthErrorReason } from '../auth.errors.js';

/**
 * The `iss` of a compact JWS, read before its signature is checked: it only selects which issuer
 * entry (and so which keys) may verify the token, among the ones the app configured; it is never
 * trusted, never used as a URL. Throws {@link AuthError}: `token-invalid` for a payload that is not
 * a JSON object, `token-invalid-issuer` for one without a string `iss`.
 *
 * @example
 * unverifiedIssuer('eyJhbGciOi...') // 'https://clerk.example.com'
 */
export function unverifiedIssuer(token: string): string {
  const start = token.indexOf('.') + 1;
  const end = token.indexOf('.', start);
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token.slice(start, end), 'base64url').toString('utf8'));
  } catch {
    // Not JSON: refused below, as a payload that is not an object.
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new AuthError(AuthErrorReason.TokenInvalid, 'the token payload is not a JSON object');
  }
  const iss = (payload as { iss?: unknown }).iss;
  if (typeof iss !== 'string' || iss === '') throw new AuthError(AuthErrorReason.TokenInvalidIssuer, 'the token has no iss');
  return iss;
}
