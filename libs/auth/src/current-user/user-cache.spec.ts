import { describe, expect, it } from '@jest/globals';
import { memoryRevocationStore } from '../revocation/memory-revocation-store.js';
import { UserCache } from './user-cache.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('UserCache', () => {
  const setup = (maxEntries = 10) => {
    const clock = { now: 1_000 };
    return { clock, cache: new UserCache<string>({ ttlInMs: 1000, maxEntries }, () => clock.now) };
  };

  it('one load per issuer and subject while held; each issuer its own', async () => {
    const { cache } = setup();
    let loads = 0;
    const load = () => Promise.resolve(`user ${++loads}`);
    expect(await cache.through('https://a.test', 'user_1', load)).toBe('user 1');
    expect(await cache.through('https://a.test', 'user_1', load)).toBe('user 1');
    expect(await cache.through('https://b.test', 'user_1', load)).toBe('user 2');
    expect(await cache.through(null, 'user_1', load)).toBe('user 3');
  });

  it('forgets a load that finds nobody or fails; keeps a user for ttlInMs', async () => {
    const { cache, clock } = setup();
    await cache.through('i', 'gone', () => Promise.resolve(null));
    await expect(cache.through('i', 'down', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await settle();
    expect(cache.size).toBe(0);
    await cache.through('i', 'u', () => Promise.resolve('first'));
    clock.now += 999;
    expect(await cache.through('i', 'u', () => Promise.resolve('second'))).toBe('first');
    clock.now += 2;
    expect(await cache.through('i', 'u', () => Promise.resolve('second'))).toBe('second');
  });

  it("invalidates one issuer's subject, or every issuer's; a load in flight then is not kept", async () => {
    const { cache } = setup();
    await cache.through('a', 'u', () => Promise.resolve('a'));
    await cache.through('b', 'u', () => Promise.resolve('b'));
    cache.invalidate('a', 'u');
    expect(await cache.through('a', 'u', () => Promise.resolve('a2'))).toBe('a2');
    expect(await cache.through('b', 'u', () => Promise.resolve('b2'))).toBe('b');
    cache.invalidate(null, 'nobody'); // a subject never loaded: nothing to drop
    expect(cache.size).toBe(2);
    cache.invalidate(null, 'u');
    expect(cache.size).toBe(0);
    let resolve!: (user: string) => void;
    const inFlight = cache.through('a', 'v', () => new Promise<string>((r) => (resolve = r)));
    cache.invalidate('a', 'v');
    resolve('stale');
    expect(await inFlight).toBe('stale');
    expect(await cache.through('a', 'v', () => Promise.resolve('fresh'))).toBe('fresh');
  });

  it('a load that finds nobody after an invalidation leaves the newer load alone', async () => {
    const { cache } = setup();
    let resolve!: (user: string | null) => void;
    const older = cache.through('a', 'v', () => new Promise<string | null>((r) => (resolve = r)));
    cache.invalidate('a', 'v');
    expect(await cache.through('a', 'v', () => Promise.resolve('newer'))).toBe('newer');
    resolve(null);
    expect(await older).toBeNull();
    await settle();
    expect(await cache.through('a', 'v', () => Promise.resolve('third'))).toBe('newer');
  });

  it("keeps a user by the process's clock when given none", async () => {
    const cache = new UserCache<string>({ ttlInMs: 60_000, maxEntries: 10 });
    await cache.through('i', 'u', () => Promise.resolve('first'));
    expect(await cache.through('i', 'u', () => Promise.resolve('second'))).toBe('first');
  });

  it('holds at most maxEntries, the least recently used dropped first', async () => {
    const { cache } = setup(2);
    for (const sub of ['x', 'y', 'z']) await cache.through('i', sub, () => Promise.resolve(sub));
    expect(cache.size).toBe(2);
    expect(await cache.through('i', 'x', () => Promise.resolve('x again'))).toBe('x again');
  });

  it('revocation stores tell listeners of each new revocation, with its issuer (null: every issuer)', async () => {
    const store = memoryRevocationStore();
    const heard: unknown[] = [];
    const stop = store.onRevoked!((revoked) => heard.push(revoked));
    await store.revoke({ iss: 'https://a.test', sub: 'user_1' });
    await store.revoke({ sid: 'sess_1' });
    await store.revoke({ sid: 'sess_1' }, 1); // an earlier until changes nothing: not told again
    stop();
    await store.revoke({ sub: 'user_2' });
    expect(heard).toEqual([
      { field: 'sub', iss: 'https://a.test', value: 'user_1' },
      { field: 'sid', iss: null, value: 'sess_1' },
    ]);
  });
});
