import { describe, expect, it, jest } from '@jest/globals';
import { redisReplayStore, type RedisSetClient } from './redis-replay-store.js';
import { ReplayStoreUnavailableError, type ReplayStore } from './replay-store.js';
import { eventually, haveRedisServer } from './redis-server.spec-support.js';
import { redisStoreHarness } from './redis-revocation-store.spec-support.js';

type Closable = ReplayStore & { close(): Promise<void> };

/** What useOnce answers: true, false, or the 503's message and Retry-After. */
async function answer(store: ReplayStore, key: string, ttlInMs = 60_000): Promise<boolean | [string, number]> {
  try {
    return await store.useOnce(key, ttlInMs);
  } catch (error) {
    expect(error).toBeInstanceOf(ReplayStoreUnavailableError);
    return [(error as Error).message, (error as ReplayStoreUnavailableError).retryAfterSeconds];
  }
}

describe('redisReplayStore options', () => {
  const client: RedisSetClient = { set: () => Promise.resolve('OK') };

  it('takes exactly one of client and url', () => {
    for (const options of [{}, { client, url: 'redis://127.0.0.1:1' }]) {
      expect(() => redisReplayStore(options)).toThrow(new TypeError('redisReplayStore: give exactly one of client and url'));
    }
  });

  it('refuses a commandTimeoutInMs or retryAfterSeconds that is not a number above 0, naming it', () => {
    for (const name of ['commandTimeoutInMs', 'retryAfterSeconds']) {
      for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5']) {
        expect(() => redisReplayStore({ client, [name]: value })).toThrow(new TypeError(`redisReplayStore: ${name} must be a number > 0`));
      }
      expect(() => redisReplayStore({ client, [name]: 0.5 })).not.toThrow();
    }
  });

  it('leaves no timer behind once Redis answered (a shutting-down process does not wait for it)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    try {
      expect(await redisReplayStore({ client }).useOnce('k', 1000)).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers 503 for a reply that is neither OK nor nil', async () => {
    const odd = redisReplayStore({ client: { set: () => Promise.resolve('QUEUED') }, retryAfterSeconds: 4 });
    expect(await answer(odd, 'k')).toEqual(['the Redis replay store answered something unexpected', 4]);
  });
});

(haveRedisServer('replay store (Redis)') ? describe : describe.skip)('redisReplayStore against a real redis-server', () => {
  const h = redisStoreHarness();

  it('records a value once, under nestjs-warden:replay: by default, for its time to live rounded up to whole milliseconds', async () => {
    const store = redisReplayStore({ client: h.client() });
    expect(await answer(store, 'jkt:jti-1', 1500.2)).toBe(true);
    expect(await answer(store, 'jkt:jti-1')).toBe(false);
    expect(await answer(store, 'jkt:jti-2', 0)).toBe(true);
    const pttl = await h.admin.pttl('nestjs-warden:replay:jkt:jti-1');
    expect(pttl).toBeGreaterThan(1400);
    expect(pttl).toBeLessThanOrEqual(1501);
    expect(await h.admin.pttl('nestjs-warden:replay:jkt:jti-2')).toBeLessThanOrEqual(1);
    await h.admin.del('nestjs-warden:replay:jkt:jti-1');
  });

  it('keys values under its keyPrefix, and a value expired is new again', async () => {
    const store = redisReplayStore({ client: h.client(), keyPrefix: 'rp:' });
    expect(await answer(store, 'v', 30)).toBe(true);
    expect(await h.admin.exists('rp:v')).toBe(1);
    await eventually(async () => (await h.admin.exists('rp:v')) === 0, 'the expiry');
    expect(await answer(store, 'v', 30)).toBe(true);
  });

  it('answers 503 with its Retry-After when Redis does not answer within commandTimeoutInMs', async () => {
    const store = redisReplayStore({ client: h.client(), keyPrefix: 'slow:', commandTimeoutInMs: 50, retryAfterSeconds: 3 });
    await h.admin.call('CLIENT', 'PAUSE', '300', 'ALL');
    expect(await answer(store, 'v')).toEqual(['the Redis replay store did not answer', 3]);
    expect(await answer(redisReplayStore({ client: h.client(), commandTimeoutInMs: 50 }), 'w')).toEqual(['the Redis replay store did not answer', 2]);
  });

  it('with a url, opens its own connection and closes it; a client it was given stays open', async () => {
    const given = h.client();
    await (redisReplayStore({ client: given }) as Closable).close();
    expect(await given.ping()).toBe('PONG');
    const owned = redisReplayStore({ url: h.redis.url, keyPrefix: 'own:' }) as Closable;
    expect(await answer(owned, 'v')).toBe(true);
    const named = async () =>
      String(await h.admin.call('CLIENT', 'LIST'))
        .split('\n')
        .filter((line) => line.includes('cmd=set')).length;
    expect(await named()).toBe(1);
    await owned.close();
    await eventually(async () => (await named()) === 0, 'its connection closed');
  });

  it('with a url, answers 503 while Redis is away and reconnects by itself once it is back', async () => {
    const owned = redisReplayStore({ url: h.redis.url, keyPrefix: 'away:', commandTimeoutInMs: 200 }) as Closable;
    try {
      expect(await answer(owned, 'before')).toBe(true);
      await h.redis.kill();
      expect(await answer(owned, 'during')).toEqual(['the Redis replay store did not answer', 2]);
      await h.redis.start();
      let attempt = 0; // a fresh value each time: a SET that timed out on our side may still have been recorded
      await eventually(async () => (await answer(owned, `after-${(attempt += 1)}`)) === true, 'the reconnection', 8000);
    } finally {
      await h.redis.start();
      await owned.close();
    }
  });
});
