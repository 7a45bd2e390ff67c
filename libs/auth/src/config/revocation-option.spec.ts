import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { RedisLikeClient } from '../revocation/redis-client.js';
import type { RevocationStore } from '../revocation/revocation-store.js';
import { AuthConfigError } from './auth-config-error.js';

// Whether the optional peer `ioredis` can be loaded is what the machine has installed: the spec
// decides it instead, and no store it builds ever opens a connection.
let ioredisInstalled = true;
const actualRedisClient = await import('../revocation/redis-client.js');
jest.unstable_mockModule('../revocation/redis-client.js', () => ({
  ...actualRedisClient,
  ioredisAvailable: () => Promise.resolve(ioredisInstalled),
  connectRedis: () => Promise.reject(new Error('a unit spec opens no connection')),
}));
const { isRevocationDeclaration, revocationStoreOf } = await import('./revocation-option.js');

type Closable = RevocationStore & { close?(): Promise<void> };
const built: Closable[] = [];

afterEach(async () => {
  ioredisInstalled = true;
  for (const store of built.splice(0)) await store.close?.();
});

/** The store `option` declares, closed after the test. */
async function storeOf(option: unknown): Promise<Closable> {
  const store: Closable | undefined = await revocationStoreOf(option);
  if (!store) throw new Error('expected a store');
  built.push(store);
  return store;
}

/** The config error `revocationStoreOf(option)` rejects with (anything else, or a store, fails the test). */
async function refusal(option: unknown): Promise<AuthConfigError> {
  let caught: unknown;
  try {
    const store: Closable | undefined = await revocationStoreOf(option);
    if (store) built.push(store);
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof AuthConfigError)) throw new Error(`expected an AuthConfigError, got ${String(caught)}`);
  return caught;
}

async function expectRefused(option: unknown, name: string, problem: string): Promise<void> {
  const error = await refusal(option);
  expect([error.option, error.message]).toEqual([name, `nestjs-warden: invalid option "${name}": ${problem}`]);
}

/** A client that answers nothing and is never ready: the store waits, and opens nothing. */
function idleClient(): RedisLikeClient {
  const client: RedisLikeClient = {
    status: 'connecting',
    duplicate: () => client,
    on: () => client,
    subscribe: () => new Promise(() => undefined),
    publish: () => new Promise(() => undefined),
    eval: () => new Promise(() => undefined),
    zrangebyscore: () => new Promise(() => undefined),
    quit: () => Promise.resolve('OK'),
    disconnect: () => undefined,
  };
  return client;
}

const aStore = (): RevocationStore => ({ revoke: () => Promise.resolve(), isRevoked: () => false });

describe('isRevocationDeclaration', () => {
  it.each([
    ['{ memory: true }', { memory: true }],
    ['{ memory: {} }', { memory: {} }],
    ['{ memory: false } (refused later)', { memory: false }],
    ['{ redis: {} }', { redis: {} }],
    ['{ redis: undefined } (refused later)', { redis: undefined }],
    ['both (refused later)', { memory: true, redis: {} }],
    ['an isRevoked that is not a function', { memory: true, isRevoked: true }],
  ])('is true for %s', (_, value) => {
    expect(isRevocationDeclaration(value)).toBe(true);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'memory'],
    ['a number', 1],
    ['an array with a memory property', Object.assign([], { memory: true })],
    ['an object without memory or redis', { mem: true }],
    ['an empty object', {}],
    ['a store', aStore()],
    ['a store that also has memory', { ...aStore(), memory: true }],
    ['a store that also has redis', { ...aStore(), redis: {} }],
  ])('is false for %s', (_, value) => {
    expect(isRevocationDeclaration(value)).toBe(false);
  });
});

describe('revocationStoreOf: what is not a declaration', () => {
  it('returns a store as it is, and nothing as nothing', async () => {
    const store = aStore();
    await expect(revocationStoreOf(store)).resolves.toBe(store);
    await expect(revocationStoreOf(undefined)).resolves.toBeUndefined();
  });

  it('returns what is neither as it is (the module checks stores elsewhere)', async () => {
    const other = { revoke: 1 };
    await expect(revocationStoreOf(other)).resolves.toBe(other);
  });
});

describe('revocationStoreOf: one store', () => {
  it.each([
    ['memory and redis', { memory: true, redis: { url: 'redis://h' } }],
    ['memory and extra', { memory: true, extra: 1 }],
    ['extra and redis', { extra: 1, redis: {} }],
  ])('refuses a declaration of %s', async (got, option) => {
    await expectRefused(option, 'revocation', `declare one store: { memory: ... } or { redis: ... }, got ${got}`);
  });
});

describe('revocationStoreOf: memory', () => {
  it('builds a memory store from true, with the default settings', async () => {
    const store = await storeOf({ memory: true });
    await store.revoke({ sub: 'user_1' });
    expect(store.isRevoked({ sub: 'user_1' })).toBe(true);
    expect(store.isRevoked({ sub: 'user_2' })).toBe(false);
  });

  it('builds it with the given settings', async () => {
    let now = 1_000_000;
    const store = await storeOf({ memory: { maxEntries: 1, maxTokenLifetimeInSeconds: 10, clock: () => now } });
    await store.revoke({ sub: 'user_1' });
    await expect(store.revoke({ sub: 'user_2' })).rejects.toThrow('memoryRevocationStore: full (maxEntries 1 revocations in force)');
    expect(store.isRevoked({ sub: 'user_1' })).toBe(true);
    now += 11_000;
    expect(store.isRevoked({ sub: 'user_1' })).toBe(false);
  });

  it('builds it from empty settings', async () => {
    const store = await storeOf({ memory: {} });
    await store.revoke({ sid: 'sess_1' });
    expect(store.isRevoked({ sid: 'sess_1' })).toBe(true);
  });

  it.each([
    ['false', false],
    ['null', null],
    ['a number', 100],
    ['a string', 'true'],
    ['an array', [{ maxEntries: 1 }]],
  ])('refuses memory: %s', async (_, memory) => {
    await expectRefused({ memory }, 'revocation.memory', 'expected true or the settings of memoryRevocationStore()');
  });

  it('refuses an unknown setting, naming it with the closest known one', async () => {
    await expectRefused(
      { memory: { maxEntrys: 5 } },
      'revocation.memory.maxEntrys',
      'unknown option "revocation.memory.maxEntrys" (did you mean "revocation.memory.maxEntries"?)',
    );
    await expectRefused({ memory: { url: 'redis://h' } }, 'revocation.memory.url', 'unknown option "revocation.memory.url"');
  });

  it("names the setting the store's own check refuses, without the store's name", async () => {
    await expectRefused({ memory: { maxEntries: 0 } }, 'revocation.memory', 'maxEntries must be a whole number of at least 1');
    await expectRefused({ memory: { maxTokenLifetimeInSeconds: -1 } }, 'revocation.memory', 'maxTokenLifetimeInSeconds must be a positive number');
  });

  it('drops only a leading word and colon from a TypeError', async () => {
    const throwing = (error: unknown) => ({
      memory: {
        get maxEntries(): number {
          throw error;
        },
      },
    });
    await expectRefused(throwing(new TypeError('store: entries: bad')), 'revocation.memory', 'entries: bad');
    await expectRefused(throwing(new TypeError('two words: bad')), 'revocation.memory', 'two words: bad');
    await expectRefused(throwing(new TypeError('no colon here')), 'revocation.memory', 'no colon here');
  });

  it('lets any other error of the build through as it is', async () => {
    const throwing = (error: unknown) => ({
      memory: {
        get clock(): () => number {
          throw error;
        },
      },
    });
    const error = new RangeError('store: out of range');
    await expect(revocationStoreOf(throwing(error))).rejects.toBe(error);
    await expect(revocationStoreOf(throwing('a string'))).rejects.toBe('a string');
  });
});

describe('revocationStoreOf: redis', () => {
  it('builds a Redis store on a given client, whether ioredis is installed or not', async () => {
    const store = await storeOf({ redis: { client: idleClient() } });
    expect(store.isRevoked).toEqual(expect.any(Function));
    expect(() => store.isRevoked({ sub: 'user_1' })).toThrow('the revocation store has not synchronised yet');
    ioredisInstalled = false;
    const without = await storeOf({ redis: { client: idleClient(), keyPrefix: 'app' } });
    expect(() => without.isRevoked({ sub: 'user_1' })).toThrow('the revocation store has not synchronised yet');
  });

  it('takes every setting of redisRevocationStore(), then lets the store check their values', async () => {
    await expectRefused(
      {
        redis: {
          client: idleClient(),
          keyPrefix: 'p',
          maxTokenLifetimeInSeconds: 60,
          staleWindowInMs: 0,
          heartbeatIntervalInMs: 500,
          commandTimeoutInMs: 100,
          retryAfterSeconds: 0,
          log: () => undefined,
          clock: () => 0,
        },
      },
      'revocation.redis',
      'retryAfterSeconds must be a positive number',
    );
    await expectRefused({ redis: { url: 'redis://h', commandTimeoutInMs: -1 } }, 'revocation.redis', 'commandTimeoutInMs must be a positive number');
  });

  it.each(['redis://h', 'rediss://cache.example.com:6380/0', 'redis://:secret@h'])('takes the URL %s (then builds the store)', async (url) => {
    // The store's own check stops it before it would connect.
    await expectRefused({ redis: { url, maxTokenLifetimeInSeconds: 0 } }, 'revocation.redis', 'maxTokenLifetimeInSeconds must be a positive number');
  });

  it('refuses a url and a client together (the store takes one of them), even without ioredis', async () => {
    ioredisInstalled = false;
    await expectRefused({ redis: { url: 'redis://h', client: idleClient() } }, 'revocation.redis', 'give exactly one of client and url');
  });

  it('refuses neither url nor client, with or without ioredis (there is no url to connect to)', async () => {
    await expectRefused({ redis: {} }, 'revocation.redis', 'give exactly one of client and url');
    ioredisInstalled = false;
    await expectRefused({ redis: {} }, 'revocation.redis', 'give exactly one of client and url');
  });

  it('refuses a url without ioredis installed, before building anything', async () => {
    ioredisInstalled = false;
    await expectRefused({ redis: { url: 'redis://h' } }, 'revocation.redis', 'needs the optional peer dependency "ioredis": npm install ioredis');
    await expectRefused(
      { redis: { url: 'redis://h', maxTokenLifetimeInSeconds: 0 } },
      'revocation.redis',
      'needs the optional peer dependency "ioredis": npm install ioredis',
    );
  });

  it.each([
    ['http://h', 'string'],
    ['redis://', 'string'],
    ['redis:/h', 'string'],
    ['redi://h', 'string'],
    ['redisss://h', 'string'],
    [' redis://h', 'string'],
    ['REDIS://h', 'string'],
    ['', 'an empty string'],
    [42, 'number'],
    [null, 'object'],
    [{ host: 'h' }, 'object'],
    [['redis://h'], 'object'],
  ])('refuses the url %p', async (url, got) => {
    await expectRefused({ redis: { url } }, 'revocation.redis.url', `expected a redis:// or rediss:// URL, got ${got}`);
  });

  it('checks the url before ioredis', async () => {
    ioredisInstalled = false;
    await expectRefused({ redis: { url: 'http://h' } }, 'revocation.redis.url', 'expected a redis:// or rediss:// URL, got string');
  });

  it.each([
    ['a URL string', 'redis://h'],
    ['null', null],
    ['true', true],
    ['an array', [{ url: 'redis://h' }]],
  ])('refuses redis: %s', async (_, redis) => {
    await expectRefused({ redis }, 'revocation.redis', 'expected the settings of redisRevocationStore(): { url } or { client }');
  });

  it('refuses an unknown setting, naming it with the closest known one', async () => {
    await expectRefused(
      { redis: { url: 'redis://h', keyprefix: 'x' } },
      'revocation.redis.keyprefix',
      'unknown option "revocation.redis.keyprefix" (did you mean "revocation.redis.keyPrefix"?)',
    );
    await expectRefused({ redis: { client: idleClient(), maxEntries: 5 } }, 'revocation.redis.maxEntries', 'unknown option "revocation.redis.maxEntries"');
  });
});
