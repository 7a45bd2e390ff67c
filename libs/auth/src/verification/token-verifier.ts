import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { IssuerConfig, ResolvedAuthOptions } from '../config/resolved-options.js';
import { IssuerSelector } from '../issuers/issuer-selector.js';
import { RevocationCheck } from '../revocation/revocation-check.js';
import { recheckVerification } from './recheck-verification.js';
import { RevocationGate } from './revocation-gate.js';
import { IssuerVerifier } from './issuer-verifier.js';
import { toAuthError } from './jose-errors.js';
import type { KeySourceEvents } from './key-source-events.js';
import { createKeySource, type KeySource } from './key-sources.js';
import { createOpaqueTokenVerifier } from './opaque-token-source.js';
import { isBearerTokenSyntax } from './opaque-token-type.js';
import type { OpaqueTokenVerifier } from './opaque-token-verifier.js';
import { COMPACT_JWE, TokenDecrypter } from './token-decryption.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
import { buildVerifiedToken, type VerifiedToken } from './verified-token.js';
import { signedOutVerification, verifiedVerification, type TokenOrigin, type Verification } from './verification.js';

export { toAuthError } from './jose-errors.js';
export type { VerifiedToken } from './verified-token.js';

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
 * Verifies tokens for one module instance, along one path whatever the token: size and shape, the
 * cache (one probe), the issuer entry the token's `iss` selects (several issuers; for an opaque token,
 * the `iss` its introspection answer names), that issuer's jose `jwtVerify` with the pinned
 * algorithms, header rules and claim checks ({@link IssuerVerifier}) or introspection, the class,
 * then revocation. Its answer is a {@link Verification}. One cache for the module, partitioned by
 * issuer. Framework-free.
 *
 * @example
 * const verifier = new TokenVerifier(resolveAuthOptions({ jwksUrl, issuer }));
 * const v = await verifier.authenticate(token, 'header'); // never throws
 * if (v.auth.isAuthenticated) console.log(v.tokenType, v.issuer?.issuer);
 */
export class TokenVerifier {
  /** The module's verified-token cache (every issuer's partition); null with `cache: false`. */
  readonly cache: VerifiedTokenCache<VerifiedToken> | null;
  private readonly revocation: RevocationGate;
  /** Opaque tokens (introspection or `verifyOpaqueToken`); null when they are refused outright. */
  readonly opaque: OpaqueTokenVerifier<VerifiedToken> | null;
  /** Picks the issuer entry that verifies a token: the only one, or by the token's `iss`. */
  readonly issuers: IssuerSelector;
  /** Opens encrypted tokens (JWE); null when the module expects none. */
  private readonly decrypter: TokenDecrypter | null;

  /**
   * @param keySource the key source of a module with one issuer (default: built from its options);
   *   with several issuers each entry builds its own, and this must be undefined.
   */
  constructor(
    private readonly options: ResolvedAuthOptions,
    keySource?: KeySource,
    private readonly clock: Clock = Date.now,
    hooks: TokenVerifierHooks = {},
  ) {
    const check = new RevocationCheck(options.isRevoked, options.revocationTimeoutInMs, options.revocation, hooks.onRevocationFailure);
    this.revocation = new RevocationGate(check, (token) => {
      this.cache?.delete(token);
      this.opaque?.delete(token);
    });
    // Each issuer entry caches through its own partition, with its own time rules.
    this.cache = options.cache === false ? null : new VerifiedTokenCache<VerifiedToken>(options.cache, { clockSkewInMs: 0 });
    const finalCheck = (claims: JWTPayload, token: string) => (this.revocation.active ? this.revocation.ask(claims, token) : undefined);
    if (keySource && !options.issuers.single) throw new TypeError('nestjs-warden: a module with several issuers builds a key source per issuer');
    const build = (entry: IssuerConfig) =>
      new IssuerVerifier(entry, keySource ?? createKeySource(entry, hooks.keySourceEvents, clock), clock, this.cache, finalCheck);
    this.issuers = new IssuerSelector(options.issuers, build, clock, hooks.onIssuerFailure);
    this.decrypter = options.decryption ? new TokenDecrypter(options.decryption) : null;
    this.opaque = options.opaque
      ? createOpaqueTokenVerifier(options.opaque, {
          clock,
          issuerFor: (iss) => this.opaqueIssuer(iss),
          toAuthError,
          build: (token, tokenType, claims, issuer) => buildVerifiedToken(issuer, token, tokenType, claims),
          onFailure: hooks.onOpaqueFailure,
        })
      : null;
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
    await Promise.all(this.issuers.fixed.map((verifier) => verifier.keySource.warmUp?.() ?? Promise.resolve()));
  }

  /**
   * The {@link Verification} of one request's token, found at `source`: never throws. Synchronous
   * when the cache answers and revocation can be told at once (no `isRevoked` hook to wait for); a
   * token not cached is probed once, then verified in full.
   */
  authenticate(token: string | null | undefined, source: TokenOrigin | null = 'header'): Verification | Promise<Verification> {
    if (typeof token !== 'string' || token.length === 0) return signedOutVerification(new AuthError(AuthErrorReason.TokenMissing, 'no token'), false);
    const refused = (error: unknown) => signedOutVerification(toAuthError(error), true, { token, source });
    let cached: VerifiedToken | undefined;
    let pending: void | Promise<void>;
    try {
      cached = this.probe(token);
      pending = cached && this.revocation.active ? this.revocation.ask(cached.claims, token) : undefined;
    } catch (error) {
      return refused(error);
    }
    if (cached) {
      const hit = source === null ? verifiedVerification(cached, source, true) : (cached.hits[source] ??= verifiedVerification(cached, source, true));
      return pending ? pending.then(() => hit, refused) : hit;
    }
    return this.verifyUncached(token).then((verified) => verifiedVerification(verified, source, false), refused);
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
    const cached = this.probe(token);
    // A store answers synchronously (a hook would have made `synchronous` false): nothing to await.
    if (cached !== undefined && this.revocation.active) void this.revocation.ask(cached.claims, token);
    return cached;
  }

  /**
   * Verifies one token and returns what it is, whatever routes will make of it. Throws
   * {@link AuthError} with the reason on any failure. A token verified before is answered from the
   * cache while it is within its time window; revocation is asked every time.
   */
  async verify(token: string): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0) {
      throw new AuthError(AuthErrorReason.TokenMissing, 'no token');
    }
    const cached = this.probe(token);
    if (cached === undefined) return this.verifyUncached(token);
    // Stryker disable next-line ConditionalExpression: a shortcut; with neither hook nor store the check does nothing.
    if (this.revocation.active) await this.revocation.ask(cached.claims, token);
    return cached;
  }

  /**
   * Checks a verification made earlier (stored on a request or connection that outlives one check)
   * again, exactly as far as a new request with the same token would be (see `recheckVerification`).
   * Never throws; synchronous unless an `isRevoked` hook or `resolveIssuer` has to be asked.
   */
  recheck(stored: Verification): Verification | Promise<Verification> {
    return recheckVerification(stored, {
      now: this.clock(),
      stillTrusted: (v) => this.stillTrusted(v),
      revocation: this.revocation,
      authenticate: (token, source) => this.authenticate(token, source),
    });
  }

  /** Retires the issuers `resolveIssuer` answered for (module shutdown). */
  close(): void {
    this.issuers.close();
  }

  /**
   * Whether a stored verification's issuer is still trusted: undefined when nothing can have changed
   * (no `resolveIssuer`, or a verification made by a guard subclass without an issuer), else the
   * verifier the token's `iss` selects now (an entry of `issuers` selects itself, which recheck keeps
   * as unchanged). Throws {@link AuthError} when it selects none.
   */
  private stillTrusted(stored: Verification): IssuerVerifier | Promise<IssuerVerifier> | undefined {
    const iss = stored.claims?.iss;
    if (this.options.issuers.single || !this.options.issuers.resolve || stored.issuer === null || typeof iss !== 'string') return undefined;
    return this.issuers.forIssuer(iss);
  }

  /** The cached verification of `token`, inside its time window now; undefined when none. */
  private probe(token: string): VerifiedToken | undefined {
    return this.cache?.get(token, this.clock()) ?? this.opaque?.peek(token);
  }

  /** Verifies a token the cache does not hold: opaque tokens through introspection or the hook, JWTs through their issuer's verifier. */
  private async verifyUncached(token: string): Promise<VerifiedToken> {
    const encrypted = this.decrypter !== null && COMPACT_JWE.test(token);
    if (this.opaque && token.length <= this.options.maxTokenBytes && !encrypted && !COMPACT_JWS.test(token)) return this.verifyOpaque(this.opaque, token);
    this.checkShape(token, encrypted);
    // An encrypted token is opened first; what it holds is verified as a signed token, and the sent one is what is kept.
    const signed = encrypted ? await this.decrypter.decrypt(token) : token;
    // With several issuers, the unverified iss picks the entry before any key is looked up.
    const selected = this.issuers.select(signed);
    const issuer = selected instanceof Promise ? await selected : selected;
    return issuer.verify(signed, this.clock(), token);
  }

  /** An opaque token: never parsed here, only handed (if it is a bearer token at all) to introspection or the hook. */
  private async verifyOpaque(opaque: OpaqueTokenVerifier<VerifiedToken>, token: string): Promise<VerifiedToken> {
    if (!isBearerTokenSyntax(token)) throw new AuthError(AuthErrorReason.TokenInvalid, 'the token is not a bearer token');
    const result = await opaque.verify(token);
    // Stryker disable next-line ConditionalExpression: a shortcut; with neither hook nor store the check does nothing.
    if (this.revocation.active) await this.revocation.ask(result.claims, token);
    return result;
  }

  /** The issuer entry an opaque token's answer names (a module with one issuer: that one). */
  private opaqueIssuer(iss: unknown): IssuerConfig | Promise<IssuerConfig> {
    if (this.options.issuers.single) return this.options.issuers.entries[0];
    if (typeof iss !== 'string') throw new AuthError(AuthErrorReason.TokenInvalidIssuer, 'the answer for the opaque token names no issuer');
    const selected = this.issuers.forIssuer(iss);
    return selected instanceof Promise ? selected.then((verifier) => verifier.options) : selected.options;
  }

  /** Cheap checks before anything is parsed: size, three base64url parts (five for an encrypted token the module expects). */
  private checkShape(token: string, encrypted: boolean): void {
    if (token.length > this.options.maxTokenBytes) {
      throw new AuthError(AuthErrorReason.TokenTooLarge, 'the token is larger than maxTokenBytes');
    }
    if (encrypted) return;
    if (!COMPACT_JWS.test(token)) {
      throw new AuthError(AuthErrorReason.TokenInvalid, 'the token is not a compact JWS');
    }
    if (this.decrypter?.required) throw new AuthError(AuthErrorReason.TokenNotEncrypted, 'the token is not encrypted (decryption.required)');
  }
}
