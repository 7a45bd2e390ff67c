import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { redisReplayStore, type ReplayStore } from 'nestjs-warden';
import { createDpopKey, createTestIssuer, type TestDpopKey, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { startSenderConstrainedApp } from './support/dpop-app.js';
import { REDIS_SERVER, startRedis, type RedisProcess } from './support/redis-server.js';
import { hasSystemBinary } from './support/system-binary.js';

const haveRedis = hasSystemBinary(REDIS_SERVER, 'DPoP replay across replicas (Redis)');

/**
 * Two replicas of one API behind a load balancer share a real redis-server as their replay store:
 * a proof accepted by one is a replay on the other (one `SET NX PX`, no read-then-write race), the
 * key expires in Redis with the proof's window, and with Redis down a proof is never accepted (503).
 */
(haveRedis ? describe : describe.skip)('DPoP replay protection across replicas (redis-server)', () => {
  let redis: RedisProcess;
  let issuer: TestIssuer;
  let key: TestDpopKey;
  let bound: string;
  const apps: INestApplication[] = [];
  const clients: Redis[] = [];
  const urls: string[] = [];
  // Both replicas answer for the same public origin, as behind one load balancer.
  const publicOrigin = 'https://api.example.com';

  const replicaStore = (): ReplayStore => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    client.on('error', () => undefined);
    clients.push(client);
    return redisReplayStore({ client, keyPrefix: 'dpop-e2e:', commandTimeoutInMs: 500 });
  };

  beforeAll(async () => {
    redis = await startRedis();
    issuer = await createTestIssuer();
    key = await createDpopKey();
    bound = await issuer.sign({ sub: 'user_r', cnf: key.cnf });
    for (let i = 0; i < 2; i += 1) {
      const { app, url } = await startSenderConstrainedApp('express', issuer, { dpop: 'allowed', dpopProof: { publicOrigin, replayStore: replicaStore() } });
      apps.push(app);
      urls.push(url);
    }
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    for (const client of clients) client.disconnect();
    await redis?.kill();
  });

  const call = (replica: number, headers: Record<string, string>) => request(urls[replica]).get('/orders').set(headers);

  it('a proof accepted by one replica is a replay on the other', async () => {
    const headers = await key.headers(bound, { method: 'GET', url: `${publicOrigin}/orders` });
    await call(0, headers).expect(200);
    const res = await call(1, headers).expect(401);
    expect(res.body.reason).toBe('dpop-proof-replayed');
    // A fresh proof is fine on either.
    await call(1, await key.headers(bound, { method: 'GET', url: `${publicOrigin}/orders` })).expect(200);
  });

  it('the same proof sent to both replicas at once is accepted exactly once', async () => {
    for (let round = 0; round < 5; round += 1) {
      const headers = await key.headers(bound, { method: 'GET', url: `${publicOrigin}/orders` });
      const statuses = (await Promise.all([0, 1, 0, 1].map((replica) => call(replica, headers)))).map((res) => res.status).sort();
      expect(statuses).toEqual([200, 401, 401, 401]);
    }
  });

  it('Redis holds each used proof with an expiry of its window, never longer', async () => {
    const jti = `jti-${Date.now()}`;
    const proof = await key.proof({ method: 'GET', url: `${publicOrigin}/orders`, accessToken: bound, jti });
    await call(0, { authorization: `DPoP ${bound}`, dpop: proof }).expect(200);
    const ttl = await clients[0].pttl(`dpop-e2e:${key.jkt}:${jti}`);
    // The window: maxAgeInMs (300 s) + twice the skew (5 s), from the proof's iat.
    expect(ttl).toBeGreaterThan(300_000);
    expect(ttl).toBeLessThanOrEqual(310_000);
  });

  it('with Redis down, a proof is never accepted: 503 dpop-replay-unavailable with Retry-After; back up, accepted again', async () => {
    await redis.kill();
    const res = await call(0, await key.headers(bound, { method: 'GET', url: `${publicOrigin}/orders` })).expect(503);
    expect(res.body.reason).toBe('dpop-replay-unavailable');
    expect(res.headers['retry-after']).toBe('2');
    // A bearer token of an unbound client needs no store.
    await call(0, { authorization: `Bearer ${await issuer.sign({ sub: 'plain' })}` }).expect(200);
    await redis.start();
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
      status = (await call(0, await key.headers(bound, { method: 'GET', url: `${publicOrigin}/orders` }))).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
  });
});
