import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { RedisLikeClient } from './redis-client.js';

/** Stands in for ioredis's Redis class: records what it was built with, never connects. */
class FakeRedis {
  constructor(
    readonly url: string,
    readonly options: { maxRetriesPerRequest: number; retryStrategy: (attempt: number) => number },
  ) {}
}
jest.unstable_mockModule('ioredis', () => ({ Redis: FakeRedis }));
const { connectRedis, ioredisAvailable, quietly, scoredMembers, withTimeout } = await import('./redis-client.js');

const HINT = 'redisRevocationStore({ url }) needs the optional peer dependency "ioredis": npm install ioredis';

/** Follows a promise's settlement without awaiting it (so a test never hangs on one that does not settle). */
function track<T>(promise: Promise<T>): { state: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown } {
  const tracked: { state: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown } = { state: 'pending' };
  promise.then(
    (value) => Object.assign(tracked, { state: 'fulfilled', value }),
    (error: unknown) => Object.assign(tracked, { state: 'rejected', error }),
  );
  return tracked;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('connectRedis', () => {
  it('builds an ioredis Redis for the url that fails fast and backs off to 2 s', async () => {
    const client = (await connectRedis('redis://cache.internal:6380/2')) as unknown as FakeRedis;
    expect(client).toBeInstanceOf(FakeRedis);
    expect(client.url).toBe('redis://cache.internal:6380/2');
    expect(Object.keys(client.options).sort()).toStrictEqual(['maxRetriesPerRequest', 'retryStrategy']);
    expect(client.options.maxRetriesPerRequest).toBe(1);
    const { retryStrategy } = client.options;
    expect([1, 2, 5, 9, 10, 11, 100].map(retryStrategy)).toStrictEqual([200, 400, 1000, 1800, 2000, 2000, 2000]);
  });
});

describe('ioredisAvailable', () => {
  it('is true when ioredis can be imported', async () => {
    await expect(ioredisAvailable()).resolves.toBe(true);
  });
});

describe('without ioredis', () => {
  it('connectRedis rejects with the install hint; ioredisAvailable is false', async () => {
    jest.resetModules();
    jest.unstable_mockModule('ioredis', () => {
      throw new Error("Cannot find package 'ioredis'");
    });
    const missing = await import('./redis-client.js');
    const error = await missing.connectRedis('redis://127.0.0.1:6379').then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor).toBe(Error);
    expect((error as Error).message).toBe(HINT);
    await expect(missing.ioredisAvailable()).resolves.toBe(false);
  });
});

describe('withTimeout', () => {
  it('resolves with the promise when it settles in time, and clears its timer', async () => {
    jest.useFakeTimers();
    const pending = deferred<string>();
    const result = track(withTimeout(pending.promise, 50, 'reload'));
    expect(jest.getTimerCount()).toBe(1);
    await jest.advanceTimersByTimeAsync(49);
    expect(result.state).toBe('pending');
    pending.resolve('done');
    await jest.advanceTimersByTimeAsync(0);
    expect(result).toStrictEqual({ state: 'fulfilled', value: 'done' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('resolves with a promise that has settled already', async () => {
    jest.useFakeTimers();
    const result = track(withTimeout(Promise.resolve(7), 5, 'x'));
    await jest.advanceTimersByTimeAsync(0);
    expect(result).toStrictEqual({ state: 'fulfilled', value: 7 });
    expect(jest.getTimerCount()).toBe(0);
  });

  it("rejects with the promise's own error when it rejects in time, and clears its timer", async () => {
    jest.useFakeTimers();
    const failure = new Error('READONLY');
    const pending = deferred<string>();
    const result = track(withTimeout(pending.promise, 50, 'revoke'));
    pending.reject(failure);
    await jest.advanceTimersByTimeAsync(0);
    expect(result.state).toBe('rejected');
    expect(result.error).toBe(failure);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects exactly after ms when the promise has not settled, naming what timed out', async () => {
    jest.useFakeTimers();
    const pending = deferred<string>();
    const result = track(withTimeout(pending.promise, 25, 'subscribe'));
    await jest.advanceTimersByTimeAsync(24);
    expect(result.state).toBe('pending');
    await jest.advanceTimersByTimeAsync(1);
    expect(result.state).toBe('rejected');
    expect(result.error).toBeInstanceOf(Error);
    expect((result.error as Error).message).toBe('subscribe timed out after 25 ms');
    expect(jest.getTimerCount()).toBe(0);
    pending.resolve('late');
    await jest.advanceTimersByTimeAsync(0);
    expect(result.state).toBe('rejected');
  });

  it('unrefs its timer, so it never keeps the process alive', async () => {
    const timer = { unref: jest.fn() };
    const set = jest.spyOn(globalThis, 'setTimeout').mockImplementation((() => timer) as unknown as typeof setTimeout);
    const clear = jest.spyOn(globalThis, 'clearTimeout').mockImplementation(() => undefined);
    await expect(withTimeout(Promise.resolve('ok'), 30, 'x')).resolves.toBe('ok');
    expect(set).toHaveBeenCalledTimes(1);
    expect(set.mock.calls[0]?.[1]).toBe(30);
    expect(timer.unref).toHaveBeenCalledTimes(1);
    expect(clear.mock.calls).toStrictEqual([[timer]]);
  });

  it('works with a timer that has no unref (other runtimes)', async () => {
    const timer = {};
    jest.spyOn(globalThis, 'setTimeout').mockImplementation((() => timer) as unknown as typeof setTimeout);
    const clear = jest.spyOn(globalThis, 'clearTimeout').mockImplementation(() => undefined);
    const pending = deferred<string>();
    const result = track(withTimeout(pending.promise, 30, 'x'));
    pending.resolve('ok');
    await new Promise((resolve) => setImmediate(resolve));
    expect(result).toStrictEqual({ state: 'fulfilled', value: 'ok' });
    expect(clear.mock.calls).toStrictEqual([[timer]]);
  });
});

describe('scoredMembers', () => {
  it('reads a flat RESP2 reply: member, score, member, score', () => {
    expect(scoredMembers(['sid:a', '1900000000', 'sub@i:b', '1900000001.5'])).toStrictEqual(
      new Map([
        ['sid:a', 1_900_000_000],
        ['sub@i:b', 1_900_000_001.5],
      ]),
    );
  });

  it('reads a RESP3 reply of [member, score] pairs, without changing it', () => {
    const reply = [
      ['sid:a', 1_900_000_000],
      ['jti:b', '1900000002'],
    ];
    const copy = JSON.parse(JSON.stringify(reply)) as unknown;
    expect(scoredMembers(reply)).toStrictEqual(
      new Map([
        ['sid:a', 1_900_000_000],
        ['jti:b', 1_900_000_002],
      ]),
    );
    expect(reply).toStrictEqual(copy);
  });

  it('reads a reply mixing pairs and flat items as flat', () => {
    expect(scoredMembers([['a', '1'], 'b', 'c', '3'])).toStrictEqual(new Map([['c', 3]]));
  });

  it('ignores a trailing member without a score', () => {
    expect(scoredMembers(['a', '1', 'b'])).toStrictEqual(new Map([['a', 1]]));
    expect(scoredMembers(['a'])).toStrictEqual(new Map());
  });

  it('skips members that are not strings and scores that are not finite', () => {
    expect(scoredMembers([5, '1', 'nan', 'x', 'inf', 'inf', 'minus', '-inf', 'ok', '2'])).toStrictEqual(new Map([['ok', 2]]));
    expect(
      scoredMembers([
        [5, 1],
        ['nan', 'x'],
        ['inf', Number.POSITIVE_INFINITY],
        ['ok', 3],
      ]),
    ).toStrictEqual(new Map([['ok', 3]]));
  });

  it('a later score for the same member wins', () => {
    expect(scoredMembers(['a', '1', 'a', '2'])).toStrictEqual(new Map([['a', 2]]));
  });

  it('an empty Map for an empty list or anything that is not a list', () => {
    for (const reply of [[], null, undefined, 'ab', 5, {}, { length: 2, 0: 'a', 1: '1' }]) {
      expect(scoredMembers(reply)).toStrictEqual(new Map());
    }
  });
});

describe('quietly', () => {
  const connection = (status: string, quit: () => Promise<unknown>) => {
    const calls: string[] = [];
    const client = {
      status,
      quit: jest.fn(() => {
        calls.push('quit');
        return quit();
      }),
      disconnect: jest.fn(() => calls.push('disconnect')),
    };
    return { client, calls, asClient: client as unknown as RedisLikeClient };
  };

  it('a ready connection: QUIT, waits for it, then disconnects without reconnecting', async () => {
    const reply = deferred<string>();
    const { client, calls, asClient } = connection('ready', () => reply.promise);
    const done = track(quietly(asClient));
    await Promise.resolve();
    expect(calls).toStrictEqual(['quit']);
    reply.resolve('OK');
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toStrictEqual({ state: 'fulfilled', value: undefined });
    expect(calls).toStrictEqual(['quit', 'disconnect']);
    expect(client.disconnect).toHaveBeenCalledWith();
  });

  it('a connection that is not ready: no QUIT, disconnects', async () => {
    for (const status of ['connecting', 'reconnecting', 'end', 'wait', '']) {
      const { calls, asClient } = connection(status, () => Promise.resolve('OK'));
      await expect(quietly(asClient)).resolves.toBeUndefined();
      expect(calls).toStrictEqual(['disconnect']);
    }
  });

  it('disconnects when QUIT fails or throws', async () => {
    const rejected = connection('ready', () => Promise.reject(new Error('closed')));
    await expect(quietly(rejected.asClient)).resolves.toBeUndefined();
    expect(rejected.calls).toStrictEqual(['quit', 'disconnect']);
    const thrown = connection('ready', () => {
      throw new Error('sync');
    });
    await expect(quietly(thrown.asClient)).resolves.toBeUndefined();
    expect(thrown.calls).toStrictEqual(['quit', 'disconnect']);
  });

  it('gives QUIT 1000 ms, then disconnects', async () => {
    jest.useFakeTimers();
    const { calls, asClient } = connection('ready', () => new Promise<never>(() => undefined));
    const done = track(quietly(asClient));
    await jest.advanceTimersByTimeAsync(999);
    expect(calls).toStrictEqual(['quit']);
    expect(done.state).toBe('pending');
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toStrictEqual(['quit', 'disconnect']);
    expect(done.state).toBe('fulfilled');
  });
});
