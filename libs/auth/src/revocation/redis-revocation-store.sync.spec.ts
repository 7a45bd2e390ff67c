import { describe, expect, it } from '@jest/globals';
import { setTimeout as pause } from 'node:timers/promises';
import { redisRevocationStore } from './redis-revocation-store.js';
import { RevocationUnavailableError } from './revocation-store.js';
import { eventually, haveRedisServer } from './redis-server.spec-support.js';
import { redisStoreHarness, type Store } from './redis-revocation-store.spec-support.js';

// test/redis-revocation-*.e2e-spec.ts drive the same store through Nest apps, restarts and failovers.

(haveRedisServer('revocation store (Redis)') ? describe : describe.skip)('redisRevocationStore against a real redis-server', () => {
  const h = redisStoreHarness();
  const { store, answer, entries, seconds, reset, client } = h;

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
    expect(h.logs).toEqual([]);
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
    // This replica's clock is an hour behind.
    const replica = store({ maxTokenLifetimeInSeconds: 120, clock: () => h.now - 3_600_000 });
    await replica.ready();
    const before = Math.floor(Date.now() / 1000);
    await replica.revoke({ sub: 'user_1' });
    const until = (await entries(h.lastPrefix))['sub:user_1'];
    expect(until).toBeGreaterThanOrEqual(before + 120);
    expect(until).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 120);
    h.now += 119_000;
    expect(answer(replica, { sub: 'user_1' })).toBe(true);
    const defaulted = store();
    await defaulted.ready();
    await defaulted.revoke({ jti: 'j' });
    expect((await entries(h.lastPrefix))['jti:j']).toBeGreaterThanOrEqual(before + 3600);
  });

  it('a replica that boots later loads the revocations still in force, and only those', async () => {
    await h.admin.zadd('boot:entries', seconds() + 60, 'sid:live', Math.floor(h.now / 1000) - 1, 'sid:over');
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
      await h.admin.publish('msgs:events', message);
    }
    await h.admin.publish('msgs:events', JSON.stringify(['sid:d', String(until), 'sid:e', until]));
    await eventually(() => answer(replica, { sid: 'e' }) === true, 'the well-formed message');
    expect(['a', 'b', 'c', 'd'].map((sid) => answer(replica, { sid }))).toEqual([false, false, false, true]);
    const heartbeat = (await h.admin.pubsub('CHANNELS', 'msgs:heartbeat:*')) as string[];
    expect(heartbeat).toHaveLength(1);
    await h.admin.publish(heartbeat[0], JSON.stringify(['sid:f', until]));
    await h.admin.publish('msgs:events', JSON.stringify(['sid:g', until]));
    await eventually(() => answer(replica, { sid: 'g' }) === true, 'the next message');
    expect(answer(replica, { sid: 'f' })).toBe(false);
  });

  describe('through an outage', () => {
    afterEach(async () => {
      await h.redis.start().catch(() => undefined);
    });

    it('serves the mirror for the stale window after Redis is lost, then 503; writes back what was revoked meanwhile; says so once each', async () => {
      reset();
      const replica = store({ staleWindowInMs: 10_000, commandTimeoutInMs: 200 }, 'outage');
      await replica.ready();
      await replica.revoke({ sid: 'before' }, seconds() + 600);
      await h.redis.kill();
      await eventually(() => h.logs.length > 0, 'the outage noticed');
      expect(h.logs).toEqual(['revocation store: lost Redis; serving the local mirror for 10000 ms, then 503 until it is back']);
      await expect(replica.revoke({ sid: 'during' }, seconds() + 600)).rejects.toThrow();
      h.now += 10_000;
      expect([answer(replica, { sid: 'before' }), answer(replica, { sid: 'during' }), answer(replica, { sid: 'x' })]).toEqual([true, true, false]);
      h.now += 1;
      expect(answer(replica, { sid: 'x' })).toBe('the revocation store lost Redis for longer than its stale window');
      expect(answer(replica, { sid: 'during' })).toBe(true);
      await h.redis.start();
      await eventually(() => h.logs.length === 2, 'the resync');
      expect(h.logs[1]).toBe('revocation store: Redis is back; the mirror is synchronised');
      expect(answer(replica, { sid: 'x' })).toBe(false);
      // Redis came back empty (no persistence): the mirror wrote back all it holds.
      expect(Object.keys(await entries('outage')).sort()).toEqual(['sid:before', 'sid:during']);
    });

    it('boots without Redis: 503 until the first sync, said once; then answers', async () => {
      reset();
      await h.redis.kill();
      // Heartbeats every 20 ms: a store that never synchronised has no subscription to find silent.
      const replica = store({ commandTimeoutInMs: 200, heartbeatIntervalInMs: 20 });
      await eventually(() => h.logs.length > 0, 'the first failure');
      await pause(300);
      expect(h.logs).toEqual(['revocation store: Redis is not reachable yet; requests with a token answer 503 until the first sync']);
      expect(answer(replica, { sid: 'x' })).toBe('the revocation store has not synchronised yet');
      await h.redis.start();
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
    await h.admin.flushall();
    const listener = client();
    const published: string[] = [];
    listener.on('message', (_channel: string, message: string) => published.push(message));
    await listener.subscribe('batch:events');
    await h.admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await eventually(async () => Object.keys(await entries('batch')).length === 501, 'the write-back', 10_000);
    await eventually(() => published.length === 2, 'two batches');
    expect(published.map((message) => (JSON.parse(message) as unknown[]).length)).toEqual([1000, 2]);
  });

  it('notices a subscription that delivers nothing: says so once, reconnects it, resynchronises', async () => {
    const replica = store({ heartbeatIntervalInMs: 20, commandTimeoutInMs: 2000, staleWindowInMs: 5000 }, 'silent');
    await replica.ready();
    // Redis holds every PUBLISH (heartbeats included) for a while: the subscription stays open and delivers nothing.
    await h.admin.call('CLIENT', 'PAUSE', '1000', 'WRITE');
    h.now += 2021;
    await eventually(() => h.logs.includes('revocation store: Redis is back; the mirror is synchronised'), 'the silence noticed and repaired');
    expect(h.logs).toEqual([
      'revocation store: the Redis subscription delivered nothing for 2020 ms (its heartbeat did not come back); reconnecting it; serving the local mirror until 5000 ms after it last delivered, then 503 until it is back',
      'revocation store: Redis is back; the mirror is synchronised',
    ]);
    expect(answer(replica, { sid: 'x' })).toBe(false);
    await h.admin.call('CLIENT', 'UNPAUSE');
  });

  it('refuses with 503 once the subscription has been silent longer than the stale window, or than the time to notice it', async () => {
    const replica = store({ staleWindowInMs: 10_000, heartbeatIntervalInMs: 60_000, commandTimeoutInMs: 2000 });
    await replica.ready();
    h.now += 62_000;
    expect(answer(replica, { sid: 'x' })).toBe(false);
    h.now += 1;
    expect(answer(replica, { sid: 'x' })).toBe('the revocation subscription has been silent for longer than its stale window');
    reset();
    const longer = store({ staleWindowInMs: 70_000, heartbeatIntervalInMs: 60_000 });
    await longer.ready();
    h.now += 70_000;
    expect(answer(longer, { sid: 'x' })).toBe(false);
    h.now += 1;
    expect(answer(longer, { sid: 'x' })).toBe('the revocation subscription has been silent for longer than its stale window');
  });

  it('close() drops its subscriber and keeps the client it was given open', async () => {
    const given = client();
    const replica = redisRevocationStore({ client: given, keyPrefix: 'close', clock: () => h.now, log: (line) => h.logs.push(line) }) as Store;
    await replica.ready();
    await replica.close();
    expect(await given.ping()).toBe('PONG');
    expect(await h.admin.pubsub('NUMSUB', 'close:events')).toEqual(['close:events', 0]);
    expect(h.logs).toEqual([]);
  });

  it('with a url, opens both connections itself and closes both', async () => {
    const ids = async () =>
      new Set(
        String(await h.admin.client('LIST'))
          .trim()
          .split('\n')
          .map((line) => /\bid=(\d+)/.exec(line)?.[1]),
      );
    const before = await ids();
    const owned = redisRevocationStore({ url: h.redis.url, keyPrefix: 'owned', clock: () => h.now, log: (line) => h.logs.push(line) }) as Store;
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
    expect(h.logs).toEqual([]);
  });
});
