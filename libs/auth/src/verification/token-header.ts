import { decodeProtectedHeader, errors, type JWTHeaderParameters, type JWTVerifyGetKey } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { ResolvedKey } from './key-memo.js';

/** Header parameters that point at keys elsewhere: never followed, and a token carrying one is refused. */
const FOREIGN_KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;

type Header = Parameters<JWTVerifyGetKey>[0];

/**
 * The header rules jose leaves to us, checked on the header jose already parsed and before any key
 * is looked up or fetched: the algorithm is one of ours, the token names no key of its own, a `kid`
 * is a string, and it is not a nested token. Throws {@link AuthError}.
 */
export function checkHeader(header: Header, algorithms: readonly string[]): void {
  // Stryker disable next-line ConditionalExpression: a non-string alg is in no list of algorithm names either.
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) {
    throw new AuthError(AuthErrorReason.TokenInvalidAlgorithm, 'the token algorithm is not allowed');
  }
  for (const name of FOREIGN_KEY_HEADERS) {
    if (name in header) throw new AuthError(AuthErrorReason.TokenInvalid, 'the token names its own key; refused');
  }
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw new AuthError(AuthErrorReason.TokenInvalid, 'the token kid is not a string');
  }
  if (typeof header.cty === 'string' && header.cty.toUpperCase() === 'JWT') {
    throw new AuthError(AuthErrorReason.TokenInvalid, 'nested tokens are not accepted');
  }
}

/**
 * The key resolver `jwtVerify` gets: the header rules first, then the key source. Errors of the key
 * source are about the keys, not the token: only "no such key" is the token's fault.
 */
export function keyResolver(key: JWTVerifyGetKey | ResolvedKey, algorithms: readonly string[]): JWTVerifyGetKey {
  if (typeof key !== 'function') {
    return (header) => {
      checkHeader(header, algorithms);
      return key;
    };
  }
  return (header, token) => {
    checkHeader(header, algorithms);
    let found: ReturnType<JWTVerifyGetKey>;
    try {
      found = key(header, token);
    } catch (error) {
      throw keyError(error);
    }
    if (typeof (found as PromiseLike<ResolvedKey>).then !== 'function') return found;
    return Promise.resolve(found).catch((error: unknown) => Promise.reject(keyError(error)));
  };
}

function keyError(error: unknown): AuthError {
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthError(AuthErrorReason.KeyNotFound, 'no key matches the token');
  }
  if (error instanceof errors.JOSENotSupported) {
    return new AuthError(AuthErrorReason.TokenInvalidAlgorithm, 'the token algorithm is not supported');
  }
  if (error instanceof AuthError) return error;
  return new AuthError(AuthErrorReason.KeysUnavailable, 'the signing keys could not be loaded');
}

/**
 * Why jose called a token's structure invalid, for the errors jose reports before any key is asked
 * for: a header that is not a JSON object, or one without a string `alg`. Undefined when neither.
 * Only on the failure path: a valid token's header is decoded by jose alone.
 */
export function headerFault(token: string): AuthError | undefined {
  let header: JWTHeaderParameters;
  try {
    header = decodeProtectedHeader(token) as JWTHeaderParameters;
  } catch {
    return new AuthError(AuthErrorReason.TokenInvalid, 'the token header is not a JSON object');
  }
  if (typeof header.alg !== 'string' || header.alg === '') {
    return new AuthError(AuthErrorReason.TokenInvalidAlgorithm, 'the token algorithm is not allowed');
  }
  return undefined;
}
