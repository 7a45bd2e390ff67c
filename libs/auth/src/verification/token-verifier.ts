import {
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { ResolvedAuthOptions } from '../auth.options.js';
import { readGrants } from '../authorization-grants.js';
import { readSessionFields, type SessionFields } from '../claims.js';
import { createKeySource, type KeySource } from './key-sources.js';

/** A token that passed every check. */
export interface VerifiedToken {
  token: string;
  header: JWTHeaderParameters;
  claims: JWTPayload;
  fields: SessionFields;
}

/** Milliseconds since the epoch; injectable so tests control time. */
export type Clock = () => number;

/** Header parameters that point at keys elsewhere: never followed, and a token carrying one is refused. */
const FOREIGN_KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Verifies tokens for one module instance: size, shape, pinned algorithm, signature, then every claim
 * check, then the claim types. Framework-free.
 *
 * @example
 * const verifier = new TokenVerifier(resolveAuthOptions({ jwksUrl, issuer }));
 * const { claims } = await verifier.verify(token); // throws AuthError
 */
export class TokenVerifier {
  private readonly key: JWTVerifyGetKey | KeySource['key'];
  private readonly algorithms: readonly string[];
  private readonly baseOptions: JWTVerifyOptions;

  constructor(
    private readonly options: ResolvedAuthOptions,
    readonly keySource: KeySource = createKeySource(options),
    private readonly clock: Clock = Date.now,
  ) {
    this.algorithms = keySource.algorithms;
    this.key = typeof keySource.key === 'function' ? guardKeyResolver(keySource.key) : keySource.key;
    this.baseOptions = {
      algorithms: [...this.algorithms],
      issuer: options.issuer,
      audience: options.audience,
      typ: options.typ,
      requiredClaims: options.requiredClaims,
      clockTolerance: options.clockSkewInMs / 1000,
      maxTokenAge: options.maxTokenAgeInMs === undefined ? undefined : options.maxTokenAgeInMs / 1000,
    };
  }

  /** Verifies one token. Throws {@link AuthError} with the reason on any failure. */
  async verify(token: string): Promise<VerifiedToken> {
    const header = this.preflight(token);
    const now = this.clock();
    let verified: { payload: JWTPayload; protectedHeader: JWTHeaderParameters };
    try {
      verified = await jwtVerify(token, this.key as JWTVerifyGetKey, { ...this.baseOptions, currentDate: new Date(now) });
    } catch (error) {
      throw toAuthError(error);
    }
    const claims = verified.payload;
    if (typeof claims.iat === 'number' && claims.iat * 1000 > now + this.options.clockSkewInMs) {
      throw new AuthError(AuthErrorReason.TokenIatInTheFuture, 'the token was issued in the future');
    }
    this.checkAuthorizedParty(claims);
    await this.runClaimsCheck(claims, verified.protectedHeader);
    const fields = readSessionFields(claims);
    if (this.options.authorization) fields.grants = readGrants(this.options.authorization, claims);
    if (this.options.isRevoked && (await this.options.isRevoked(claims)) === true) {
      throw new AuthError(AuthErrorReason.TokenRevoked, 'the token was revoked');
    }
    return { token, header: header, claims, fields };
  }

  /** Cheap checks before any crypto or key lookup: size, shape, header, algorithm. */
  private preflight(token: string): JWTHeaderParameters {
    if (typeof token !== 'string' || token.length === 0) {
      throw new AuthError(AuthErrorReason.TokenMissing, 'no token');
    }
    if (token.length > this.options.maxTokenBytes) {
      throw new AuthError(AuthErrorReason.TokenTooLarge, 'the token is larger than maxTokenBytes');
    }
    if (!COMPACT_JWS.test(token)) {
      throw new AuthError(AuthErrorReason.TokenInvalid, 'the token is not a compact JWS');
    }
    let header: JWTHeaderParameters;
    try {
      header = decodeProtectedHeader(token) as JWTHeaderParameters;
    } catch {
      throw new AuthError(AuthErrorReason.TokenInvalid, 'the token header is not a JSON object');
    }
    if (typeof header.alg !== 'string' || !this.algorithms.includes(header.alg)) {
      throw new AuthError(AuthErrorReason.TokenInvalidAlgorithm, 'the token algorithm is not allowed');
    }
    if (FOREIGN_KEY_HEADERS.some((name) => name in header)) {
      throw new AuthError(AuthErrorReason.TokenInvalid, 'the token names its own key; refused');
    }
    if (header.kid !== undefined && typeof header.kid !== 'string') {
      throw new AuthError(AuthErrorReason.TokenInvalid, 'the token kid is not a string');
    }
    if (typeof header.cty === 'string' && header.cty.toUpperCase() === 'JWT') {
      throw new AuthError(AuthErrorReason.TokenInvalid, 'nested tokens are not accepted');
    }
    return header;
  }

  /** The provider-specific hook (`checkClaims`): a reason refuses, a throw refuses as invalid. */
  private async runClaimsCheck(claims: JWTPayload, header: JWTHeaderParameters): Promise<void> {
    const check = this.options.checkClaims;
    if (!check) return;
    let reason: unknown;
    try {
      reason = await check(claims, header);
    } catch {
      throw new AuthError(AuthErrorReason.TokenInvalid, 'the claims check refused the token');
    }
    if (reason === null || reason === undefined) return;
    const known = Object.values(AuthErrorReason) as unknown[];
    throw new AuthError(known.includes(reason) ? (reason as AuthErrorReason) : AuthErrorReason.TokenInvalidClaims, 'the claims check refused the token');
  }

  private checkAuthorizedParty(claims: JWTPayload): void {
    const parties = this.options.authorizedParties;
    if (!parties) return;
    const azp = (claims as { azp?: unknown }).azp;
    if (typeof azp !== 'string' || !parties.includes(azp)) {
      throw new AuthError(AuthErrorReason.TokenInvalidAuthorizedParty, 'the token azp is not an authorized party');
    }
  }
}

/** Errors from the key resolver are about the keys, not the token: only "no such key" is the token's fault. */
function guardKeyResolver(resolve: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await resolve(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw new AuthError(AuthErrorReason.KeyNotFound, 'no key matches the token');
      }
      if (error instanceof errors.JOSENotSupported) {
        throw new AuthError(AuthErrorReason.TokenInvalidAlgorithm, 'the token algorithm is not supported');
      }
      if (error instanceof AuthError) throw error;
      throw new AuthError(AuthErrorReason.KeysUnavailable, 'the signing keys could not be loaded');
    }
  };
}

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
