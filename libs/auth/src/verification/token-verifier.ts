import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { IssuerConfig, ResolvedAuthOptions } from '../config/resolved-options.js';
import { rememberIssuerEntry } from '../issuers/issuer-of.js';
import { IssuerSelector } from '../issuers/issuer-selector.js';
import { RevocationCheck } from '../revocation/revocation-check.js';
import { IssuerVerifier, jwtClaimRules } from './issuer-verifier.js';
import { toAuthError } from './jose-errors.js';
import type { KeySourceEvents } from './key-source-events.js';
import { createKeySource, type KeySource } from './key-sources.js';
import { createOpaqueTokenVerifier } from './opaque-token-source.js';
import { isBearerTokenSyntax } from './opaque-token-type.js';
import type { OpaqueTokenVerifier } from './opaque-token-verifier.js';
import { checkTimeWindow } from './time-window.js';
import type { TokenType } from './token-class.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
import { buildVerifiedToken, type VerifiedToken } from './verified-token.js';

export { toAuthError } from './jose-errors.js';
export type { VerifiedToken } from './verified-token.js';

/** What opaque tokens are checked against: the only issuer's rules, or (several issuers) these. */
type OpaqueIssuerRules = Pick<IssuerConfig, 'issuer' | 'audience' | 'requiredClaims' | 'clockSkewInMs' | 'maxTokenAgeInMs' | 'authorization' | 'authorizedParties' | 'getTokenTemplate' | 'scopeClaim'>;

const SEVERAL_ISSUERS_OPAQUE_RULES: OpaqueIssuerRules = {
  issuer: undefined,
  audience: undefined,
  requiredClaims: ['exp', 'sub'],
  clockSkewInMs: 5000,
  maxTokenAgeInMs: undefined,
  authorization: undefined,
  authorizedParties: undefined,
  getTokenTemplate: undefined,
  scopeClaim: undefined,
};

/** Milliseconds since the epoch; injectable so tests control time. */
export type Clock = () => number;

/** What a verifier tells its owner: outages (fixed texts, safe to log) and key-source events. */
export interface TokenVerifierHooks {
  /** Hears the start of each outage of opaque-token verification. */
  onOpaqueFailure?: (message: string) => void;
  /** Hears the start of each outage of the revocation check: hook or store. */
  onRevocationFailure?: (message: string) => void;
  /** Hears `resolveIssuer` failing, timing out or answering options that do not work (naming the option). */
  onIssuerFailure?: (message: string) => void;
  /** Given to every key source this verifier builds. */
  keySourceEvents?: KeySourceEvents;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Verifies tokens for one module instance: size and shape, the issuer entry the token's `iss`
 * selects (with several issuers), then that issuer's jose `jwtVerify` with the pinned algorithms,
 * header rules and claim checks ({@link IssuerVerifier}); opaque tokens through introspection or the
 * hook; revocation for all. One cache for the module, partitioned by issuer. Framework-free.
 *
 * @example
 * const verifier = new TokenVerifier(resolveAuthOptions({ jwksUrl, issuer }));
 * const { claims } = await verifier.verify(token); // throws AuthError
 */
export class TokenVerifier {
  /** The module's verified-token cache (every issuer's partition); null with `cache: false`. */
  readonly cache: VerifiedTokenCache<VerifiedToken> | null;
  private readonly revocation: RevocationCheck;
  /** Opaque tokens (introspection or `verifyOpaqueToken`); null when they are refused outright. */
  readonly opaque: OpaqueTokenVerifier<VerifiedToken> | null;
  /** Picks the issuer entry that verifies a token: the only one, or by the token's `iss`. */
  readonly issuers: IssuerSelector;
  /** The rules opaque tokens meet (the only issuer's, with one). */
  private readonly opaqueRules: OpaqueIssuerRules;

  /**
   * @param keySource the key source of a module with one issuer (default: built from the options);
   *   with several issuers each entry builds its own, and this must be undefined.
   */
  constructor(
    private readonly options: ResolvedAuthOptions,
    keySource?: KeySource,
    private readonly clock: Clock = Date.now,
    hooks: TokenVerifierHooks = {},
  ) {
    this.revocation = new RevocationCheck(options.isRevoked, options.revocationTimeoutInMs, options.revocation, hooks.onRevocationFailure);
    // Each issuer entry caches through its own partition, with its own time rules.
    this.cache = options.cache === false ? null : new VerifiedTokenCache<VerifiedToken>(options.cache, { clockSkewInMs: 0 });
    const finalCheck = (claims: JWTPayload, token: string) => (this.revocation.active ? this.checkRevoked(claims, token) : undefined);
    if (keySource && !options.issuers.single) throw new TypeError('nestjs-warden: a module with several issuers builds a key source per issuer');
    const build = (entry: IssuerConfig) => new IssuerVerifier(entry, keySource ?? createKeySource(entry, hooks.keySourceEvents, clock), clock, this.cache, finalCheck);
    this.issuers = new IssuerSelector(options.issuers, build, clock, hooks.onIssuerFailure);
    this.opaqueRules = options.issuers.single ? options.issuers.entries[0] : SEVERAL_ISSUERS_OPAQUE_RULES;
    const opaqueRules = this.opaqueRules;
    const rules = { clockSkewInMs: opaqueRules.clockSkewInMs, maxTokenAgeInMs: opaqueRules.maxTokenAgeInMs, clock, claims: jwtClaimRules(opaqueRules), toAuthError, onFailure: hooks.onOpaqueFailure };
    this.opaque = options.opaque ? createOpaqueTokenVerifier(options.opaque, rules, (token, type, claims) => this.toVerifiedToken(token, type, claims)) : null;
  }

  /** The key source of a module with one issuer; undefined with several (see {@link onKeySource}). */
  get keySource(): KeySource | undefined {
    return this.options.issuers.single ? this.issuers.fixed[0].keySource : undefined;
  }

  /** `listener` hears of every key source of this verifier: now, and (with `resolveIssuer`) each one made later. */
  onKeySource(listener: (source: KeySource) => void): void {
    this.issuers.onKeySource(listener);
  }

  /** Fetches the keys of every remote key source known now (boot). Never throws. */
  async warmUp(): Promise<void> {
    await Promise.all(this.issuers.fixed.map((verifier) => verifier.keySource.warmUp?.()));
  }

  /**
   * The cached verification of `token` when it can be given at once, without an await: cached, inside
   * its time window, and no `isRevoked` hook to ask (a revocation store answers synchronously and is
   * asked here). Undefined otherwise: then call {@link verify}. Throws {@link AuthError} when the
   * store refuses the token or cannot answer.
   */
  verifyCached(token: string): VerifiedToken | undefined {
    // Stryker disable next-line ConditionalExpression: a value that is not a string is in no cache; the test only saves the lookups.
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
      // Stryker disable next-line ConditionalExpression: a shortcut; with neither hook nor store the check does nothing.
      if (this.revocation.active) await this.checkRevoked(cached.claims, token);
      return cached;
    }
    if (this.opaque && token.length <= this.options.maxTokenBytes && !COMPACT_JWS.test(token)) return this.verifyOpaque(this.opaque, token);
    this.checkShape(token);
    // With several issuers, the unverified iss picks the entry before any key is looked up.
    const selected = this.issuers.select(token);
    const issuer = selected instanceof Promise ? await selected : selected;
    const result = await issuer.verify(token, now);
    if (!this.options.issuers.single) rememberIssuerEntry(result.auth, issuer.options);
    return result;
  }

  /**
   * Checks a verification made earlier again before a stored result is reused (a request or
   * connection that outlives one check): its time window at this verifier's clock, to the
   * millisecond, with its issuer's skew, and revocation (the `isRevoked` hook or the revocation
   * store). Throws {@link AuthError}; synchronous unless an `isRevoked` hook is set.
   */
  recheck(claims: JWTPayload): void | Promise<void> {
    const rules = this.issuers.peek(claims.iss)?.options ?? this.opaqueRules;
    // Claims without exp (an opaque token's may have none) pass: their nbf and iat passed already.
    checkTimeWindow(claims, this.clock(), rules);
    // Stryker disable next-line ConditionalExpression: a shortcut; with neither hook nor store the check does nothing.
    if (this.revocation.active) return this.checkRevoked(claims);
  }

  /** Retires the issuers `resolveIssuer` answered for (module shutdown). */
  close(): void {
    this.issuers.close();
  }

  /** An opaque token: never parsed here, only handed (if it is a bearer token at all) to introspection or the hook. */
  private async verifyOpaque(opaque: OpaqueTokenVerifier<VerifiedToken>, token: string): Promise<VerifiedToken> {
    if (!isBearerTokenSyntax(token)) throw new AuthError(AuthErrorReason.TokenInvalid, 'the token is not a bearer token');
    const result = await opaque.verify(token);
    // Stryker disable next-line ConditionalExpression: a shortcut; with neither hook nor store the check does nothing.
    if (this.revocation.active) await this.checkRevoked(result.claims, token);
    return result;
  }

  /**
   * The final, frozen {@link VerifiedToken} of a token of class `tokenType` whose claims passed the
   * signature (or introspection) and the standard checks, with the module's own rules (see
   * `buildVerifiedToken`). Throws {@link AuthError}; synchronous.
   */
  toVerifiedToken(token: string, tokenType: TokenType, claims: JWTPayload, header?: JWTHeaderParameters): VerifiedToken {
    return buildVerifiedToken(this.opaqueRules, token, tokenType, claims, header);
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

  /** Cheap checks before anything is parsed: size, three base64url parts. */
  private checkShape(token: string): void {
    if (token.length > this.options.maxTokenBytes) {
      throw new AuthError(AuthErrorReason.TokenTooLarge, 'the token is larger than maxTokenBytes');
    }
    if (!COMPACT_JWS.test(token)) {
      throw new AuthError(AuthErrorReason.TokenInvalid, 'the token is not a compact JWS');
    }
  }
}
