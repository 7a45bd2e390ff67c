import type { JWTPayload } from 'jose';
import { RevocationMirror } from './revocation-mirror.js';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, revocationKeys, revocationUntil, type RevocationStore, type RevocationTarget } from './revocation-store.js';

/** Options of {@link memoryRevocationStore}. */
export interface MemoryRevocationStoreOptions {
  /** How long a revocation without an explicit `until` lasts: the longest lifetime of a token it can match. Default 3600. */
  maxTokenLifetimeInSeconds?: number;
  /**
   * Most revocations held at once (each key: a `sid`, `sub` or `jti`, scoped or not). Past it, after
   * dropping what has expired, `revoke()` rejects and records nothing: a live revocation is never
   * dropped to make room. Measured on V8: about 130 bytes of heap each for ids of 30 characters,
   * about 0.5 KB for the longest (512; twice that for text beyond Latin-1). Default 100000.
   */
  maxEntries?: number;
  /** Milliseconds since the epoch; for tests. Default `Date.now`. */
  clock?: () => number;
}

/** Default `maxEntries` of {@link memoryRevocationStore}. */
export const DEFAULT_MEMORY_REVOCATION_ENTRIES = 100_000;

/**
 * A revocation store for one process: entries live in memory and expire at their `until`, at most
 * `maxEntries` at once (past that `revoke()` rejects, so a webhook is retried). For several replicas
 * use {@link redisRevocationStore}.
 *
 * @example
 * const revocation = memoryRevocationStore();
 * AuthModule.forRoot({ ...keys, revocation, global: true });
 * await revocation.revoke({ sub: 'user_123' }); // every session of the user is refused
 */
export function memoryRevocationStore(options: MemoryRevocationStoreOptions = {}): RevocationStore {
  const clock = options.clock ?? Date.now;
  const lifetime = options.maxTokenLifetimeInSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (!Number.isFinite(lifetime) || lifetime <= 0) throw new TypeError('memoryRevocationStore: maxTokenLifetimeInSeconds must be a positive number');
  const maxEntries = options.maxEntries ?? DEFAULT_MEMORY_REVOCATION_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new TypeError('memoryRevocationStore: maxEntries must be a whole number of at least 1');
  const mirror = new RevocationMirror();
  /** Whether `keys` fit, once what has expired is dropped; keys held already take no room. */
  const fits = (keys: string[], now: number): boolean => {
    // Stryker disable next-line MethodExpression: counting held keys too only leads to the sweep, after which the count below (without them) decides.
    const fresh = keys.filter((key) => !mirror.holds(key)).length;
    // Stryker disable next-line EqualityOperator: an exact fit that goes on to the sweep fits after it too (a sweep only drops entries no longer in force).
    if (mirror.size + fresh <= maxEntries) return true;
    mirror.sweep(now);
    return mirror.size + keys.filter((key) => !mirror.holds(key)).length <= maxEntries;
  };
  return {
    revoke(target: RevocationTarget, untilEpochSeconds?: number): Promise<void> {
      try {
        const keys = revocationKeys(target);
        const now = clock();
        const until = revocationUntil(untilEpochSeconds, now, lifetime);
        if (!fits(keys, now)) {
          throw new Error(
            `memoryRevocationStore: full (maxEntries ${maxEntries} revocations in force); this one was not recorded. Raise maxEntries or use redisRevocationStore`,
          );
        }
        for (const key of keys) mirror.add(key, until, now);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    isRevoked(claims: JWTPayload): boolean {
      return mirror.matches(claims, clock());
    },
    onRevoked: (listener) => mirror.listen(listener),
  };
}
