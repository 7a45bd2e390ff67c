/**
 * The part of an `ioredis` client the Redis revocation store uses, written out so the library never
 * imports `ioredis` (an optional peer) for its types. An `ioredis` `Redis` instance fits.
 */
export interface RedisLikeClient {
  /** ioredis's connection status: 'ready' once commands can run. */
  readonly status: string;
  /** A new connection with the same options (the subscriber). */
  duplicate(): RedisLikeClient;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  subscribe(...channels: string[]): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: Array<string | number>): Promise<unknown>;
  zrangebyscore(key: string, min: number | string, max: number | string, withScores: 'WITHSCORES'): Promise<unknown>;
  quit(): Promise<unknown>;
  /** Drops the connection; with `reconnect`, connects again (ioredis). */
  disconnect(reconnect?: boolean): void;
}

/**
 * Creates an `ioredis` client for `url`, importing `ioredis` only now. Commands fail fast instead
 * of queueing through an outage (the store has its own window), and reconnects back off to 2 s.
 */
export async function connectRedis(url: string): Promise<RedisLikeClient> {
  let Redis: new (url: string, options: object) => RedisLikeClient;
  try {
    ({ Redis } = (await import('ioredis')) as unknown as { Redis: typeof Redis });
  } catch {
    throw new Error('redisRevocationStore({ url }) needs the optional peer dependency "ioredis": npm install ioredis');
  }
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  });
}

/** Whether the optional peer `ioredis` can be loaded here (checked at boot, before a store is built from a URL). */
export async function ioredisAvailable(): Promise<boolean> {
  try {
    await import('ioredis');
    return true;
  } catch {
    return false;
  }
}

/** Rejects after `ms` when `promise` has not settled (ioredis may hold a command through a reconnect). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref?.(); // never what keeps a process alive
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** ZRANGEBYSCORE WITHSCORES: flat `[member, score, ...]` (RESP2) or `[[member, score], ...]` (RESP3). */
export function scoredMembers(reply: unknown): Map<string, number> {
  const members = new Map<string, number>();
  if (!Array.isArray(reply)) return members;
  const pairs: unknown[][] = reply.every(Array.isArray) ? (reply as unknown[][]) : [];
  // Stryker disable next-line EqualityOperator,ArithmeticOperator: (the loop bound) one more turn on an odd reply reads a missing score or member, which the finite-number and string checks below drop; the swept `pairs.length !== 0` and `reply[i - 1]` are killed, `i + 1 >= reply.length` never ends (a timeout)
  if (pairs.length === 0) for (let i = 0; i + 1 < reply.length; i += 2) pairs.push([reply[i], reply[i + 1]]);
  for (const [member, score] of pairs) {
    const until = Number(score);
    if (typeof member === 'string' && Number.isFinite(until)) members.set(member, until);
  }
  return members;
}

/** QUIT when possible (pending replies arrive), then drop the socket and any reconnect timer for good. */
export async function quietly(connection: RedisLikeClient): Promise<void> {
  try {
    // Stryker disable next-line StringLiteral: ('quit') the label only names the timeout's error, which the catch below drops; the swept 'ready' is killed
    if (connection.status === 'ready') await withTimeout(connection.quit(), 1000, 'quit');
  } catch {
    // disconnecting below
  }
  connection.disconnect();
}
