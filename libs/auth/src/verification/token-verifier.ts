import {
  errors,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { signedInAuthObject, type SignedInAuthObject } from '../auth-object/auth-object.js';
import { machineAuthObject, type MachineAuthObject } from '../auth-object/machine-auth-object.js';
import { readScopes } from '../auth-object/scopes.js';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { ResolvedAuthOptions } from '../auth.options.js';
import { readGrants } from '../auth-object/authorization-grants.js';
import { readSessionFields, type SessionFields } from '../auth-object/claims.js';
import { RevocationCheck } from '../revocation/revocation-check.js';
import { deepFreeze } from './deep-freeze.js';
import { createKeySource, type KeySource } from './key-sources.js';
import { thumbprintOf } from './key-thumbprint.js';
import { createOpaqueTokenVerifier } from './opaque-token-source.js';
import { isBearerTokenSyntax } from './opaque-token-type.js';
import type { OpaqueTokenVerifier } from './opaque-token-verifier.js';
import { jwtVerifyNoticingReplacedKeys } from './replaced-key-retry.js';
import { classifyToken, defaultTokenClass, type TokenType } from './token-class.js';
import { headerFault, keyResolver } from './token-header.js';
import { checkTimeWindow, joseClockTolerance } from './time-window.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/**
 * A token that passed every check, with its class and the signed-in auth object made from it.
 * Frozen: the same object serves every request carrying the token while it is cached.
 */
export interface VerifiedToken {
  token: string;
  /** Decides which auth object was built and which routes accept the token. */
  tokenType: TokenType;
  /** The JWS protected header; absent for a token verified without one (an opaque token). */
  header?: JWTHeaderParameters;
  claims: JWTPayload;
  /** The session fields; null for machine tokens. */
  fields: SessionFields | null;
  auth: SignedInAuthObject | MachineAuthObject;
}

/** Milliseconds since the epoch; injectable so tests control time. */
export type Clock = () => number;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Verifies tokens for one module instance: size and shape, then jose's `jwtVerify` with the pinned
 * algorithms, the header rules (before any key is looked up) and every claim check, then the claim
 * types. Framework-free.
 *
 * @example
 * const verifier = new TokenVerifier(resolveAuthOptions({ jwksUrl, issuer }));
 * const { claims } = await verifier.verify(token); // throws AuthError
 */
export class TokenVerifier {
  private readonly key: JWTVerifyGetKey;
  private readonly baseOptions: JWTVerifyOptions;
  /** Null with `cache: false`. */
  readonly cache: VerifiedTokenCache<VerifiedToken> | null;
  private readonly revocation: RevocationCheck;
  /** Opaque tokens (introspection or `verifyOpaqueToken`); null when they are refused outright. */
  readonly opaque: OpaqueTokenVerifier<VerifiedToken> | null;

  constructor(
    private readonly options: ResolvedAuthOptions,
    readonly keySource: KeySource = createKeySource(options),
    private readonly clock: Clock = Date.now,
    /** Hears the start of each outage of opaque-token verification (a fixed text, safe to log). */
    onOpaqueFailure?: (message: string) => void,
    /** Hears the start of each outage of the revocation check: hook or store (a fixed text, safe to log). */
    onRevocationFailure?: (message: string) => void,
  ) {
    this.key = keyResolver(keySource.key, keySource.algorithms);
    this.revocation = new RevocationCheck(options.isRevoked, options.revocationTimeoutInMs, options.revocation, onRevocationFailure);
    this.baseOptions = {
      algorithms: [...keySource.algorithms],
      issuer: options.issuer,
      audience: options.audience,
      typ: options.typ,
      requiredClaims: options.requiredClaims,
      // Wider than the skew: jose rounds to seconds; checkTimeWindow draws the exact boundaries.
      clockTolerance: joseClockTolerance(options.clockSkewInMs),
      maxTokenAge: options.maxTokenAgeInMs === undefined ? undefined : options.maxTokenAgeInMs / 1000,
    };
    // Remote key sets: no entry outlives the freshness of the keys it was verified with.
    const fetchedAt = keySource.keysFetchedAt?.bind(keySource);
    const keysDueAt = fetchedAt && (() => (fetchedAt() ?? -Infinity) + options.jwksCacheMaxAgeInMs);
    this.cache = options.cache === false ? null : new VerifiedTokenCache<VerifiedToken>(options.cache, { ...options, keysDueAt });
    const cache = this.cache;
    if (cache) keySource.onKeysChanged?.((thumbprints) => cache.evictKeysNotIn(thumbprints));
    const { issuer, audience, requiredClaims, clockTolerance, maxTokenAge } = this.baseOptions;
    const rules = { clockSkewInMs: options.clockSkewInMs, maxTokenAgeInMs: options.maxTokenAgeInMs, clock, claims: { issuer, audience, requiredClaims, clockTolerance, maxTokenAge }, toAuthError, onFailure: onOpaqueFailure };
    this.opaque = options.opaque ? createOpaqueTokenVerifier(options.opaque, rules, (token, type, claims) => this.toVerifiedToken(token, type, claims)) : null;
  }

  /**
   * The cached verification of `token` when it can be given at once, without an await: cached, inside
   * its time window, and no `isRevoked` hook to ask (a revocation store answers synchronously and is
   * asked here). Undefined otherwise: then call {@link verify}. Throws {@link AuthError} when the
   * store refuses the token or cannot answer.
   */
  verifyCached(token: string): VerifiedToken | undefined {
    if (!this.revocation.synchronous || typeof token !== 'string') return undefined;
    const cached = this.cache?.get(token, this.clock()) ?? this.opaque?.peek(token);
    if (cached !== undefined && this.revocation.active) this.checkRevoked(cached.claims, token);
    return cached;
  }

  /**
   * Verifies one token. Throws {@link AuthError} with the reason on any failure. A token verified
   * before is answered from the cache while it is within its time window; `isRevoked` is asked
   * every time.
   */
  async verify(token: string): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0) {
      throw new AuthError(AuthErrorReason.TokenMissing, 'no token');
    }
    const now = this.clock();
    const cached = this.cache?.get(token, now);
    if (cached !== undefined) {
      if (this.revocation.active) await this.checkRevoked(cached.claims, token);
      return cached;
    }
    if (this.opaque && token.length <= this.options.maxTokenBytes && !COMPACT_JWS.test(token)) return this.verifyOpaque(this.opaque, token);
    const generation = this.cache?.generation ?? 0;
    this.checkShape(token);
    let verified: { payload: JWTPayload; protectedHeader: JWTHeaderParameters; key?: unknown };
    try {
      // jose reads the real clock itself; only an injected one needs passing (and a Date made).
      const options = this.clock === Date.now ? this.baseOptions : { ...this.baseOptions, currentDate: new Date(now) };
      verified = await jwtVerifyNoticingReplacedKeys(token, this.key, options, this.keySource);
    } catch (error) {
      throw (error instanceof errors.JWSInvalid && headerFault(token)) || toAuthError(error);
    }
    const claims = verified.payload;
    checkTimeWindow(claims, now, this.options);
    const tokenType = classifyToken(this.options.classifyToken ?? defaultTokenClass, verified.protectedHeader, claims);
    const result = this.toVerifiedToken(token, tokenType, claims, verified.protectedHeader);
    if (this.options.checkClaims) await this.runClaimsCheck(this.options.checkClaims, claims, verified.protectedHeader);
    if (this.revocation.active) await this.checkRevoked(claims, token);
    this.cache?.set(result, now, generation, thumbprintOf(verified.key));
    return result;
  }

  /**
   * Checks a verification made earlier again before a stored result is reused (a request or
   * connection that outlives one check): its time window at this verifier's clock, to the
   * millisecond, and revocation (the `isRevoked` hook or the revocation store). Throws
   * {@link AuthError}; synchronous unless an `isRevoked` hook is set.
   */
  recheck(claims: JWTPayload): void | Promise<void> {
    if (typeof claims.exp === 'number') checkTimeWindow(claims, this.clock(), this.options);
    if (this.revocation.active) return this.checkRevoked(claims);
  }

  /** An opaque token: never parsed here, only handed (if it is a bearer token at all) to introspection or the hook. */
  private async verifyOpaque(opaque: OpaqueTokenVerifier<VerifiedToken>, token: string): Promise<VerifiedToken> {
    if (!isBearerTokenSyntax(token)) throw new AuthError(AuthErrorReason.TokenInvalid, 'the token is not a bearer token');
    const result = await opaque.verify(token);
    if (this.revocation.active) await this.checkRevoked(result.claims, token);
    return result;
  }

  /**
   * Turns the claims of a token whose signature (or introspection) and standard claim checks passed
   * into the final, frozen {@link VerifiedToken} of its class: the class's own checks (`azp` for
   * sessions), the typed fields and the auth object. The one place that builds results, for every
   * way of verifying a token (a JWS here, an opaque token elsewhere). Throws {@link AuthError};
   * synchronous. `claims` are frozen in place.
   */
  toVerifiedToken(token: string, tokenType: TokenType, claims: JWTPayload, header?: JWTHeaderParameters): VerifiedToken {
    const grants = this.options.authorization ? readGrants(this.options.authorization, claims) : undefined;
    if (tokenType !== 'session_token') {
      const auth = machineAuthObject(tokenType, claims, token, grants);
      return deepFreeze({ token, tokenType, header, claims, fields: null, auth });
    }
    this.checkAuthorizedParty(claims);
    const fields = readSessionFields(claims);
    if (grants) fields.grants = grants;
    fields.scopes = readScopes(claims, tokenType);
    const auth = signedInAuthObject(claims, fields, token, this.options.getTokenTemplate);
    return deepFreeze({ token, tokenType, header, claims, fields, auth });
  }

  /**
   * Any truthy answer refuses (and forgets the cached verdict of `token`, when given); a failed
   * check is revocation-unavailable. Synchronous unless an `isRevoked` hook is set.
   */
  private checkRevoked(claims: JWTPayload, token?: string): void | Promise<void> {
    let pending: void | Promise<void>;
    try {
      pending = this.revocation.check(claims);
    } catch (error) {
      throw this.forgetIfRevoked(error, token);
    }
    if (pending) return pending.catch((error: unknown) => Promise.reject(this.forgetIfRevoked(error, token)));
  }

  private forgetIfRevoked(error: unknown, token: string | undefined): unknown {
    if (token !== undefined && error instanceof AuthError && error.reason === AuthErrorReason.TokenRevoked) {
      this.cache?.delete(token);
      this.opaque?.delete(token);
    }
    return error;
  }

  /** Cheap checks before jose parses anything: size, three base64url parts. */
  private checkShape(token: string): void {
    if (token.length > this.options.maxTokenBytes) {
      throw new AuthError(AuthErrorReason.TokenTooLarge, 'the token is larger than maxTokenBytes');
    }
    if (!COMPACT_JWS.test(token)) {
      throw new AuthError(AuthErrorReason.TokenInvalid, 'the token is not a compact JWS');
    }
  }

  /** The provider-specific hook (`checkClaims`): a reason refuses, a throw refuses as invalid. */
  private async runClaimsCheck(
    check: NonNullable<ResolvedAuthOptions['checkClaims']>,
    claims: JWTPayload,
    header: JWTHeaderParameters,
  ): Promise<void> {
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
