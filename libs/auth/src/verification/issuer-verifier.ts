import { errors, type JWTHeaderParameters, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { ClaimsCheck } from '../config/auth-options.js';
import type { IssuerConfig } from '../config/resolved-options.js';
import { toAuthError } from './jose-errors.js';
import type { KeySource } from './key-sources.js';
import { thumbprintOf } from './key-thumbprint.js';
import { jwtVerifyNoticingReplacedKeys } from './replaced-key-retry.js';
import { checkTimeWindow, joseClockTolerance } from './time-window.js';
import { classifyToken, defaultTokenClass } from './token-class.js';
import { headerFault, keyResolver } from './token-header.js';
import type { VerifiedTokenCache } from './verified-token-cache.js';
import { buildVerifiedToken, type VerifiedToken } from './verified-token.js';

/** Asked about every token that passed the issuer's checks, before it is cached (revocation). */
export type FinalCheck = (claims: JWTPayload, token: string) => void | Promise<void>;

/**
 * Verifies compact JWS tokens for one issuer: its key source, its pinned algorithms, its claim rules
 * and its partition of the verified-token cache. A module with several issuers has one per issuer;
 * only tokens whose `iss` selected this issuer ever reach it. Framework-free.
 */
export class IssuerVerifier {
  private readonly key: JWTVerifyGetKey;
  private readonly baseOptions: JWTVerifyOptions;
  /** This issuer's partition of the module's cache; null with `cache: false`. */
  readonly cache: VerifiedTokenCache<VerifiedToken> | null;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    readonly options: IssuerConfig,
    readonly keySource: KeySource,
    private readonly clock: () => number,
    cache: VerifiedTokenCache<VerifiedToken> | null,
    private readonly finalCheck: FinalCheck,
  ) {
    this.key = keyResolver(keySource.key, keySource.algorithms);
    this.baseOptions = { algorithms: [...keySource.algorithms], typ: options.typ, ...jwtClaimRules(options) };
    // Remote key sets: no entry outlives the freshness of the keys it was verified with.
    const fetchedAt = keySource.keysFetchedAt?.bind(keySource);
    const keysDueAt = fetchedAt && (() => (fetchedAt() ?? -Infinity) + options.jwksCacheMaxAgeInMs);
    const partition = cache?.partition({ ...options, keysDueAt }) ?? null;
    this.cache = partition;
    this.unsubscribe = partition ? keySource.onKeysChanged?.((thumbprints) => partition.evictKeysNotIn(thumbprints)) : undefined;
  }

  /**
   * Verifies a compact JWS of the right size and shape at `now`: jose's `jwtVerify` with the pinned
   * algorithms (the header rules run before any key is looked up), the exact time window, the class,
   * the result, `checkClaims`, then the final check; a success is offered to the cache. `presented`
   * is the token as the request sent it, when that differs (an encrypted token whose content `token`
   * is): the result, the cache and `getToken()` hold it. Throws {@link AuthError}.
   */
  async verify(token: string, now: number, presented: string = token): Promise<VerifiedToken> {
    const generation = this.cache?.generation ?? 0;
    let verified: { payload: JWTPayload; protectedHeader: JWTHeaderParameters; key?: unknown };
    try {
      // jose reads the real clock itself; only an injected one needs passing (and a Date made).
      // Stryker disable next-line ConditionalExpression: a shortcut; with the real clock, currentDate would be the same instant.
      const options = this.clock === Date.now ? this.baseOptions : { ...this.baseOptions, currentDate: new Date(now) };
      verified = await jwtVerifyNoticingReplacedKeys(token, this.key, options, this.keySource);
    } catch (error) {
      throw (error instanceof errors.JWSInvalid && headerFault(token)) || this.withRetryHint(toAuthError(error));
    }
    const { payload: claims, protectedHeader } = verified;
    checkTimeWindow(claims, now, this.options);
    const tokenType = classifyToken(this.options.classifyToken ?? defaultTokenClass, protectedHeader, claims);
    const result = buildVerifiedToken(this.options, presented, tokenType, claims, protectedHeader);
    if (this.options.checkClaims) await runClaimsCheck(this.options.checkClaims, claims, protectedHeader);
    const pending = this.finalCheck(claims, presented);
    // Stryker disable next-line ConditionalExpression: awaiting undefined ends the same way; the test only saves a tick.
    if (pending) await pending;
    this.cache?.set(result, now, generation, thumbprintOf(verified.key));
    return result;
  }

  /** Keys this issuer cannot have now are worth asking for again after its key-source cooldown: the 503's `Retry-After`. */
  private withRetryHint(error: AuthError): AuthError {
    if (error.reason !== AuthErrorReason.KeysUnavailable || error.retryAfterSeconds !== undefined) return error;
    return new AuthError(error.reason, error.message, this.options.jwksCooldownInMs / 1000);
  }

  /**
   * Stops using this issuer: its cached tokens are dropped (a verification still in flight is not
   * stored: the partition's generation moved), and its key source stops feeding the cache.
   */
  retire(): void {
    this.unsubscribe?.();
    this.cache?.clear();
  }
}

/** The claim rules jose checks for `options`: also the rules opaque tokens' claims must meet. */
export function jwtClaimRules(
  options: Pick<IssuerConfig, 'issuer' | 'audience' | 'requiredClaims' | 'clockSkewInMs' | 'maxTokenAgeInMs'>,
): Pick<JWTVerifyOptions, 'issuer' | 'audience' | 'requiredClaims' | 'clockTolerance' | 'maxTokenAge'> {
  return {
    issuer: options.issuer,
    audience: options.audience,
    requiredClaims: options.requiredClaims,
    // Wider than the skew: jose rounds to seconds; checkTimeWindow draws the exact boundaries.
    clockTolerance: joseClockTolerance(options.clockSkewInMs),
    maxTokenAge: options.maxTokenAgeInMs === undefined ? undefined : options.maxTokenAgeInMs / 1000,
  };
}

/** The provider-specific hook (`checkClaims`): a reason refuses, a throw refuses as invalid. */
async function runClaimsCheck(check: ClaimsCheck, claims: JWTPayload, header: JWTHeaderParameters): Promise<void> {
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
