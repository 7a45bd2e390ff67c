import { LRUCache } from 'lru-cache';
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { AdmissionFilter } from './admission-filter.js';

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
  /** Most (estimated) bytes kept at once; see {@link estimateEntryBytes}. Default 16 MiB. */
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

interface Entry<T> {
  verified: T;
  /** The verifier's clock when the token passed: every time check held then, and nbf/iat only get easier later. */
  verifiedAt: number;
  /** First instant (ms) at which `exp` (or `maxTokenAgeInMs`) with the skew could refuse the token, or the entry is too old. */
  expiresAt: number;
  /** The key the token was verified with; undefined when the token named none. */
  kid: string | undefined;
}

/**
 * Fixed cost of one entry besides the token's characters: the entry, the verification result, the
 * header and fields objects and the LRU bookkeeping.
 */
const ENTRY_OVERHEAD_BYTES = 512;

/**
 * Estimated heap bytes of one cached token: the token string (one byte a character), its decoded
 * claims (about as many bytes again as JS objects and strings) and {@link ENTRY_OVERHEAD_BYTES}.
 * Checked against the heap with `bench/memory.mjs`: a 290-character token costs about 1 KB, and the
 * estimate (1.1 KB) errs on the high side.
 */
export function estimateEntryBytes(token: string): number {
  return token.length * 2 + ENTRY_OVERHEAD_BYTES;
}

/**
 * A bounded LRU of tokens that passed every check, keyed by the exact token string (a re-encoded
 * token is a different string and is simply verified again). A token is admitted on its second
 * successful verification ({@link AdmissionFilter}): one used only once never takes an entry. An
 * entry is served only while the token is still inside its `exp` (and `maxTokenAgeInMs`) with the
 * skew, measured on the verifier's clock, and never before the time it was verified. Entries whose
 * key left the key set are dropped by {@link evictKeysNotIn}. Framework-free; one per verifier, so
 * never shared between modules.
 *
 * @example
 * const cache = new VerifiedTokenCache({ maxEntries: 1000 }, { clockSkewInMs: 5000 });
 * cache.set(verified, Date.now(), cache.generation); // first sighting: remembered, not stored
 * cache.set(verified, Date.now(), cache.generation); // second: stored
 * cache.get(token, Date.now()); // the verification, or undefined
 */
export class VerifiedTokenCache<T extends CachedVerification = CachedVerification> {
  private readonly entries: LRUCache<string, Entry<T>>;
  private readonly skewMs: number;
  private readonly maxAgeMs: number | undefined;
  private readonly keysDueAt: () => number | undefined;
  private readonly seen: AdmissionFilter;
  private keyGeneration = 0;

  constructor(options: VerifiedTokenCacheOptions = {}, rules: CacheTimeRules) {
    const maxEntries = options.maxEntries ?? CACHE_DEFAULTS.maxEntries;
    const maxBytes = options.maxBytes ?? CACHE_DEFAULTS.maxBytes;
    this.entries = new LRUCache<string, Entry<T>>({
      max: maxEntries,
      maxSize: maxBytes,
      // lru-cache refuses (does not store) an entry larger than maxSize on its own.
      sizeCalculation: (_entry, token) => estimateEntryBytes(token),
    });
    this.skewMs = rules.clockSkewInMs;
    this.maxAgeMs = rules.maxTokenAgeInMs;
    this.keysDueAt = rules.keysDueAt ?? (() => undefined);
    this.seen = new AdmissionFilter(maxEntries);
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
    if (now < entry.verifiedAt || now >= entry.expiresAt) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.verified;
  }

  /**
   * Offers a successful verification made at `verifiedAt` (the clock value the checks used): the
   * first time a token is offered it is only remembered, the second time it is stored.
   * `generation` is {@link generation} read before the verification started: when the key set changed
   * meanwhile, the result is not stored, since its key may be gone.
   */
  set(verified: T, verifiedAt: number, generation: number): void {
    if (generation !== this.keyGeneration) return;
    if (!this.seen.sight(verified.token)) return;
    const expiresAt = Math.min(this.expiryOf(verified.claims), this.keysDueAt() ?? Infinity);
    if (!(expiresAt > verifiedAt)) return;
    const kid = typeof verified.header?.kid === 'string' ? verified.header.kid : undefined;
    this.entries.set(verified.token, { verified, verifiedAt, expiresAt, kid });
  }

  /** Forgets one token (e.g. after `isRevoked` said yes). */
  delete(token: string): void {
    this.entries.delete(token);
  }

  /**
   * Drops every entry verified with a key that is not in `currentKids`, and every entry whose token
   * named no key (its key cannot be told apart). Returns how many were dropped.
   */
  evictKeysNotIn(currentKids: ReadonlySet<string>): number {
    this.keyGeneration += 1;
    const stale: string[] = [];
    for (const [token, entry] of this.entries.entries()) {
      if (entry.kid === undefined || !currentKids.has(entry.kid)) stale.push(token);
    }
    for (const token of stale) this.entries.delete(token);
    return stale.length;
  }

  /** Empties the cache. */
  clear(): void {
    this.keyGeneration += 1;
    this.entries.clear();
  }

  /** `exp` (and `iat + maxTokenAgeInMs`) plus the skew, in ms; the verification already proved exp is a number. */
  private expiryOf(claims: JWTPayload): number {
    let expiresAt = (claims.exp as number) * 1000 + this.skewMs;
    if (this.maxAgeMs !== undefined && typeof claims.iat === 'number') {
      expiresAt = Math.min(expiresAt, claims.iat * 1000 + this.maxAgeMs + this.skewMs);
    }
    return expiresAt;
  }
}
