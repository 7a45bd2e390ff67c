import { LRUCache } from 'lru-cache';
import type { AuthError } from '../auth.errors.js';

/** Bounds of the verdicts kept for opaque tokens. */
export interface OpaqueTokenCacheOptions {
  /** Most accepted tokens kept, and most refused ones (two separate tables). */
  maxEntries: number;
  /** Most (estimated) bytes of accepted tokens and their claims. */
  maxBytes: number;
}

interface Accepted<T> {
  verified: T;
  verifiedAt: number;
  expiresAt: number;
}

interface Refused {
  error: AuthError;
  verifiedAt: number;
  expiresAt: number;
}

/**
 * Fixed cost of one entry besides its strings: the entry, the auth object and the LRU bookkeeping.
 * Checked on the heap (--expose-gc, 50 000 entries): a 43-character token with 200 bytes of claims
 * JSON costs about 970 bytes; the estimate, `(token + claims JSON) * 2 + 512`, is about 1 030.
 */
const ENTRY_OVERHEAD_BYTES = 512;

/**
 * The verdicts on opaque tokens: accepted ones with their verification until the token's `exp`, and
 * refused ones (inactive, expired, wrong audience...) for a short while. Two bounded LRUs, so a flood
 * of refused tokens can never push out the accepted ones. Times are ms on the caller's clock; an
 * entry is never served before the time it was made (a clock set back). Framework-free.
 *
 * @example
 * const cache = new OpaqueTokenCache<VerifiedToken>({ maxEntries: 10000, maxBytes: 16 << 20 });
 * cache.accept(token, verified, now, exp * 1000, claimsBytes);
 * cache.get(token, now); // { verified } | { error } | undefined
 */
export class OpaqueTokenCache<T> {
  private readonly accepted: LRUCache<string, Accepted<T>>;
  private readonly refused: LRUCache<string, Refused>;

  constructor(options: OpaqueTokenCacheOptions) {
    this.accepted = new LRUCache<string, Accepted<T>>({ max: options.maxEntries, maxSize: options.maxBytes });
    // A refused entry is the token and a shared error: bounded by count and by the tokens' length.
    this.refused = new LRUCache<string, Refused>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (_entry, token) => token.length * 2 + ENTRY_OVERHEAD_BYTES,
    });
  }

  /** The verdict on `token` while it holds at `now`, else undefined. */
  get(token: string, now: number): { verified: T } | { error: AuthError } | undefined {
    const accepted = this.accepted.get(token);
    if (accepted !== undefined) {
      if (now >= accepted.verifiedAt && now < accepted.expiresAt) return { verified: accepted.verified };
      this.accepted.delete(token);
    }
    const refused = this.refused.get(token);
    if (refused !== undefined) {
      if (now >= refused.verifiedAt && now < refused.expiresAt) return { error: refused.error };
      this.refused.delete(token);
    }
    return undefined;
  }

  /** The accepted verification of `token`, served until `expiresAt`; `claimsBytes`: its claims' JSON length. */
  accept(token: string, verified: T, now: number, expiresAt: number, claimsBytes: number): void {
    if (!(expiresAt > now)) return;
    this.refused.delete(token);
    const size = (token.length + claimsBytes) * 2 + ENTRY_OVERHEAD_BYTES;
    this.accepted.set(token, { verified, verifiedAt: now, expiresAt }, { size });
  }

  /** The refusal of `token`, repeated until `expiresAt` without asking again. */
  refuse(token: string, error: AuthError, now: number, expiresAt: number): void {
    if (!(expiresAt > now)) return;
    this.accepted.delete(token);
    this.refused.set(token, { error, verifiedAt: now, expiresAt });
  }

  /** Forgets one token (e.g. after `isRevoked` said yes). */
  delete(token: string): void {
    this.accepted.delete(token);
    this.refused.delete(token);
  }

  /** Accepted and refused tokens held now. */
  get size(): { accepted: number; refused: number } {
    return { accepted: this.accepted.size, refused: this.refused.size };
  }
}
