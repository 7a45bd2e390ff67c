import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { Auth, AuthModule, RequireAuth, redisRevocationStore, type RevocationStore } from 'nestjs-warden';
import { RevocationUnavailableError } from 'nestjs-warden/core';
import { createTestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { hasSystemBinary } from './support/system-binary.js';
import { REDIS_SERVER, startRedis, within, type RedisProcess } from './support/redis-server.js';
import { startTcpRelay, type TcpRelay } from './support/tcp-relay.js';

const haveRedis = hasSystemBinary(REDIS_SERVER, 'revocation store, silent subscription (Redis)');
const STALE_WINDOW_MS = 300;
// A silent subscription is noticed once a heartbeat has not come back for heartbeatIntervalInMs +
// commandTimeoutInMs; the window then counts from the last heartbeat that did.
const SILENCE = { staleWindowInMs: STALE_WINDOW_MS, heartbeatIntervalInMs: 100, commandTimeoutInMs: 300 };

@Controller()
class MeController {
  @Get('me')
  @RequireAuth()
  me(@Auth('sessionId') sessionId: string): { sessionId: string } {
    return { sessionId };
  }
}

// Issue "Where features meet", item 2: a subscription that stays open and delivers nothing (a stalled
// link, a stale peer) is an outage, as a closed one is: the window, then 503.
(haveRedis ? describe : describe.skip)('redisRevocationStore: a silent subscription counts as an outage', () => {
  let redis: RedisProcess;
  let relay: TcpRelay;
  const open: Array<{ close(): Promise<void> }> = [];
  const clients: Redis[] = [];
  let prefix = 0;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    relay?.resume();
    await Promise.all(open.splice(0).map((s) => s.close()));
    for (const c of clients.splice(0)) c.disconnect();
    await relay?.close();
  });
  afterAll(async () => {
    await redis?.kill();
  });

  /** A replica's store; `port` is where its client (and so its subscriber, a duplicate) connects. */
  const replica = (port: number, options: Record<string, unknown> = {}): RevocationStore & { close(): Promise<void> } => {
    const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    clients.push(client);
    const store = redisRevocationStore({ client, keyPrefix: `silent${prefix}`, log: () => undefined, ...options });
    open.push(store as { close(): Promise<void> });
    return store as RevocationStore & { close(): Promise<void> };
  };
  const unavailable = (store: RevocationStore, claims: Record<string, string>) => {
    try {
      store.isRevoked(claims);
      return false;
    } catch (error) {
      return error instanceof RevocationUnavailableError;
    }
  };

  it('a stalled link: the mirror answers within the window, then 503; known revocations stay refused; it recovers', async () => {
    prefix += 1;
    relay = await startTcpRelay(redis.port);
    const [a, b] = [replica(redis.port), replica(relay.port, SILENCE)];
    await Promise.all([a.ready?.(), b.ready?.()]);
    await a.revoke({ sid: 'sess_before' });
    await within(1000, () => b.isRevoked({ sid: 'sess_before' }), 'b learns sess_before');
    relay.stall(); // b's connections stay open and deliver nothing
    await a.revoke({ sid: 'sess_missed' }); // b never hears of it while stalled
    expect(unavailable(b, { sid: 'sess_other' })).toBe(false); // within the window
    const waited = await within(6 * STALE_WINDOW_MS + 1000, () => unavailable(b, { sid: 'sess_missed' }), 'b answers unavailable');
    expect(waited).toBeGreaterThanOrEqual(STALE_WINDOW_MS - 50);
    expect(b.isRevoked({ sid: 'sess_before' })).toBe(true); // what the mirror knows is still refused
    relay.resume();
    await within(5000, () => !unavailable(b, { sid: 'sess_other' }), 'b resynchronises once the link flows');
    expect(b.isRevoked({ sid: 'sess_missed' })).toBe(true);
    expect(b.isRevoked({ sid: 'sess_other' })).toBe(false);
  });

  it('a subscriber left on a silent link while writes still go through: noticed, logged once, reconnected', async () => {
    prefix += 1;
    relay = await startTcpRelay(redis.port);
    const relayPort = relay.port;
    // Writes reach Redis directly; only the subscription (the duplicate) goes through the relay.
    class SplitRedis extends Redis {
      override duplicate(): Redis {
        const subscriber = new Redis(relayPort, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
        clients.push(subscriber);
        return subscriber;
      }
    }
    const client = new SplitRedis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    clients.push(client);
    const logs: string[] = [];
    const b = redisRevocationStore({ client, keyPrefix: `silent${prefix}`, log: (m) => logs.push(m), ...SILENCE });
    open.push(b as { close(): Promise<void> });
    const a = replica(redis.port);
    await Promise.all([a.ready?.(), b.ready?.()]);
    relay.stall();
    await a.revoke({ sub: 'user_missed' });
    await b.revoke({ sub: 'user_own' }); // b's writes still work: only its subscription is silent
    await within(6 * STALE_WINDOW_MS + 1000, () => unavailable(b, { sub: 'user_other' }), 'b answers unavailable');
    expect(b.isRevoked({ sub: 'user_own' })).toBe(true);
    await within(1000, () => logs.some((m) => m.includes('delivered nothing')), 'the silence is logged');
    await new Promise((resolve) => setTimeout(resolve, 300)); // more heartbeats go unanswered meanwhile
    expect(logs.filter((m) => m.includes('delivered nothing'))).toHaveLength(1);
    expect(logs.join('\n')).not.toMatch(/127\.0\.0\.1|redis:\/\//);
    relay.resume();
    await within(5000, () => !unavailable(b, { sub: 'user_other' }), 'b resynchronises');
    expect(b.isRevoked({ sub: 'user_missed' })).toBe(true);
  });

  it('an app whose Redis link stalls answers 503 with Retry-After past the window, not 200', async () => {
    prefix += 1;
    relay = await startTcpRelay(redis.port);
    const issuer = await createTestIssuer();
    const revocation = replica(relay.port, SILENCE);
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), revocation, global: true })],
      controllers: [MeController],
    }).compile();
    const app: INestApplication = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const token = await issuer.sign({ sub: 'user_1', sid: 'sess_1' });
      const me = () => request(app.getHttpServer()).get('/me').set('authorization', `Bearer ${token}`);
      expect((await me()).status).toBe(200);
      relay.stall();
      await within(6 * STALE_WINDOW_MS + 1000, async () => (await me()).status === 503, 'the app answers 503');
      const res = await me();
      expect(res.status).toBe(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      relay.resume();
      await app.close();
    }
  });
});
