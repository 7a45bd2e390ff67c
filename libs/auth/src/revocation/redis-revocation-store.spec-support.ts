import { afterAll, afterEach, beforeAll, beforeEach, expect } from '@jest/globals';
import { Redis } from 'ioredis';
import { redisRevocationStore, type RedisRevocationStoreOptions } from './redis-revocation-store.js';
import { RevocationUnavailableError, type RevocationStore } from './revocation-store.js';
import { startRedis, type RedisProcess } from './redis-server.spec-support.js';

// The store against a real redis-server on 127.0.0.1, with a clock the test moves for the stale
// window and the silence rule (the heartbeat's interval and the reload retry run in real time).
// Shared by the Redis store's specs; call it inside their describe.

export type Store = RevocationStore & { close(): Promise<void>; ready(): Promise<void> };

export interface RedisStoreHarness {
  /** The server (kill and start it for an outage); set in beforeAll. */
  readonly redis: RedisProcess;
  /** A connection of the test's own, to look at or change what Redis holds. */
  readonly admin: Redis;
  /** The test clock (ms), the real time when each test starts. */
  now: number;
  /** What the stores made by {@link store} logged in this test. */
  readonly logs: string[];
  /** The prefix of the last store made with the default one. */
  lastPrefix: string;
  /** A client as an app makes one: fails fast, reconnects quickly; closed after the test. */
  client(): Redis;
  /** A new store on a fresh prefix (or the given one), with the test clock and log; closed after the test. */
  store(options?: Partial<RedisRevocationStoreOptions>, keyPrefix?: string): Store;
  /** Closes `made` after the test (for a store the test builds itself). */
  track(made: Store): Store;
  /** What isRevoked says: true, false, or the message of the 503. */
  answer(target: Store, claims: Record<string, unknown>): boolean | string;
  /** The entries under `keyPrefix`, member -> until. */
  entries(keyPrefix: string): Promise<Record<string, number>>;
  /** The test clock in whole seconds, rounded up. */
  seconds(): number;
  /** Back to the real time, logs emptied. */
  reset(): void;
}

export function redisStoreHarness(): RedisStoreHarness {
  let prefix = 0;
  const open: Store[] = [];
  const clients: Redis[] = [];
  const h = {
    now: Date.now(),
    logs: [] as string[],
    lastPrefix: '',
    client() {
      const made = new Redis(h.redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 20 });
      made.on('error', () => undefined);
      clients.push(made);
      return made;
    },
    store(options: Partial<RedisRevocationStoreOptions> = {}, keyPrefix?: string) {
      if (keyPrefix === undefined) h.lastPrefix = `p${++prefix}`;
      return h.track(
        redisRevocationStore({
          client: h.client(),
          keyPrefix: keyPrefix ?? h.lastPrefix,
          clock: () => h.now,
          log: (line) => h.logs.push(line),
          heartbeatIntervalInMs: 60_000,
          ...options,
        }) as Store,
      );
    },
    track(made: Store) {
      open.push(made);
      return made;
    },
    answer(target: Store, claims: Record<string, unknown>) {
      try {
        return target.isRevoked(claims);
      } catch (error) {
        expect(error).toBeInstanceOf(RevocationUnavailableError);
        return (error as Error).message;
      }
    },
    async entries(keyPrefix: string) {
      const flat = await h.admin.zrange(`${keyPrefix}:entries`, '0', '-1', 'WITHSCORES');
      return Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, Number(flat[i + 1])]])));
    },
    seconds: () => Math.ceil(h.now / 1000),
    // Each test starts at the real time (Redis's TIME and the mirror's clock agree), logs empty.
    reset() {
      h.now = Date.now();
      h.logs.length = 0;
    },
  } as RedisStoreHarness & { redis: RedisProcess; admin: Redis };

  beforeAll(async () => {
    h.redis = await startRedis();
    h.admin = new Redis(h.redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 20 });
    h.admin.on('error', () => undefined);
  });
  beforeEach(() => h.reset());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((made) => made.close()));
    for (const made of clients.splice(0)) made.disconnect();
  });
  afterAll(async () => {
    h.admin?.disconnect();
    await h.redis?.kill();
  });
  return h;
}
