import { LRUCache } from 'lru-cache';
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { AdmissionFilter } from './admission-filter.js';
import { estimateHeapBytes } from './heap-size.js';
import { refusedFrom } from './time-window.js';

/** What the cache needs of the outcome of a full, successful verification (it holds the whole outcome). */
export interface CachedVerification {
  token: string;
  /** Absent for tokens verified without a JWS header; such entries are tied to no key. */
  header?: JWTHeaderParameters;
  claims: JWTPayload;
}

/** Bounds of the verified-token cache (option `cache` of `AuthModule.forRoot()`). */
export interface VerifiedTokenCacheOptions {
  /** Most tokens kept at once. Default 10000. */
  maxEntries?: number;
  /** Most heap bytes kept at once, as estimated by {@link estimateEntryBytes} (calibrated on V8's heap). Default 16 MiB. */
  maxBytes?: number;
}

/** Defaults of {@link VerifiedTokenCacheOptions}. */
export const CACHE_DEFAULTS = {
  maxEntries: 10_000,
  maxBytes: 16 * 1024 * 1024,
} as const;

/** What a cache needs to know besides its bounds: the same time rules the full verification applies. */
export interface CacheTimeRules {
  clockSkewInMs: number;
  maxTokenAgeInMs?: number;
  /**
   * Remote key sets: the time (ms) from which the keys a verification used are due for a refresh
   * (when they were fetched + `jwksCacheMaxAgeInMs`). No entry is served past it, so the key set is
   * refreshed, a removed key noticed and an outage's stale window honoured even when every request
   * is a cache hit. Undefined: the keys never go stale (local JWKS, PEM, secret).
   */
  keysDueAt?: () => number | undefined;
}

interface Entry<T extends CachedVerification> {
  verified: T;
  /** The partition that stored it: only it evicts the entry, and its retirement ends it. */
  owner: VerifiedTokenCache<T>;
  /** The verifier's clock when the token passed: every time check held then, and nbf/iat only get easier later. */
  verifiedAt: number;
  /** First instant (ms) at which `exp` (or `maxTokenAgeInMs`) with the skew could refuse the token, or the entry is too old. */
  expiresAt: number;
  /** RFC 7638 thumbprint of the key the token was verified with; undefined when unknown. */
  thumbprint: string | undefined;
  /** {@link estimateEntryBytes}, computed once when admitted. */
  bytes: number;
}

/**
 * Fixed cost of one entry besides what {@link estimateHeapBytes} counts: the entry, the verification
 * result, the frozen auth object with its closures, the LRU's bookkeeping and the admission filter's
 * share. Calibrated on the heap (verified-token-cache.heap.spec.ts).
 */
const ENTRY_OVERHEAD_BYTES = 600;

/**
 * Estimated heap bytes of one cached verification, computed once when it is admitted: the token
 * string, the decoded claims and header walked by structure ({@link estimateHeapBytes}: claims made
 * of many small objects cost many times their length), and {@link ENTRY_OVERHEAD_BYTES} (which also
 * covers the typed fields: their strings are the claims' own). Errs on the high side, so `maxBytes` bounds the real heap.
 */
export function estimateEntryBytes(verified: CachedVerification): number {
  return ENTRY_OVERHEAD_BYTES + estimateHeapBytes(verified.token) + estimateHeapBytes(verified.claims) + estimateHeapBytes(verified.header);
}

/**
 * A bounded LRU of tokens that passed every check, keyed by the exact token string (a re-encoded
 * token is a different string and is simply verified again). A token is admitted on its second
 * successful verification ({@link AdmissionFilter}): one used only once never takes an entry. An
 * entry is served only while the token is still inside its `exp` (and `maxTokenAgeInMs`) with the
 * skew, measured on the verifier's clock, and never before the time it was verified. Entries whose
 * key left the key set (by thumbprint, not `kid`) are dropped by {@link evictKeysNotIn}. Framework-free; one per verifier, so
 * never shared between modules. With several issuers, each issuer entry writes through its own
 * {@link partition}: its own time rules, key generation and eviction, one shared bound.
 *
 * @example
 * const cache = new VerifiedTokenCache({ maxEntries: 1000 }, { clockSkewInMs: 5000 });
 * cache.set(verified, Date.now(), cache.generation); // first sighting: remembered, not stored
 * cache.set(verified, Date.now(), cache.generation); // second: stored
 * cache.get(token, Date.now()); // the verification, or undefined
 */
export class VerifiedTokenCache<T extends CachedVerification = CachedVerification> {
  private readonly entries: LRUCache<string, Entry<T>>;
  private readonly rules: { clockSkewInMs: number; maxTokenAgeInMs?: number };
  private readonly keysDueAt: () => number | undefined;
  private readonly seen: AdmissionFilter;
  private keyGeneration = 0;
  /** Entries of a partition are served only before this instant (ms); set by {@link retireAt}. */
  private servedUntil = Infinity;
  /** The cache itself, not a {@link partition}: its evictions reach every entry. */
  private readonly whole: boolean;

  constructor(options: VerifiedTokenCacheOptions = {}, rules: CacheTimeRules, shared?: VerifiedTokenCache<T>) {
    this.rules = { clockSkewInMs: rules.clockSkewInMs, maxTokenAgeInMs: rules.maxTokenAgeInMs };
    this.keysDueAt = rules.keysDueAt ?? (() => undefined);
    this.whole = shared === undefined;
    if (shared) {
      this.entries = shared.entries;
      this.seen = shared.seen;
      return;
    }
    const maxEntries = options.maxEntries ?? CACHE_DEFAULTS.maxEntries;
    const maxBytes = options.maxBytes ?? CACHE_DEFAULTS.maxBytes;
    this.entries = new LRUCache<string, Entry<T>>({
      max: maxEntries,
      maxSize: maxBytes,
      // Sizes are given by set() (computed once, on admission); lru-cache refuses an entry larger than maxSize.
      sizeCalculation: (entry) => entry.bytes,
    });
    this.seen = new AdmissionFilter(maxEntries);
  }

  /**
   * A partition of this cache for one issuer entry: the same entries, bounds and admission filter,
   * its own time rules and key generation. {@link get} on any partition finds any entry; only the
   * partition that stored an entry evicts it by key ({@link evictKeysNotIn}, {@link clear}).
   */
  partition(rules: CacheTimeRules): VerifiedTokenCache<T> {
    return new VerifiedTokenCache<T>({}, rules, this);
  }

  /**
   * From `at` on (ms, the verifier's clock), no entry this partition stored is served: an issuer
   * entry resolved at run time is good for a while, then asked for again. `Infinity` lifts it.
   */
  retireAt(at: number): void {
    this.servedUntil = at;
  }

  /** Bumped whenever the key set changes; a verification that started before a change is not stored. */
  get generation(): number {
    return this.keyGeneration;
  }

  /** Tokens held now. */
  get size(): number {
    return this.entries.size;
  }

  /** Estimated bytes held now (the sum of {@link estimateEntryBytes}). */
  get bytes(): number {
    return this.entries.calculatedSize;
  }

  /** The verification of `token` when it is cached and still in its time window at `now`, else undefined. */
  get(token: string, now: number): T | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (now < entry.verifiedAt || now >= entry.expiresAt || now >= entry.owner.servedUntil) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.verified;
  }

  /**
   * Offers a successful verification made at `verifiedAt` (the clock value the checks used): the
   * first time a token is offered it is only remembered, the second time it is stored.
   * `generation` is {@link generation} read before the verification started: when the key set changed
   * meanwhile, the result is not stored, since its key may be gone. `thumbprint` is the RFC 7638
   * thumbprint of the key that verified it (see {@link evictKeysNotIn}).
   */
  set(verified: T, verifiedAt: number, generation: number, thumbprint?: string): void {
    if (generation !== this.keyGeneration) return;
    if (!this.seen.sight(verified.token)) return;
    const expiresAt = Math.min(refusedFrom(verified.claims, this.rules), this.keysDueAt() ?? Infinity);
    if (!(expiresAt > verifiedAt)) return;
    this.entries.set(verified.token, { verified, owner: this, verifiedAt, expiresAt, thumbprint, bytes: estimateEntryBytes(verified) });
  }

  /** Forgets one token (e.g. after `isRevoked` said yes). */
  delete(token: string): void {
    this.entries.delete(token);
  }

  /**
   * Drops every entry (of this partition, when it is one) verified with a key whose RFC 7638 thumbprint is not in
   * `currentThumbprints` (removed, or replaced under the same `kid`), and every entry whose key is
   * unknown. Returns how many were dropped.
   */
  evictKeysNotIn(currentThumbprints: ReadonlySet<string>): number {
    return this.evictWhere((entry) => entry.thumbprint === undefined || !currentThumbprints.has(entry.thumbprint));
  }

  /** Empties the cache (a partition: its own entries; the cache itself: every partition's). */
  clear(): void {
    this.evictWhere(() => true);
  }

  private evictWhere(stale: (entry: Entry<T>) => boolean): number {
    this.keyGeneration += 1;
    const dropped: string[] = [];
    for (const [token, entry] of this.entries.entries()) {
      if ((this.whole || entry.owner === this) && stale(entry)) dropped.push(token);
    }
    for (const token of dropped) this.entries.delete(token);
    return dropped.length;
  }
}
