import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { redisRevocationStore, type RedisRevocationStoreOptions } from './redis-revocation-store.js';
import { RevocationUnavailableError, type RevocationStore } from './revocation-store.js';
import { eventually, haveRedisServer, startRedis, type RedisProcess } from './redis-server.spec-support.js';

// The store against a real redis-server on 127.0.0.1, with a clock the test moves for the stale
// window and the silence rule (the heartbeat's interval and the reload retry run in real time).
// test/redis-revocation-*.e2e-spec.ts drive the same store through Nest apps, restarts and failovers.

type Store = RevocationStore & { close(): Promise<void>; ready(): Promise<void> };

(haveRedisServer('revocation store (Redis)') ? describe : describe.skip)('redisRevocationStore against a real redis-server', () => {
  let redis: RedisProcess;
  let admin: Redis;
  let prefix = 0;
  let now: number;
  let logs: string[];
  const open: Store[] = [];
  const clients: Redis[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 20 });
    admin.on('error', () => undefined);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
    for (const client of clients.splice(0)) client.disconnect();
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.kill();
  });

  /** A client as an app makes one: fails fast, reconnects quickly. */
  const client = () => {
    const made = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 20 });
    made.on('error', () => undefined);
    clients.push(made);
    return made;
  };
  /** A new store on a fresh prefix (or the given one), with the test clock and a log the test reads. */
  const store = (options: Partial<RedisRevocationStoreOptions> = {}, keyPrefix = `p${++prefix}`): Store => {
    const made = redisRevocationStore({
      client: client(),
      keyPrefix,
      clock: () => now,
      log: (line) => logs.push(line),
      heartbeatIntervalInMs: 60_000,
      ...options,
    }) as Store;
    open.push(made);
    return made;
  };
  /** What isRevoked says: true, false, or the message of the 503. */
  const answer = (target: Store, claims: Record<string, unknown>) => {
    try {
      return target.isRevoked(claims);
    } catch (error) {
      expect(error).toBeInstanceOf(RevocationUnavailableError);
      return (error as Error).message;
    }
  };
  const entries = async (keyPrefix: string) => {
    const flat = await admin.zrange(`${keyPrefix}:entries`, '0', '-1', 'WITHSCORES');
    return Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, Number(flat[i + 1])]])));
  };
  const seconds = () => Math.ceil(now / 1000);

  // Each test starts at the real time (Redis's TIME and the mirror's clock agree), logs empty.
  const reset = () => {
    now = Date.now();
    logs = [];
  };
  beforeEach(reset);

  it('refuses with 503 until the first sync, with its Retry-After', async () => {
    const first = store({ retryAfterSeconds: 7 });
    let error: unknown;
    try {
      first.isRevoked({ sid: 's' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(RevocationUnavailableError);
    expect([(error as RevocationUnavailableError).message, (error as RevocationUnavailableError).retryAfterSeconds]).toEqual([
      'the revocation store has not synchronised yet',
      7,
    ]);
    await first.ready();
    expect(answer(first, { sid: 's' })).toBe(false);
    expect(logs).toEqual([]);
  });

  it('refuses what it revoked at once, records it in Redis under its prefix, and another replica learns it', async () => {
    const a = store({}, 'shared1');
    const b = store({}, 'shared1');
    await Promise.all([a.ready(), b.ready()]);
    const pending = a.revoke({ sid: 'sess_1' }, seconds() + 100);
    expect(answer(a, { sid: 'sess_1' })).toBe(true);
    await pending;
    expect(await entries('shared1')).toEqual({ 'sid:sess_1': seconds() + 100 });
    await eventually(() => answer(b, { sid: 'sess_1' }) === true, 'the other replica');
    expect(answer(b, { sid: 'sess_2' })).toBe(false);
  });

  it('without an until, a revocation lasts the longest token lifetime, counted by Redis (a different clock on this replica changes nothing)', async () => {
    const replica = store({ maxTokenLifetimeInSeconds: 120 });
    await replica.ready();
    const before = Math.floor(Date.now() / 1000);
    await replica.revoke({ sub: 'user_1' });
    const until = (await entries(`p${prefix}`))['sub:user_1'];
    expect(until).toBeGreaterThanOrEqual(before + 120);
    expect(until).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 120);
    now += 119_000;
    expect(answer(replica, { sub: 'user_1' })).toBe(true);
    const defaulted = store();
    await defaulted.ready();
    await defaulted.revoke({ jti: 'j' });
    expect((await entries(`p${prefix}`))['jti:j']).toBeGreaterThanOrEqual(before + 3600);
  });

  it('a replica that boots later loads the revocations still in force, and only those', async () => {
    await admin.zadd('boot:entries', seconds() + 60, 'sid:live', Math.floor(now / 1000) - 1, 'sid:over');
    const later = store({}, 'boot');
    await later.ready();
    expect(answer(later, { sid: 'live' })).toBe(true);
    expect(answer(later, { sid: 'over' })).toBe(false);
  });

  it('applies only well-formed messages: key, until pairs', async () => {
    const replica = store({}, 'msgs');
    await replica.ready();
    const until = seconds() + 60;
    for (const message of ['not json', '{"sid:a":1}', JSON.stringify([42, until]), JSON.stringify(['sid:b', 'soon']), JSON.stringify(['sid:c'])]) {
      await admin.publish('msgs:events', message);
    }
    await admin.publish('msgs:events', JSON.stringify(['sid:d', String(until), 'sid:e', until]));
    await eventually(() => answer(replica, { sid: 'e' }) === true, 'the well-formed message');
    expect(['a', 'b', 'c', 'd'].map((sid) => answer(replica, { sid }))).toEqual([false, false, false, true]);
    const heartbeat = (await admin.pubsub('CHANNELS', 'msgs:heartbeat:*')) as string[];
    expect(heartbeat).toHaveLength(1);
    await admin.publish(heartbeat[0], JSON.stringify(['sid:f', until]));
    await admin.publish('msgs:events', JSON.stringify(['sid:g', until]));
    await eventually(() => answer(replica, { sid: 'g' }) === true, 'the next message');
    expect(answer(replica, { sid: 'f' })).toBe(false);
  });

  describe('through an outage', () => {
    afterEach(async () => {
      await redis.start().catch(() => undefined);
    });

    it('serves the mirror for the stale window after Redis is lost, then 503; writes back what was revoked meanwhile; says so once each', async () => {
      reset();
      const replica = store({ staleWindowInMs: 10_000, commandTimeoutInMs: 200 }, 'outage');
      await replica.ready();
      await replica.revoke({ sid: 'before' }, seconds() + 600);
      await redis.kill();
      await eventually(() => logs.length > 0, 'the outage noticed');
      expect(logs).toEqual(['revocation store: lost Redis; serving the local mirror for 10000 ms, then 503 until it is back']);
      await expect(replica.revoke({ sid: 'during' }, seconds() + 600)).rejects.toThrow();
      now += 10_000;
      expect([answer(replica, { sid: 'before' }), answer(replica, { sid: 'during' }), answer(replica, { sid: 'x' })]).toEqual([true, true, false]);
      now += 1;
      expect(answer(replica, { sid: 'x' })).toBe('the revocation store lost Redis for longer than its stale window');
      expect(answer(replica, { sid: 'during' })).toBe(true);
      await redis.start();
      await eventually(() => logs.length === 2, 'the resync');
      expect(logs[1]).toBe('revocation store: Redis is back; the mirror is synchronised');
      expect(answer(replica, { sid: 'x' })).toBe(false);
      // Redis came back empty (no persistence): the mirror wrote back all it holds.
      expect(Object.keys(await entries('outage')).sort()).toEqual(['sid:before', 'sid:during']);
    });

    it('boots without Redis: 503 until the first sync, said once; then answers', async () => {
      reset();
      await redis.kill();
      const replica = store({ commandTimeoutInMs: 200 });
      await eventually(() => logs.length > 0, 'the first failure');
      expect(logs).toEqual(['revocation store: Redis is not reachable yet; requests with a token answer 503 until the first sync']);
      expect(answer(replica, { sid: 'x' })).toBe('the revocation store has not synchronised yet');
      await redis.start();
      await replica.ready();
      expect(answer(replica, { sid: 'x' })).toBe(false);
    });
  });

  it('writes back in batches whatever Redis lacks, and nothing it has', async () => {
    const replica = store({}, 'batch');
    await replica.ready();
    const until = seconds() + 600;
    // 501 revocations that only this mirror holds (their writes are lost with the data when Redis restarts).
    await Promise.all(Array.from({ length: 501 }, (_, i) => replica.revoke({ jti: `j${i}` }, until)));
    await admin.flushall();
    const listener = client();
    const published: string[] = [];
    listener.on('message', (_channel: string, message: string) => published.push(message));
    await listener.subscribe('batch:events');
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await eventually(async () => Object.keys(await entries('batch')).length === 501, 'the write-back', 10_000);
    await eventually(() => published.length === 2, 'two batches');
    expect(published.map((message) => (JSON.parse(message) as unknown[]).length)).toEqual([1000, 2]);
  });

  it('notices a subscription that delivers nothing: says so once, reconnects it, resynchronises', async () => {
    const replica = store({ heartbeatIntervalInMs: 20, commandTimeoutInMs: 2000, staleWindowInMs: 5000 }, 'silent');
    await replica.ready();
    // Redis holds every PUBLISH (heartbeats included) for a while: the subscription stays open and delivers nothing.
    await admin.call('CLIENT', 'PAUSE', '1000', 'WRITE');
    now += 2021;
    await eventually(() => logs.includes('revocation store: Redis is back; the mirror is synchronised'), 'the silence noticed and repaired');
    expect(logs).toEqual([
      'revocation store: the Redis subscription delivered nothing for 2020 ms (its heartbeat did not come back); reconnecting it; serving the local mirror until 5000 ms after it last delivered, then 503 until it is back',
      'revocation store: Redis is back; the mirror is synchronised',
    ]);
    expect(answer(replica, { sid: 'x' })).toBe(false);
    await admin.call('CLIENT', 'UNPAUSE');
  });

  it('refuses with 503 once the subscription has been silent longer than the stale window, or than the time to notice it', async () => {
    const replica = store({ staleWindowInMs: 10_000, heartbeatIntervalInMs: 60_000, commandTimeoutInMs: 2000 });
    await replica.ready();
    now += 62_000;
    expect(answer(replica, { sid: 'x' })).toBe(false);
    now += 1;
    expect(answer(replica, { sid: 'x' })).toBe('the revocation subscription has been silent for longer than its stale window');
    reset();
    const longer = store({ staleWindowInMs: 70_000, heartbeatIntervalInMs: 60_000 });
    await longer.ready();
    now += 70_000;
    expect(answer(longer, { sid: 'x' })).toBe(false);
    now += 1;
    expect(answer(longer, { sid: 'x' })).toBe('the revocation subscription has been silent for longer than its stale window');
  });

  it('close() drops its subscriber and keeps the client it was given open', async () => {
    const given = client();
    const replica = redisRevocationStore({ client: given, keyPrefix: 'close', clock: () => now, log: (line) => logs.push(line) }) as Store;
    await replica.ready();
    await replica.close();
    expect(given.status).toBe('ready');
    expect(await admin.pubsub('NUMSUB', 'close:events')).toEqual(['close:events', 0]);
    expect(logs).toEqual([]);
  });

  it('with a url, opens both connections itself and closes both', async () => {
    const ids = async () =>
      new Set(
        String(await admin.client('LIST'))
          .trim()
          .split('\n')
          .map((line) => /\bid=(\d+)/.exec(line)?.[1]),
      );
    const before = await ids();
    const owned = redisRevocationStore({ url: redis.url, keyPrefix: 'owned', clock: () => now, log: (line) => logs.push(line) }) as Store;
    await owned.ready();
    const opened = [...(await ids())].filter((id) => !before.has(id));
    expect(opened).toHaveLength(2);
    await owned.revoke({ sid: 'a' }, seconds() + 60);
    expect(await entries('owned')).toEqual({ 'sid:a': seconds() + 60 });
    await owned.close();
    await eventually(async () => {
      const still = await ids();
      return opened.every((id) => !still.has(id));
    }, 'both connections closed');
    expect(logs).toEqual([]);
  });
});
