import { createLocalJWKSet, errors, type JWK, type JWTVerifyGetKey } from 'jose';
import { fetchJson, KeyFetchError, type FetchLimits, type KeyFetchProblem } from './fetch-json.js';
import { readJwksDocument } from './jwks-document.js';
import { MemoizedKeys, type ResolvedKey } from './key-memo.js';
import { thumbprintsOf } from './key-thumbprint.js';
import type { KeySourceError } from './key-source-events.js';
import { discoverJwksUri } from './oidc-discovery.js';

/** Where the keys are: a JWKS URL, or an issuer whose discovery document names it. */
export type RemoteJwksLocation = { jwksUrl: URL } | { issuer: string };

/** Behaviour of a {@link RemoteJwks}; every duration is in ms of `clock`, except the real-time timeout. */
export interface RemoteJwksOptions extends FetchLimits {
  /** At most one fetch per this window, counted from the end of the previous one, failed or not. */
  cooldownInMs: number;
  /** Keys older than this are refetched on the next request (cooldown permitting). */
  cacheMaxAgeInMs: number;
  /** After `cacheMaxAgeInMs`, keys keep serving this long while refetches fail; then fail closed. */
  staleIfErrorInMs: number;
  clock: () => number;
  /** Runs after every failed fetch (at most once per cooldown); must not throw. */
  onError?: (error: KeySourceError) => void;
}

interface CachedSet {
  keys: JWK[];
  /** RFC 7638 thumbprints of the keys: what cached verifications are tied to. */
  thumbprints: ReadonlySet<string>;
  fingerprint: string;
  resolver: MemoizedKeys;
  fetchedAt: number;
}

/**
 * A remote JWKS that holds under faults: one fetch in flight at a time; a timeout and a byte cap on
 * every fetch; an unknown `kid` refetches at most once per cooldown, which also starts after a failed
 * fetch; cached keys serve through an outage for a bounded stale window, then it fails closed.
 * Framework-free.
 *
 * @example
 * const jwks = new RemoteJwks({ jwksUrl: new URL(url) }, { timeoutInMs: 5000, maxBytes: 524288,
 *   cooldownInMs: 30000, cacheMaxAgeInMs: 600000, staleIfErrorInMs: 3600000, clock: Date.now });
 * await jwtVerify(token, jwks.getKey, { algorithms: ['RS256'] });
 */
export class RemoteJwks {
  private current: CachedSet | null = null;
  private inFlight: Promise<void> | null = null;
  private lastAttemptEndedAt: number | null = null;
  private lastError: KeyFetchError | null = null;
  private jwksUrl: URL | null;
  private readonly listeners = new Set<(thumbprints: ReadonlySet<string>) => void>();
  private readonly fetchListeners = new Set<(problem: KeyFetchProblem | null) => void>();

  constructor(
    private readonly location: RemoteJwksLocation,
    private readonly options: RemoteJwksOptions,
  ) {
    this.jwksUrl = 'jwksUrl' in location ? location.jwksUrl : null;
  }

  /**
   * The key resolver for `jwtVerify`. Throws jose's `JWKSNoMatchingKey`, or {@link KeyFetchError}.
   * While the keys are fresh, a key found before is returned at once, without an await.
   */
  readonly getKey: JWTVerifyGetKey = (header, token) => {
    const current = this.current;
    if (current !== null && this.isFresh(current)) {
      const known = current.resolver.peek(header);
      if (known !== undefined) return known;
    }
    return this.findKey(header, token);
  };

  private async findKey(...[header, token]: Parameters<JWTVerifyGetKey>): Promise<ResolvedKey> {
    const resolver = await this.usableSet();
    try {
      return await resolver.resolve(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.mayFetch()) throw error;
      // A new kid may mean a rotation: look once, then answer with whatever keys we have.
      await this.refresh();
      return (this.current?.resolver ?? resolver).resolve(header, token);
    }
  }

  /** Fetches the keys now unless the cooldown forbids it. Never throws. */
  async warmUp(): Promise<void> {
    if (this.mayFetch()) await this.refresh();
  }

  /**
   * A key of the set refused a token's signature: the issuer may have replaced the key behind its
   * `kid`. Fetches again unless the cooldown forbids it (so forged tokens cannot make it fetch more
   * than an unknown `kid` can), and resolves true when the set changed. Never throws.
   */
  async refreshAfterSignatureMismatch(): Promise<boolean> {
    if (!this.mayFetch()) return false;
    const before = this.current;
    await this.refresh();
    return this.current !== null && this.current !== before;
  }

  /** When the keys in use were last fetched (or confirmed unchanged), on the clock; null before any. */
  get fetchedAt(): number | null {
    return this.current?.fetchedAt ?? null;
  }

  /**
   * Runs `listener` with the RFC 7638 thumbprints of the keys now in the set after every refresh that
   * changed it. Thumbprints, not `kid`s: a key replaced under the same `kid` is a different key.
   */
  onKeysChanged(listener: (thumbprints: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `listener` after every fetch of the keys: with null when it succeeded, else its problem. */
  onFetch(listener: (problem: KeyFetchProblem | null) => void): () => void {
    this.fetchListeners.add(listener);
    return () => this.fetchListeners.delete(listener);
  }

  private async usableSet(): Promise<MemoizedKeys> {
    const stale = this.current === null || !this.isFresh(this.current);
    if (stale && this.mayFetch()) await this.refresh();
    const cached = this.current;
    if (cached && this.options.clock() - cached.fetchedAt < this.options.cacheMaxAgeInMs + this.options.staleIfErrorInMs) {
      return cached.resolver;
    }
    if (cached) this.replace(null);
    // No error yet: the last fetch worked, but its keys outlived the stale window before the cooldown allowed another.
    throw this.lastError ?? new KeyFetchError('network', 'the keys expired and the cooldown allows no fetch yet');
  }

  /** Younger than `cacheMaxAgeInMs`: no refresh due. */
  private isFresh(set: CachedSet): boolean {
    return this.options.clock() - set.fetchedAt < this.options.cacheMaxAgeInMs;
  }

  /** True when a fetch is in flight (join it) or the cooldown since the last one has passed. */
  private mayFetch(): boolean {
    if (this.inFlight) return true;
    return this.lastAttemptEndedAt === null || this.options.clock() - this.lastAttemptEndedAt >= this.options.cooldownInMs;
  }

  /** One fetch in flight at a time; every caller awaits the same one. Never throws. */
  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => {
      this.lastAttemptEndedAt = this.options.clock();
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    try {
      this.jwksUrl ??= await discoverJwksUri((this.location as { issuer: string }).issuer, this.options);
      const keys = readJwksDocument(await fetchJson(this.jwksUrl, this.options, 'application/jwk-set+json, application/json'));
      this.lastError = null;
      this.notifyFetch(null);
      const fingerprint = JSON.stringify(keys);
      if (this.current?.fingerprint === fingerprint) {
        this.current.fetchedAt = this.options.clock();
        return;
      }
      const thumbprints = await thumbprintsOf(keys);
      this.replace({ keys, thumbprints, fingerprint, resolver: new MemoizedKeys(createLocalJWKSet({ keys })), fetchedAt: this.options.clock() });
    } catch (error) {
      this.lastError = error instanceof KeyFetchError ? error : new KeyFetchError('network');
      this.notifyFetch(this.lastError.problem);
      this.report(this.lastError);
    }
  }

  private report(error: KeyFetchError): void {
    const current = this.current;
    const usable = current !== null && this.options.clock() - current.fetchedAt < this.options.cacheMaxAgeInMs + this.options.staleIfErrorInMs;
    try {
      this.options.onError?.({
        source: 'jwksUrl' in this.location ? 'jwksUrl' : 'issuer',
        problem: error.problem,
        errorClass: error.name,
        ...(error.status !== undefined ? { status: error.status } : {}),
        ...(error.code !== undefined ? { code: error.code } : {}),
        fallback: usable ? 'stale-keys' : 'no-keys',
        retryInMs: this.options.cooldownInMs,
      });
    } catch {
      // A failing listener must not change how keys are fetched.
    }
  }

  private notifyFetch(problem: KeyFetchProblem | null): void {
    for (const listener of this.fetchListeners) {
      try {
        listener(problem);
      } catch {
        // Observers (metrics) must never affect key handling.
      }
    }
  }

  private replace(next: CachedSet | null): void {
    this.current = next;
    const thumbprints = next?.thumbprints ?? new Set<string>();
    for (const listener of this.listeners) {
      try {
        listener(thumbprints);
      } catch {
        // A listener's failure must not break key rotation for everyone else.
      }
    }
  }
}
