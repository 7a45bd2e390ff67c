import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { Test } from '@nestjs/testing';
import { AuthModule, redisRevocationStore, type RevocationStore } from 'nestjs-warden';
import { RevocationUnavailableError } from 'nestjs-warden/core';
import { hasSystemBinary } from './support/system-binary.js';
import { freePort, REDIS_SERVER, startRedis, within, type RedisProcess } from './support/redis-server.js';

const haveRedis = hasSystemBinary(REDIS_SERVER, 'revocation store (Redis)');

(haveRedis ? describe : describe.skip)('redisRevocationStore against a real redis-server', () => {
  let redis: RedisProcess;
  const open: Array<{ close(): Promise<void> }> = [];
  const clients: Redis[] = [];
  let prefix = 0;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    await redis?.kill();
  });

  /** A replica's store: its own client, like a separate process. */
  const replica = (options: Record<string, unknown> = {}, keyPrefix = `t${prefix}`): RevocationStore & { close(): Promise<void> } => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    clients.push(client);
    const store = redisRevocationStore({ client, keyPrefix, log: () => undefined, ...options }) as RevocationStore & { close(): Promise<void> };
    open.push(store);
    return store;
  };
  const unavailable = (store: RevocationStore, claims: Record<string, string>) => {
    try {
      store.isRevoked(claims);
      return false;
    } catch (error) {
      return error instanceof RevocationUnavailableError;
    }
  };

  it('a revocation on one replica reaches the other through pub/sub; sub refuses every session of the user', async () => {
    prefix += 1;
    const [a, b] = [replica(), replica()];
    await Promise.all([a.ready?.(), b.ready?.()]);
    expect(b.isRevoked({ sub: 'user_1', sid: 'sess_1' })).toBe(false);
    await a.revoke({ sid: 'sess_1' });
    expect(a.isRevoked({ sub: 'user_1', sid: 'sess_1' })).toBe(true);
    await within(1000, () => b.isRevoked({ sub: 'user_1', sid: 'sess_1' }), 'sid reaches replica b');
    await a.revoke({ sub: 'user_2' });
    await within(1000, () => b.isRevoked({ sub: 'user_2', sid: 'sess_any' }), 'sub reaches replica b');
    expect(b.isRevoked({ sub: 'user_3', sid: 'sess_3' })).toBe(false);
  });

  it('a replica that boots later loads what was revoked before; Redis holds entries with expiry only', async () => {
    prefix += 1;
    const a = replica();
    await a.ready?.();
    const nowSeconds = Math.floor(Date.now() / 1000);
    await a.revoke({ sid: 'sess_old' }, nowSeconds + 60);
    await a.revoke({ sid: 'sess_expired' }, nowSeconds - 1);
    const late = replica();
    await late.ready?.();
    expect(late.isRevoked({ sid: 'sess_old' })).toBe(true);
    expect(late.isRevoked({ sid: 'sess_expired' })).toBe(false);
    const raw = clients[0];
    expect(await raw.zrange(`t${prefix}:entries`, '0', '-1')).toEqual(['sid:sess_old']); // the expired one was trimmed
    expect(await raw.ttl(`t${prefix}:entries`)).toBe(-1);
  });

  it('boot without Redis: unavailable until the first sync, never a crash; then it answers', async () => {
    const port = await freePort();
    const store = redisRevocationStore({ url: `redis://127.0.0.1:${port}`, log: () => undefined, retryAfterSeconds: 3 });
    open.push(store as { close(): Promise<void> });
    let caught: unknown;
    try {
      store.isRevoked({ sid: 'x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RevocationUnavailableError);
    expect((caught as RevocationUnavailableError).retryAfterSeconds).toBe(3);
    await expect(store.revoke({ sid: 'x' })).rejects.toThrow();
    expect(store.isRevoked({ sid: 'x' })).toBe(true); // recorded locally, refused here at once
    expect(unavailable(store, { sid: 'y' })).toBe(true);
    const late = await startRedis(port);
    try {
      await within(5000, () => !unavailable(store, { sid: 'y' }), 'the first sync once Redis is up');
      expect(store.isRevoked({ sid: 'y' })).toBe(false);
      expect(store.isRevoked({ sid: 'x' })).toBe(true);
    } finally {
      await store.close?.();
      await late.kill();
    }
  });

  it('a replica whose subscription was cut while another revoked catches up on reconnect', async () => {
    prefix += 1;
    const [a, b] = [replica(), replica({ staleWindowInMs: 400 })];
    await Promise.all([a.ready?.(), b.ready?.()]);
    const admin = clients[0];
    // Cut every subscription; the revocation below is published while they reconnect.
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await a.revoke({ sid: 'sess_missed' });
    await within(3000, () => b.isRevoked({ sid: 'sess_missed' }), 'b reloads after reconnecting');
  });

  it('Redis killed and restarted empty: no revocation lost, the window, then 503 until resync', async () => {
    prefix += 1;
    const [a, b] = [replica({ staleWindowInMs: 500 }), replica({ staleWindowInMs: 500 })];
    await Promise.all([a.ready?.(), b.ready?.()]);
    await a.revoke({ sid: 'sess_before' });
    await within(1000, () => b.isRevoked({ sid: 'sess_before' }), 'b learns sess_before');
    await redis.kill();
    await expect(a.revoke({ sid: 'sess_during' })).rejects.toThrow(); // the caller (a webhook) is told to retry
    expect(a.isRevoked({ sid: 'sess_during' })).toBe(true);
    // Within the window: the mirror answers.
    expect(b.isRevoked({ sid: 'sess_other' })).toBe(false);
    expect(b.isRevoked({ sid: 'sess_before' })).toBe(true);
    await within(3000, () => unavailable(b, { sid: 'sess_other' }), 'the window ends in unavailable');
    expect(b.isRevoked({ sid: 'sess_before' })).toBe(true); // a known revocation is still refused
    await redis.start(); // empty: no persistence
    await within(5000, () => !unavailable(b, { sid: 'sess_other' }) && !unavailable(a, { sid: 'sess_other' }), 'both resync');
    await within(3000, () => b.isRevoked({ sid: 'sess_during' }), 'what a recorded during the outage reaches b');
    const fresh = replica({}, `t${prefix}`);
    await fresh.ready?.();
    await within(3000, () => fresh.isRevoked({ sid: 'sess_before' }) && fresh.isRevoked({ sid: 'sess_during' }), 'Redis was written back');
  });

  it('the module waits for the first sync at boot and closes the store connections on shutdown', async () => {
    const admin = new Redis(redis.url);
    clients.push(admin);
    const connections = async () =>
      String(await admin.call('CLIENT', 'LIST'))
        .trim()
        .split('\n').length;
    const before = await connections();
    const revocation = redisRevocationStore({ url: redis.url, log: () => undefined });
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ secret: 'a-test-secret-of-at-least-32-bytes!!', revocation })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    expect(revocation.isRevoked({ sid: 'nobody' })).toBe(false); // synchronised before the app serves
    expect(await connections()).toBe(before + 2); // the store's client and its subscriber
    await app.close();
    await within(2000, async () => (await connections()) === before, 'both connections closed');
  });
});
