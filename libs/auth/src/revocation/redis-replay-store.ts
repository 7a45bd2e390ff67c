import { ReplayStoreUnavailableError, type ReplayStore } from './replay-store.js';

/** The part of an `ioredis` client the Redis replay store uses (an ioredis `Redis` instance fits). */
export interface RedisSetClient {
  set(key: string, value: string, px: 'PX', ttlInMs: number, nx: 'NX'): Promise<unknown>;
  quit?(): Promise<unknown>;
  disconnect?(): void;
}

/** Options of {@link redisReplayStore}: exactly one of `client` and `url`. */
export interface RedisReplayStoreOptions {
  /** An `ioredis` client (the one of `redisRevocationStore` may be shared); never closed by the store. */
  client?: RedisSetClient;
  /** Or a Redis URL: the store imports `ioredis` itself and owns the connection. */
  url?: string;
  /** Prefix of the keys. Default `'nestjs-warden:replay:'`. */
  keyPrefix?: string;
  /** A `SET` gives up after this long (then 503). Default 1000. */
  commandTimeoutInMs?: number;
  /** `Retry-After` of the 503s. Default 2. */
  retryAfterSeconds?: number;
}

/**
 * A replay store shared by every replica through Redis: one `SET <key> 1 NX PX <ttl>` per value, a
 * single round trip that records and answers at once (no read-then-write race between replicas), and
 * Redis expires the key itself. Redis down, slow or refusing: `useOnce` rejects with
 * {@link ReplayStoreUnavailableError} and the request answers 503, never "first use".
 *
 * @example
 * import { Redis } from 'ioredis';
 * AuthModule.forRoot({ ...keys, dpopProof: { replayStore: redisReplayStore({ client: new Redis(process.env.REDIS_URL) }) } })
 */
export function redisReplayStore(options: RedisReplayStoreOptions): ReplayStore {
  if ((options.client === undefined) === (options.url === undefined)) throw new TypeError('redisReplayStore: give exactly one of client and url');
  for (const name of ['commandTimeoutInMs', 'retryAfterSeconds'] as const) {
    const value = options[name];
    // Stryker disable next-line ConditionalExpression: Number.isFinite refuses every non-number, so dropping the typeof test changes nothing.
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0))
      throw new TypeError(`redisReplayStore: ${name} must be a number > 0`);
  }
  return new RedisReplayStore(options);
}

class RedisReplayStore implements ReplayStore {
  private readonly client: Promise<RedisSetClient>;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly retryAfter: number;
  private readonly owned: boolean;

  constructor(options: RedisReplayStoreOptions) {
    this.prefix = options.keyPrefix ?? 'nestjs-warden:replay:';
    this.timeoutMs = options.commandTimeoutInMs ?? 1000;
    this.retryAfter = options.retryAfterSeconds ?? 2;
    this.owned = options.client === undefined;
    this.client = options.client ? Promise.resolve(options.client) : connect(options.url as string);
    // A failure here (ioredis missing) answers 503 on use; it must not be an unhandled rejection.
    this.client.catch(() => undefined);
  }

  async useOnce(key: string, ttlInMs: number): Promise<boolean> {
    let reply: unknown;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const client = await this.client;
      const timeout = new Promise<never>((_, reject) => {
        // Stryker disable next-line StringLiteral: the catch below drops this error and answers its own.
        timer = setTimeout(() => reject(new Error('timed out')), this.timeoutMs);
      });
      // Stryker disable next-line MethodExpression,StringLiteral: floor against ceil changes a value's life by less than a millisecond, which Redis's own expiry cannot show; the value '1' is never read (the other literals' mutants are killed).
      reply = await Promise.race([client.set(this.prefix + key, '1', 'PX', Math.max(1, Math.ceil(ttlInMs)), 'NX'), timeout]);
    } catch {
      throw new ReplayStoreUnavailableError('the Redis replay store did not answer', this.retryAfter);
    } finally {
      clearTimeout(timer);
    }
    // 'OK': recorded now; null: it was there already.
    if (reply === 'OK') return true;
    if (reply === null) return false;
    throw new ReplayStoreUnavailableError('the Redis replay store answered something unexpected', this.retryAfter);
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    const client = await this.client.catch(() => undefined);
    await client?.quit?.().catch(() => undefined);
    client?.disconnect?.();
  }
}

/** An ioredis client for `url`, importing ioredis only now; commands fail fast rather than queue through an outage. */
async function connect(url: string): Promise<RedisSetClient> {
  let Redis: new (url: string, options: object) => RedisSetClient;
  try {
    ({ Redis } = (await import('ioredis')) as unknown as { Redis: typeof Redis });
  } catch {
    // Stryker disable next-line StringLiteral: useOnce drops this error and answers 503 (the hint reaches no one: see docs/mutation-testing.md).
    throw new Error('redisReplayStore({ url }) needs the optional peer dependency "ioredis": npm install ioredis');
  }
  return new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000) });
}
