import type { JWTPayload } from 'jose';
import { connectRedis, quietly, scoredMembers, withTimeout, type RedisLikeClient } from './redis-client.js';
import { REVOKE_SCRIPT, type ScriptUntil } from './redis-revoke-script.js';
import { RevocationMirror } from './revocation-mirror.js';
import { SubscriptionHeartbeat } from './subscription-heartbeat.js';
import {
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  RevocationUnavailableError,
  revocationKeys,
  revocationUntil,
  type RevocationListener,
  type RevocationStore,
  type RevocationTarget,
} from './revocation-store.js';

/** Options of {@link redisRevocationStore}: exactly one of `client` and `url`. */
export interface RedisRevocationStoreOptions {
  /** An `ioredis` client; the store opens one more connection (`client.duplicate()`) to subscribe, and never closes yours. */
  client?: RedisLikeClient;
  /** Or a Redis URL: the store imports `ioredis` itself and owns both connections. */
  url?: string;
  /** Prefix of the sorted set (`<prefix>:entries`) and the channel (`<prefix>:events`). Default `'nestjs-warden:revocation'`. */
  keyPrefix?: string;
  /** How long a revocation without an explicit `until` lasts: the longest lifetime of a token it can match. Default 3600. */
  maxTokenLifetimeInSeconds?: number;
  /**
   * While Redis is out of reach, or the subscription delivers nothing, the local mirror keeps
   * answering for this long; then requests answer 503 `revocation-unavailable` until the mirror has
   * resynchronised. Default 30000.
   */
  staleWindowInMs?: number;
  /**
   * How often the store publishes a heartbeat that its own subscription must deliver back; one that
   * has not come back within this plus `commandTimeoutInMs` means the subscription is silent (an
   * outage, as a closed connection is). Default 1000.
   */
  heartbeatIntervalInMs?: number;
  /** A Redis command (revoke, reload) gives up after this long. Default 2000. */
  commandTimeoutInMs?: number;
  /** `Retry-After` of the 503s. Default 2. */
  retryAfterSeconds?: number;
  /** Where outages and recoveries are reported (never with a URL or a secret). Default `console.warn`. */
  log?: (message: string) => void;
  /** Milliseconds since the epoch; for tests. Default `Date.now`. */
  clock?: () => number;
}

const RELOAD_RETRY_MS = 1000;
/** Pairs per script call when a mirror writes itself back (Lua's unpack has a stack limit). */
const REPAIR_BATCH = 500;

/**
 * A revocation store shared by every replica through Redis. Redis holds the truth (a sorted set
 * scored by `until`, trimmed on each write, so nothing grows without bound); each replica keeps a
 * local mirror, loaded at boot and kept current by pub/sub, so `isRevoked` answers from memory.
 * After a disconnect the mirror reloads, so nothing revoked meanwhile is lost. While Redis is out of
 * reach, or the subscription is silent (its heartbeat does not come back), the mirror serves what it
 * has for `staleWindowInMs`, then `isRevoked` throws {@link RevocationUnavailableError} (503) until it
 * has resynchronised; before the first sync, too.
 *
 * @example
 * import { Redis } from 'ioredis';
 * const revocation = redisRevocationStore({ client: new Redis(process.env.REDIS_URL) });
 * AuthModule.forRoot({ ...keys, revocation, global: true });
 */
export function redisRevocationStore(options: RedisRevocationStoreOptions): RevocationStore {
  return new RedisRevocationStore(options);
}

class RedisRevocationStore implements RevocationStore {
  private readonly mirror = new RevocationMirror();
  private readonly clock: () => number;
  private readonly entriesKey: string;
  private readonly channel: string;
  private readonly lifetime: number;
  private readonly staleMs: number;
  private readonly timeoutMs: number;
  private readonly retryAfter: number;
  private readonly log: (message: string) => void;
  private readonly heartbeat: SubscriptionHeartbeat;
  private readonly connecting: Promise<{ client: RedisLikeClient; subscriber: RedisLikeClient }>;
  private syncedOnce = false;
  /** Since when the mirror may be missing revocations (the subscription was lost); null when current. */
  private outageSince: number | null = null;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private resolveReady!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve));
  private closed = false;
  /** The main connection when the store opened it itself (from `url`): closed with the store. */
  private ownedClient: RedisLikeClient | undefined;

  constructor(options: RedisRevocationStoreOptions) {
    if ((options.client === undefined) === (options.url === undefined)) {
      throw new TypeError('redisRevocationStore: give exactly one of client and url');
    }
    this.clock = options.clock ?? Date.now;
    const prefix = options.keyPrefix ?? 'nestjs-warden:revocation';
    this.entriesKey = `${prefix}:entries`;
    this.channel = `${prefix}:events`;
    this.lifetime = positive(options.maxTokenLifetimeInSeconds, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, 'maxTokenLifetimeInSeconds');
    this.staleMs = positive(options.staleWindowInMs, 30_000, 'staleWindowInMs', true);
    this.timeoutMs = positive(options.commandTimeoutInMs, 2000, 'commandTimeoutInMs');
    this.retryAfter = positive(options.retryAfterSeconds, 2, 'retryAfterSeconds');
    const beat = positive(options.heartbeatIntervalInMs, 1000, 'heartbeatIntervalInMs');
    this.heartbeat = new SubscriptionHeartbeat(prefix, beat, this.timeoutMs, this.clock);
    this.log = options.log ?? ((message) => console.warn(`[nestjs-warden] ${message}`));
    const client = options.client ? Promise.resolve(options.client) : connectRedis(options.url as string);
    this.connecting = client.then((c) => this.attach(c, options.client === undefined));
    // A failure here (ioredis missing) is reported by revoke() and by the 503s; it must not be unhandled.
    this.connecting.catch((error: unknown) => this.log(`revocation store: ${(error as Error).message}`));
  }

  async revoke(target: RevocationTarget, untilEpochSeconds?: number): Promise<void> {
    const keys = revocationKeys(target);
    const now = this.clock();
    const until = revocationUntil(untilEpochSeconds, now, this.lifetime);
    // This replica refuses at once, whatever Redis says; the others learn it from Redis.
    for (const key of keys) this.mirror.add(key, until, now);
    const { client } = await this.connecting;
    await this.write(
      client,
      keys.map((key) => [key, untilEpochSeconds === undefined ? '+' : until]),
    );
  }

  private write(client: RedisLikeClient, entries: Array<[string, ScriptUntil]>): Promise<unknown> {
    const args = [this.lifetime, this.channel, ...entries.flat()];
    return withTimeout(client.eval(REVOKE_SCRIPT, 1, this.entriesKey, ...args), this.timeoutMs, 'revoke');
  }

  onRevoked(listener: RevocationListener): () => void {
    return this.mirror.listen(listener);
  }

  isRevoked(claims: JWTPayload): boolean {
    const now = this.clock();
    // What the mirror knows is revoked stays refused, even while Redis is away.
    if (this.mirror.matches(claims, now)) return true;
    if (!this.syncedOnce) throw new RevocationUnavailableError('the revocation store has not synchronised yet', this.retryAfter);
    if (this.outageSince !== null && now - this.outageSince > this.staleMs) {
      throw new RevocationUnavailableError('the revocation store lost Redis for longer than its stale window', this.retryAfter);
    }
    // Open but silent counts too: the window runs from the last moment the subscription was proven to deliver.
    if (this.heartbeat.silentFor(now) > Math.max(this.staleMs, this.heartbeat.noticeMs)) {
      throw new RevocationUnavailableError('the revocation subscription has been silent for longer than its stale window', this.retryAfter);
    }
    return false;
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reloadTimer);
    this.heartbeat.stop();
    // Stryker disable next-line ArrowFunction: undefined ends close() at the next line as null does.
    const connections = await this.connecting.catch(() => null);
    if (!connections) return;
    const { client, subscriber } = connections;
    await quietly(subscriber);
    if (client !== this.ownedClient) return;
    await quietly(client);
  }

  /** Subscribes on a second connection; every (re)connection of it reloads the mirror. */
  private attach(client: RedisLikeClient, owned: boolean): { client: RedisLikeClient; subscriber: RedisLikeClient } {
    if (owned) {
      this.ownedClient = client;
      client.on('error', () => undefined); // reported through the subscriber's state, once per outage
    }
    const subscriber = client.duplicate();
    subscriber.on('error', () => undefined);
    // Stryker disable ConditionalExpression: the subscriber listens on these two channels only, so the heartbeat channel's test turned `true` changes nothing (a comment cannot sit on the else's line; the listener's other ConditionalExpression mutants are killed).
    subscriber.on('message', (channel, message) => {
      if (channel === this.channel && typeof message === 'string') this.apply(message);
      else if (channel === this.heartbeat.channel) this.heartbeat.received(message);
    });
    // Stryker restore ConditionalExpression
    subscriber.on('ready', () => void this.resync(client, subscriber));
    subscriber.on('close', () => this.lost());
    if (subscriber.status === 'ready') void this.resync(client, subscriber);
    this.heartbeat.start(
      (channel, message) => client.publish(channel, message),
      () => this.syncedOnce && !this.closed,
      () => this.silent(subscriber),
    );
    return { client, subscriber };
  }

  /** A subscription that delivers nothing may never close: drop it and connect again (its 'ready' resyncs). */
  private silent(subscriber: RedisLikeClient): void {
    this.log(
      `revocation store: the Redis subscription delivered nothing for ${this.heartbeat.noticeMs} ms (its heartbeat did not come back); ` +
        `reconnecting it; serving the local mirror until ${this.staleMs} ms after it last delivered, then 503 until it is back`,
    );
    subscriber.disconnect(true);
  }

  private lost(): void {
    if (this.closed || this.outageSince !== null) return;
    this.outageSince = this.clock();
    clearTimeout(this.reloadTimer);
    if (this.heartbeat.noticed) return; // reported as silence already
    this.log(
      this.syncedOnce
        ? `revocation store: lost Redis; serving the local mirror for ${this.staleMs} ms, then 503 until it is back`
        : 'revocation store: Redis is not reachable yet; requests with a token answer 503 until the first sync',
    );
  }

  /**
   * Subscribe first, then load: a revocation published in between is applied twice, never missed.
   * Then write back what this mirror holds and Redis lacks: revocations made while Redis was away
   * (recorded here only), or all of them when Redis came back empty (no persistence). Entries are
   * only ever added, so merging is safe in any order.
   */
  private async resync(client: RedisLikeClient, subscriber: RedisLikeClient): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.reloadTimer);
    try {
      // Stryker disable next-line StringLiteral: the label names an error the catch below drops.
      await withTimeout(subscriber.subscribe(this.channel, this.heartbeat.channel), this.timeoutMs, 'subscribe');
      const now = this.clock();
      // Stryker disable next-line StringLiteral: Redis reads an empty min as 0 and the mirror drops what has expired; the label names an error the catch below drops.
      const flat = await withTimeout(client.zrangebyscore(this.entriesKey, `(${Math.floor(now / 1000)}`, '+inf', 'WITHSCORES'), this.timeoutMs, 'reload');
      const truth = scoredMembers(flat);
      for (const [key, until] of truth) this.mirror.add(key, until, now);
      this.mirror.sweep(now);
      const missing = this.mirror.entriesInForce(now).filter(([key, until]) => !((truth.get(key) ?? -Infinity) >= until));
      for (let i = 0; i < missing.length; i += REPAIR_BATCH) await this.write(client, missing.slice(i, i + REPAIR_BATCH));
      if (this.outageSince !== null) this.log('revocation store: Redis is back; the mirror is synchronised');
      this.outageSince = null;
      this.heartbeat.proven(now);
      this.syncedOnce = true;
      this.resolveReady();
    } catch {
      // Stryker disable next-line ConditionalExpression: a retry set after close() finds the store closed and returns at once (its timer is unref'd).
      if (this.closed) return;
      this.outageSince ??= this.clock();
      this.reloadTimer = setTimeout(() => void this.resync(client, subscriber), RELOAD_RETRY_MS);
      // Stryker disable next-line OptionalChaining: Node's timers always have unref (the ?. is for other runtimes).
      this.reloadTimer.unref?.();
    }
  }

  /** A revocation published by any replica (this one included): key, until pairs, flat. */
  private apply(message: string): void {
    let pairs: unknown;
    // Stryker disable BlockStatement: without the catch's return, pairs stays undefined and the next line returns (a comment cannot sit on the catch's line; the try block's mutant is killed).
    try {
      pairs = JSON.parse(message);
    } catch {
      return;
    }
    // Stryker restore BlockStatement
    if (!Array.isArray(pairs)) return;
    const now = this.clock();
    // Stryker disable next-line EqualityOperator,ArithmeticOperator: an index past the last pair reads an until of NaN, or no key, which the next line skips.
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const [key, until] = [pairs[i] as unknown, Number(pairs[i + 1])];
      if (typeof key === 'string' && Number.isFinite(until)) this.mirror.add(key, until, now);
    }
  }
}

function positive(value: number | undefined, fallback: number, name: string, zeroAllowed = false): number {
  const resolved = value ?? fallback;
  // Stryker disable next-line ConditionalExpression: Number.isFinite refuses every non-number, so dropping the typeof test changes nothing.
  if (typeof resolved !== 'number' || !Number.isFinite(resolved) || resolved < 0 || (!zeroAllowed && resolved === 0)) {
    throw new TypeError(`redisRevocationStore: ${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number`);
  }
  return resolved;
}
