import { UnsecuredJWT, type JWTClaimVerificationOptions, type JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';

/** RFC 7662 section 2.2 members that are strings when present. */
const STRING_MEMBERS = ['scope', 'client_id', 'username', 'token_type'] as const;

/**
 * Checks the claims of an opaque token (an RFC 7662 introspection response without `active`, or
 * what the `verifyOpaqueToken` hook returned) exactly as a JWT's claims are checked: jose's own claim
 * validation runs on them, so `iss`/`aud` match exactly when configured, `exp` and `sub` are
 * required, `nbf`/`exp` honour the clock skew and every registered claim has its type. On top:
 * `scope`, `client_id`, `username` and `token_type` must be strings.
 *
 * A client-credentials token has no user, and RFC 7662 servers then often omit `sub`: such a
 * response with a `client_id` gets `sub = client_id`, as RFC 9068 section 2.2 defines `sub` for JWT
 * access tokens of that grant. Returns the claims; throws jose's claim errors or {@link AuthError}.
 *
 * @example
 * const claims = validateOpaqueClaims({ sub: 'svc', exp, scope: 'a b' }, { issuer, audience, requiredClaims: ['exp', 'sub'] });
 */
export function validateOpaqueClaims(raw: Readonly<Record<string, unknown>>, options: JWTClaimVerificationOptions): JWTPayload {
  const claims: Record<string, unknown> = { ...raw };
  delete claims.active;
  for (const name of STRING_MEMBERS) {
    if (claims[name] !== undefined && typeof claims[name] !== 'string') {
      throw new AuthError(AuthErrorReason.TokenInvalidClaims, `claim ${name} is not a string`);
    }
  }
  // Stryker disable next-line ConditionalExpression: the typeof test made always true copies an absent client_id as sub undefined, which the claims' JSON drops (a non-string one was refused above); the line's other two conditions are killed by opaque-token-claims.spec
  if (claims.sub === undefined && typeof claims.client_id === 'string' && claims.client_id !== '') {
    claims.sub = claims.client_id;
  }
  if (claims.sub !== undefined && (typeof claims.sub !== 'string' || claims.sub === '')) {
    throw new AuthError(AuthErrorReason.TokenInvalidClaims, 'claim sub is not a non-empty string');
  }
  // jose validates claims only as part of decoding a token: an unsecured JWT of these claims lets
  // the very same rules run, with no signature involved (the claims came over an authenticated channel).
  let encoded: string;
  try {
    encoded = new UnsecuredJWT(claims).encode();
  } catch {
    throw new AuthError(AuthErrorReason.TokenInvalidClaims, 'the claims are not a JSON object');
  }
  return UnsecuredJWT.decode(encoded, options).payload;
}
