import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication, Type } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ADAPTERS, type AdapterName } from './support/http-app.js';
import { clerkEvent, newSigningSecret, sessionData, signDelivery } from './support/clerk-webhook-sender.js';
import { REDIS_SERVER, startRedis, within, type RedisProcess } from './support/redis-server.js';
import { hasSystemBinary } from './support/system-binary.js';

// The demo reads CLERK_WEBHOOK_SIGNING_SECRET when its module is defined: set it, then import it.
const secret = newSigningSecret();
let AppModule: Type;
beforeAll(async () => {
  process.env.CLERK_WEBHOOK_SIGNING_SECRET = secret;
  ({ AppModule } = await import('../src/app.module.js'));
});
afterAll(() => {
  delete process.env.CLERK_WEBHOOK_SIGNING_SECRET;
  delete process.env.REDIS_URL;
});

async function startDemo(adapter: AdapterName): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app =
    adapter === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false, rawBody: true })
      : moduleRef.createNestApplication({ logger: false, rawBody: true });
  await app.init();
  if (adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return app;
}

/** The revocation flow as a user of the demo sees it. */
async function revocationFlow(app: INestApplication): Promise<void> {
  const server = app.getHttpServer();
  const mint = async (claims: object) => (await request(server).post('/dev/tokens').send(claims).expect(201)).body.token as string;
  const me = async (token: string) => (await request(server).get('/me').set('authorization', `Bearer ${token}`)).status;

  const token = await mint({ sub: 'user_demo', sid: 'sess_demo' });
  expect(await me(token)).toBe(200);
  expect((await request(server).post('/dev/revoke').send({ sid: 'sess_demo' })).status).toBe(200);
  expect(await me(token)).toBe(401);

  const other = await mint({ sub: 'user_webhook', sid: 'sess_webhook' });
  expect(await me(other)).toBe(200);
  const delivery = signDelivery(secret, clerkEvent('session.ended', sessionData('sess_webhook', 'user_webhook')));
  const res = await request(server).post('/webhooks/clerk').set(delivery.headers).send(delivery.body);
  expect(res.status).toBe(200);
  expect(await me(other)).toBe(401);

  const user = await mint({ sub: 'user_all', sid: 'sess_all_1' });
  expect((await request(server).post('/dev/revoke').send({ sub: 'user_all' })).status).toBe(200);
  expect(await me(user)).toBe(401);
  for (const bad of [{}, { sid: 'a', sub: 'b' }, { sid: '' }, { sid: 42 }, { jti: 'x' }, []]) {
    expect((await request(server).post('/dev/revoke').send(bad)).status).toBe(400);
  }
}

describe.each(ADAPTERS)('the demo revokes with its memory store (%s)', (adapter) => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  it('POST /dev/revoke and a Clerk webhook revoke; bad requests are 400', async () => {
    delete process.env.REDIS_URL;
    const app = await startDemo(adapter);
    apps.push(app);
    await revocationFlow(app);
  });
});

const haveRedis = hasSystemBinary(REDIS_SERVER, 'demo with REDIS_URL');
(haveRedis ? describe : describe.skip)('the demo with REDIS_URL', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.kill();
  });

  it('uses Redis: a revocation made through one instance is refused by another', async () => {
    process.env.REDIS_URL = redis.url;
    const [first, second] = [await startDemo('express'), await startDemo('express')];
    try {
      await revocationFlow(first);
      // The two instances have different dev issuers (keys): the second one checks its own token.
      const server = second.getHttpServer();
      const token = (await request(server).post('/dev/tokens').send({ sub: 'user_all', sid: 'sess_other' }).expect(201)).body.token as string;
      // user_all was revoked through the first instance.
      await within(2000, async () => (await request(server).get('/me').set('authorization', `Bearer ${token}`)).status === 401, 'refused by the second');
    } finally {
      await first.close();
      await second.close();
      delete process.env.REDIS_URL;
    }
  });
});
