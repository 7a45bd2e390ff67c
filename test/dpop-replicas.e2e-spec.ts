import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AuthModule, redisReplayStore } from 'nestjs-warden';
import { createDpopKey, createTestIssuer, type ServedTestIssuer, type TestDpopKey, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { SenderConstrainedController } from './support/dpop-app.js';
import { createHttpApp } from './support/http-app.js';
import { REDIS_SERVER, startRedis, type RedisProcess } from './support/redis-server.js';
import { hasSystemBinary } from './support/system-binary.js';

const haveRedis = hasSystemBinary(REDIS_SERVER, 'DPoP replay across replicas (Redis)');

/** DPoP-bound tokens with their proofs, and unbound bearer tokens; every replica shares the replay store. */
export function ordersAuthModule(jwksUrl: string, redis: Redis) {
  return AuthModule.forRoot({
    jwksUrl,
    issuer: 'https://auth.example.com',
    audience: 'https://api.example.com',
    dpop: 'allowed',
    dpopProof: {
      publicOrigin: 'https://api.example.com', // the origin clients call, behind the proxy
      replayStore: redisReplayStore({ client: redis }), // one SET NX PX per proof
    },
    global: true,
  });
}

/**
 * Two replicas of one API behind a load balancer share a real redis-server as their replay store:
 * a proof accepted by one is a replay on the other (one `SET NX PX`, no read-then-write race), the
 * key expires in Redis with the proof's window, and with Redis down a proof is never accepted (503).
 */
(haveRedis ? describe : describe.skip)('DPoP replay protection across replicas (redis-server)', () => {
  let redis: RedisProcess;
  let issuer: TestIssuer;
  let served: ServedTestIssuer;
  let key: TestDpopKey;
  let bound: string;
  const apps: INestApplication[] = [];
  const clients: Redis[] = [];
  const urls: string[] = [];
  // Both replicas answer for the same public origin, as behind one load balancer.
  const publicOrigin = 'https://api.example.com';

  const replicaClient = (): Redis => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await startRedis();
    issuer = await createTestIssuer({ issuer: 'https://auth.example.com' });
    served = await issuer.serve();
    key = await createDpopKey();
    bound = await issuer.sign({ sub: 'user_r', aud: publicOrigin, cnf: key.cnf });
    for (let i = 0; i < 2; i += 1) {
      const app = await createHttpApp('express', { imports: [ordersAuthModule(served.jwksUrl, replicaClient())], controllers: [SenderConstrainedController] });
      await app.listen(0, '127.0.0.1');
      apps.push(app);
      urls.push(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`);
    }
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    for (const client of clients) client.disconnect();
    await Promise.all([redis?.kill(), served?.close()]);
  });

  const call = (replica: number, headers: Record<string, string>) => request(urls[replica]).get('/orders').set(headers);

  it('a proof accepted by one replica is a replay on the other', async () => {
    const headers = await key.headers(bound, { method: 'GET', url: `${publicOrigin}/orders` });
    await call(0, headers).expect(200);
    const res = await call(1, headers).expect(401);
    // The documented module runs without debug: the challenge says what was wrong, the body does not.
    expect(res.headers['www-authenticate']).toMatch(/DPoP realm="api", algs="[^"]+", error="invalid_dpop_proof"$/);
    expect(res.body.reason).toBeUndefined();
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
    const ttl = await clients[0].pttl(`nestjs-warden:replay:${key.jkt}:${jti}`);
    // The window: maxAgeInMs (300 s) + twice the skew (5 s), from the proof's iat.
    expect(ttl).toBeGreaterThan(300_000);
    expect(ttl).toBeLessThanOrEqual(310_000);
  });

  it('with Redis down, a proof is never accepted: 503 dpop-replay-unavailable with Retry-After; back up, accepted again', async () => {
    await redis.kill();
    const res = await call(0, await key.headers(bound, { method: 'GET', url: `${publicOrigin}/orders` })).expect(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // A bearer token of an unbound client needs no store.
    await call(0, { authorization: `Bearer ${await issuer.sign({ sub: 'plain', aud: publicOrigin })}` }).expect(200);
    await redis.start();
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
      status = (await call(0, await key.headers(bound, { method: 'GET', url: `${publicOrigin}/orders` }))).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
  });
});
