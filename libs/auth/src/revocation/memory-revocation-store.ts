import type { JWTPayload } from 'jose';
import { RevocationMirror } from './revocation-mirror.js';
import {
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  revocationKeys,
  revocationUntil,
  type RevocationStore,
  type RevocationTarget,
} from './revocation-store.js';

/** Options of {@link memoryRevocationStore}. */
export interface MemoryRevocationStoreOptions {
  /** How long a revocation without an explicit `until` lasts: the longest lifetime of a token it can match. Default 3600. */
  maxTokenLifetimeInSeconds?: number;
  /** Milliseconds since the epoch; for tests. Default `Date.now`. */
  clock?: () => number;
}

/**
 * A revocation store for one process: entries live in memory and expire at their `until`. For
 * several replicas use {@link redisRevocationStore}.
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
  const mirror = new RevocationMirror();
  return {
    revoke(target: RevocationTarget, untilEpochSeconds?: number): Promise<void> {
      try {
        const keys = revocationKeys(target);
        const now = clock();
        const until = revocationUntil(untilEpochSeconds, now, lifetime);
        for (const key of keys) mirror.add(key, until, now);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    },
    isRevoked(claims: JWTPayload): boolean {
      return mirror.matches(claims, clock());
    },
  };
}
