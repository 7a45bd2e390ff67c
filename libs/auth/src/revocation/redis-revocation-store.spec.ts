import { describe, expect, it } from '@jest/globals';
import { redisRevocationStore } from './redis-revocation-store.js';
import type { RedisLikeClient } from './redis-client.js';

// Behaviour against a real redis-server is in test/redis-revocation-store.e2e-spec.ts; here, the
// checks that happen before any connection.
const client = {} as RedisLikeClient;

describe('redisRevocationStore options', () => {
  it('takes exactly one of client and url', () => {
    expect(() => redisRevocationStore({})).toThrow(/exactly one of client and url/);
    expect(() => redisRevocationStore({ client, url: 'redis://127.0.0.1:1' })).toThrow(/exactly one of client and url/);
  });

  it.each([
    ['maxTokenLifetimeInSeconds', 0],
    ['staleWindowInMs', -1],
    ['commandTimeoutInMs', Number.NaN],
    ['retryAfterSeconds', 0],
    ['heartbeatIntervalInMs', 0],
  ])('refuses %s = %p, naming it', (name, value) => {
    expect(() => redisRevocationStore({ client, [name]: value })).toThrow(new RegExp(name));
  });
});

describe('redisRevocationStore option messages', () => {
  const quiet = { client, log: () => undefined };

  it('names the option and what it must be', () => {
    for (const name of ['maxTokenLifetimeInSeconds', 'commandTimeoutInMs', 'retryAfterSeconds', 'heartbeatIntervalInMs']) {
      for (const value of [0, -1, Number.POSITIVE_INFINITY, '5']) {
        expect(() => redisRevocationStore({ ...quiet, [name]: value })).toThrow(new TypeError(`redisRevocationStore: ${name} must be a positive number`));
      }
      expect(() => redisRevocationStore({ ...quiet, [name]: 0.5 })).not.toThrow();
    }
    expect(() => redisRevocationStore({ ...quiet, staleWindowInMs: -1 })).toThrow(
      new TypeError('redisRevocationStore: staleWindowInMs must be a non-negative number'),
    );
    expect(() => redisRevocationStore({ ...quiet, staleWindowInMs: 0 })).not.toThrow();
    expect(() => redisRevocationStore({ client, url: 'redis://127.0.0.1:1' })).toThrow(
      new TypeError('redisRevocationStore: give exactly one of client and url'),
    );
  });
});
