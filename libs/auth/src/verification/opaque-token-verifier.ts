import { AuthError, AuthErrorReason, isUnavailable } from '../auth.errors.js';
import { OpaqueTokenCache } from './opaque-token-cache.js';
import { opaqueTokenType, type OpaqueTokenType } from './opaque-token-type.js';
import { refusedFrom, type TimeWindowRules } from './time-window.js';

/**
 * Asks whoever knows (an introspection endpoint, the `verifyOpaqueToken` hook) about one opaque
 * token: its claims while it is valid, null (or undefined) when it is not. A throw means "could not
 * tell" and is answered 503, never as a valid token.
 */
export type OpaqueTokenSource = (token: string, tokenType: OpaqueTokenType) => unknown;

/**
 * Checks the claims a source returned and builds the verification; throws (or rejects with)
 * {@link AuthError} to refuse. An "unavailable" error (the issuer could not be looked up) is not
 * remembered as a refusal.
 */
export type OpaqueTokenAdmission<T> = (claims: Record<string, unknown>, tokenType: OpaqueTokenType, token: string, now: number) => T | Promise<T>;

/** Time rules and bounds of an {@link OpaqueTokenVerifier}; durations in ms. */
export interface OpaqueTokenVerifierSettings {
  /** Give up on a source after this long (real time): 503. */
  timeoutInMs: number;
  /** After a source failed, new tokens are answered 503 for this long without asking it. */
  cooldownInMs: number;
  /** Accepted verdicts are kept until `exp` plus this skew (as for JWTs). */
  clockSkewInMs: number;
  /** When set, an accepted verdict is not kept past `iat` plus this (and the skew): the JWT cache's rule. */
  maxTokenAgeInMs?: number;
  /** Refused verdicts (inactive, expired, wrong claims) are kept this long. */
  refusedTtlInMs: number;
  /** When set, no accepted verdict is kept longer than this, whatever its `exp`. */
  cacheMaxAgeInMs?: number;
  /** Most calls to the source at once (distinct tokens); a new token beyond that gets 503 at once. */
  maxConcurrent: number;
  maxEntries: number;
  maxBytes: number;
  clock: () => number;
  /** The class of a token before it is verified. Default: Clerk's prefixes ({@link opaqueTokenType}). */
  classify?: (token: string) => OpaqueTokenType;
  /**
   * Told when the source starts failing (the first failure after a quiet cooldown window), with a
   * fixed text safe to log: never the token, a secret, a URL or what a hook threw.
   */
  onFailure?: (message: string) => void;
}

/**
 * Verifies opaque tokens through a source, so that the source is asked as little as possible and
 * its outages fail closed:
 * - verdicts are cached: accepted tokens until their `exp` (or `maxTokenAgeInMs` after their `iat`, when
 *   that comes first, as for JWTs), refused ones for `refusedTtlInMs`;
 * - one call per token at a time: concurrent requests with the same new token share one call;
 * - a call that throws, or outlasts `timeoutInMs`, answers `introspection-unavailable` (503) to every
 *   request waiting on it, and starts a cooldown in which new tokens get the same answer at once;
 * - at most `maxConcurrent` calls run at once: another new token gets that answer at once too.
 * Framework-free.
 *
 * @example
 * const opaque = new OpaqueTokenVerifier((token) => client.introspect(token), settings, admit);
 * const verified = await opaque.verify(token); // throws AuthError
 */
export class OpaqueTokenVerifier<T extends object> {
  private readonly cache: OpaqueTokenCache<T>;
  private readonly inFlight = new Map<string, Promise<T>>();
  private failedAt: number | null = null;

  constructor(
    private readonly source: OpaqueTokenSource,
    private readonly settings: OpaqueTokenVerifierSettings,
    private readonly admit: OpaqueTokenAdmission<T>,
    /** The time rules of an accepted verification (its issuer's); default: the settings' own. */
    private readonly timeRulesOf: (verified: T) => TimeWindowRules = () => settings,
  ) {
    this.cache = new OpaqueTokenCache<T>(settings);
  }

  /** The cached verification of `token` when it is accepted and still valid now; undefined otherwise. */
  peek(token: string): T | undefined {
    const verdict = this.cache.get(token, this.settings.clock());
    return verdict && 'verified' in verdict ? verdict.verified : undefined;
  }

  /** Verifies one opaque token: from the cache, by joining a call in flight, or by asking the source. */
  verify(token: string): Promise<T> {
    const now = this.settings.clock();
    const verdict = this.cache.get(token, now);
    if (verdict) return 'verified' in verdict ? Promise.resolve(verdict.verified) : Promise.reject(verdict.error);
    const pending = this.inFlight.get(token);
    if (pending) return pending;
    if (this.coolingDown(now)) return Promise.reject(unavailable('the source failed recently; cooling down'));
    // A flood of distinct new tokens must not become a flood of calls to the authorization server.
    if (this.inFlight.size >= this.settings.maxConcurrent) return Promise.reject(unavailable('too many opaque tokens being verified at once'));
    const call = this.ask(token).finally(() => this.inFlight.delete(token));
    this.inFlight.set(token, call);
    return call;
  }

  /** Milliseconds left in the cooldown after a failure; 0 when none. */
  cooldownRemainingInMs(): number {
    if (this.failedAt === null) return 0;
    return Math.max(0, this.failedAt + this.settings.cooldownInMs - this.settings.clock());
  }

  /** Forgets one token (e.g. after `isRevoked` said yes). */
  delete(token: string): void {
    this.cache.delete(token);
  }

  /** Tokens whose verdict is held now. */
  get size(): { accepted: number; refused: number } {
    return this.cache.size;
  }

  /** Starts a cooldown; reports the failure unless one was reported within the last cooldown. */
  private recordFailure(message: string): void {
    const now = this.settings.clock();
    const report = !this.coolingDown(now);
    this.failedAt = now;
    if (!report) return;
    try {
      this.settings.onFailure?.(message);
    } catch {
      // A failing listener must not turn an outage into something else.
    }
  }

  private coolingDown(now: number): boolean {
    return this.failedAt !== null && now >= this.failedAt && now - this.failedAt < this.settings.cooldownInMs;
  }

  private async ask(token: string): Promise<T> {
    const tokenType = (this.settings.classify ?? opaqueTokenType)(token);
    let answer: unknown;
    try {
      answer = await this.withTimeout(Promise.resolve().then(() => this.source(token, tokenType)));
    } catch (error) {
      const failure = error instanceof AuthError && error.reason === AuthErrorReason.IntrospectionUnavailable ? error : unavailable('verifyOpaqueToken threw');
      this.recordFailure(failure.message);
      throw failure;
    }
    const now = this.settings.clock();
    let verified: T;
    try {
      if (answer === null || answer === undefined) {
        throw new AuthError(AuthErrorReason.TokenInvalid, 'the token is not active');
      }
      if (typeof answer !== 'object' || Array.isArray(answer)) {
        throw new AuthError(AuthErrorReason.TokenInvalidClaims, 'the token claims are not an object');
      }
      verified = await this.admit(answer as Record<string, unknown>, tokenType, token, now);
    } catch (error) {
      // Not a verdict on the token: who would judge it could not be asked (resolveIssuer down).
      if (error instanceof AuthError && isUnavailable(error)) throw error;
      const refusal = error instanceof AuthError ? error : new AuthError(AuthErrorReason.TokenInvalid, 'the token was refused');
      this.cache.refuse(token, refusal, now, now + this.settings.refusedTtlInMs);
      throw refusal;
    }
    this.cache.accept(token, verified, now, this.expiryOf(answer as Record<string, unknown>, now, this.timeRulesOf(verified)), claimsBytes(answer));
    return verified;
  }

  /**
   * When the token stops being valid by the same rule as a cached JWT (`exp`, or `iat` plus
   * `maxTokenAgeInMs`, with the skew), capped by `cacheMaxAgeInMs`; admission already proved `exp`
   * and `iat` have their types.
   */
  private expiryOf(claims: Record<string, unknown>, now: number, rules: TimeWindowRules): number {
    const byClaims = refusedFrom(claims, rules);
    const maxAge = this.settings.cacheMaxAgeInMs;
    return maxAge === undefined ? byClaims : Math.min(byClaims, now + maxAge);
  }

  private withTimeout<V>(work: Promise<V>): Promise<V> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable('opaque token verification timed out')), this.settings.timeoutInMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

function unavailable(message: string): AuthError {
  return new AuthError(AuthErrorReason.IntrospectionUnavailable, message);
}

/** The claims' JSON length, for the cache's byte bound; claims that cannot be serialised count as large. */
function claimsBytes(claims: unknown): number {
  try {
    return JSON.stringify(claims).length;
  } catch {
    return 64 * 1024;
  }
}
