import { describe, expect, it, jest } from '@jest/globals';
import { setTimeout as pause } from 'node:timers/promises';
import { redisRevocationStore } from './redis-revocation-store.js';
import type { RedisLikeClient } from './redis-client.js';
import { eventually, haveRedisServer } from './redis-server.spec-support.js';
import { redisStoreHarness, type Store } from './redis-revocation-store.spec-support.js';

// The Redis store's connections: what it says and where, what it writes back after a resync, a
// reload that fails, heartbeats, and a subscriber that is ready from the start.

(haveRedisServer('revocation store (Redis)') ? describe : describe.skip)('redisRevocationStore connections, against a real redis-server', () => {
  const h = redisStoreHarness();
  const { store, answer, entries, seconds, client } = h;

  it('keys its entries under nestjs-warden:revocation by default, and, without a log option, warns on the console through an outage of the connections it opened', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const owned = h.track(redisRevocationStore({ url: h.redis.url, clock: () => h.now }) as Store);
      await owned.ready();
      await owned.revoke({ sid: 'default-prefix' }, seconds() + 60);
      expect(await entries('nestjs-warden:revocation')).toEqual({ 'sid:default-prefix': seconds() + 60 });
      await h.redis.kill();
      await eventually(() => warn.mock.calls.length > 0, 'the outage said');
      expect(warn.mock.calls).toEqual([['[nestjs-warden] revocation store: lost Redis; serving the local mirror for 30000 ms, then 503 until it is back']]);
      await h.redis.start();
      await eventually(() => warn.mock.calls.length > 1, 'the way back said', 10_000);
      expect(warn.mock.calls[1]).toEqual(['[nestjs-warden] revocation store: Redis is back; the mirror is synchronised']);
    } finally {
      await h.redis.start();
      await h.admin.del('nestjs-warden:revocation:entries');
      warn.mockRestore();
    }
  });

  it('rejects a revoke Redis does not answer within commandTimeoutInMs, saying so', async () => {
    const replica = store({ commandTimeoutInMs: 50 });
    await replica.ready();
    await h.admin.call('CLIENT', 'PAUSE', '300', 'ALL');
    await expect(replica.revoke({ sid: 's' }, seconds() + 60)).rejects.toThrow(new Error('revoke timed out after 50 ms'));
    expect(answer(replica, { sid: 's' })).toBe(true);
  });

  it('writes back after a resync exactly what Redis lacks, and nothing when it lacks nothing', async () => {
    const listener = client();
    const published: string[] = [];
    listener.on('message', (_channel: string, message: string) => published.push(message));
    await listener.subscribe('repair:events');
    const replica = store({}, 'repair');
    await replica.ready();
    const until = seconds() + 600;
    await replica.revoke({ jti: 'a' }, until);
    await replica.revoke({ jti: 'b' }, until);
    await h.admin.zrem('repair:entries', 'jti:a');
    // Drop the replica's subscription (not the listener's): it reconnects and resynchronises.
    const listenerId = String(await listener.client('ID'));
    const pubsub = String(await h.admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
    for (const id of pubsub.match(/\bid=\d+/g) ?? []) if (id !== `id=${listenerId}`) await h.admin.client('KILL', 'ID', id.slice(3));
    await eventually(async () => Object.keys(await entries('repair')).length === 2, 'the write-back');
    await eventually(() => published.length === 3, 'its message');
    expect(published.map((message) => JSON.parse(message) as unknown)).toEqual([
      ['jti:a', String(until)],
      ['jti:b', String(until)],
      ['jti:a', String(until)],
    ]);
  });

  it('retries a reload that fails every second, 503 meanwhile, and says when it is back', async () => {
    await h.admin.set('wrongtype:entries', 'not a sorted set');
    const replica = store({}, 'wrongtype');
    await pause(100);
    expect(answer(replica, { sid: 's' })).toBe('the revocation store has not synchronised yet');
    await h.admin.del('wrongtype:entries');
    await replica.ready();
    expect(answer(replica, { sid: 's' })).toBe(false);
    expect(h.logs).toEqual(['revocation store: Redis is back; the mirror is synchronised']);
  });

  it('hears its own heartbeats: a subscription that delivers them is never silent, whatever the time', async () => {
    const replica = store({ heartbeatIntervalInMs: 20, commandTimeoutInMs: 1000, staleWindowInMs: 0 });
    await replica.ready();
    // Two seconds of the test clock in small steps, each long enough for a heartbeat to come back.
    for (let step = 0; step < 100; step += 1) {
      h.now += 20;
      await pause(10);
    }
    expect(answer(replica, { sid: 's' })).toBe(false);
    expect(h.logs).toEqual([]);
  });

  it('synchronises with a subscriber that is ready as soon as it is made (no ready event to wait for), and listens for its errors', async () => {
    const main = client();
    const subscriber = client();
    await Promise.all([main.ping(), subscriber.ping()]);
    const errorListeners = subscriber.listenerCount('error');
    const given = new Proxy(main, {
      get: (target, name) => (name === 'duplicate' ? () => subscriber : (Reflect.get(target, name, target) as unknown)),
    }) as unknown as RedisLikeClient;
    const replica = h.track(redisRevocationStore({ client: given, keyPrefix: 'readysub', clock: () => h.now, log: (line) => h.logs.push(line) }) as Store);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 2000)));
    const synced = await Promise.race([replica.ready().then(() => true), gaveUp]);
    clearTimeout(timer);
    expect(synced).toBe(true);
    expect(answer(replica, { sid: 's' })).toBe(false);
    // It handles its subscriber's errors (ioredis reports an error nobody listens to as unhandled).
    expect(subscriber.listenerCount('error')).toBe(errorListeners + 1);
  });
});
