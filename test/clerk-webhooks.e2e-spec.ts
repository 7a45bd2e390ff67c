import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module, Post, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Auth, AuthConfigError, AuthModule, memoryRevocationStore, RequireAuth, type RevocationStore } from 'nestjs-warden';
import { ClerkEvent, ClerkWebhook, ClerkWebhooksModule, type ClerkWebhookEvent } from 'nestjs-warden/clerk-webhooks';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, type AdapterName } from './support/http-app.js';
import { clerkEvent, newSigningSecret, sessionData, signDelivery } from './support/clerk-webhook-sender.js';

/** What the app's handler saw. */
@Injectable()
class SeenEvents {
  readonly types: string[] = [];
}

@Controller('webhooks')
export class ClerkWebhooksController {
  constructor(private readonly seen: SeenEvents) {}

  @Post('clerk')
  @ClerkWebhook()
  receive(@ClerkEvent() event: ClerkWebhookEvent): { received: string } {
    // Session endings and user.deleted are already revoked here; every event reaches this handler.
    if (event.type === 'user.created') this.seen.types.push(`created ${String(event.data.id)}`);
    this.seen.types.push(event.type);
    return { received: event.type };
  }
}

@Controller()
class MeController {
  @Get('me')
  @RequireAuth()
  me(@Auth('sessionId') sessionId: string): { sessionId: string } {
    return { sessionId };
  }
}

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});

async function boot(adapter: AdapterName, secret: string, store: RevocationStore): Promise<INestApplication> {
  @Module({
    imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), revocation: store, global: true }), ClerkWebhooksModule.forRoot({ signingSecret: secret })],
    controllers: [ClerkWebhooksController, MeController],
    providers: [SeenEvents],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app =
    adapter === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false, rawBody: true })
      : moduleRef.createNestApplication({ logger: false, rawBody: true });
  await app.init();
  if (adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return app;
}

describe.each(ADAPTERS)('Clerk webhooks on %s', (adapter) => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });
  const start = async (store: RevocationStore = memoryRevocationStore()) => {
    const secret = newSigningSecret();
    const app = await boot(adapter, secret, store);
    apps.push(app);
    const post = (delivery: { body: string; headers: Record<string, string> }) =>
      request(app.getHttpServer()).post('/webhooks/clerk').set(delivery.headers).send(delivery.body);
    const me = async (claims: Record<string, unknown>) =>
      (
        await request(app.getHttpServer())
          .get('/me')
          .set('authorization', `Bearer ${await issuer.sign(claims)}`)
      ).status;
    return { app, secret, post, me, seen: app.get(SeenEvents) };
  };

  it('a signed session.revoked revokes that session (and only it); the handler gets the event', async () => {
    const { secret, post, me, seen } = await start();
    expect(await me({ sid: 'sess_1', sub: 'user_1' })).toBe(200);
    const res = await post(signDelivery(secret, clerkEvent('session.revoked', sessionData('sess_1', 'user_1'))));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 'session.revoked' });
    expect(await me({ sid: 'sess_1', sub: 'user_1' })).toBe(401);
    expect(await me({ sid: 'sess_2', sub: 'user_1' })).toBe(200);
    expect(seen.types).toEqual(['session.revoked']);
  });

  it.each(['session.ended', 'session.removed'])('%s revokes the session', async (type) => {
    const { secret, post, me } = await start();
    expect((await post(signDelivery(secret, clerkEvent(type, sessionData('sess_9', 'user_9'))))).status).toBe(200);
    expect(await me({ sid: 'sess_9', sub: 'user_9' })).toBe(401);
  });

  it('user.deleted refuses every session of the user; other events only reach the handler', async () => {
    const { secret, post, me, seen } = await start();
    expect((await post(signDelivery(secret, clerkEvent('user.created', { object: 'user', id: 'user_7' })))).status).toBe(200);
    expect(await me({ sid: 'sess_a', sub: 'user_7' })).toBe(200);
    expect((await post(signDelivery(secret, clerkEvent('user.deleted', { object: 'user', id: 'user_7', deleted: true })))).status).toBe(200);
    expect(await me({ sid: 'sess_a', sub: 'user_7' })).toBe(401);
    expect(await me({ sid: 'sess_b', sub: 'user_7' })).toBe(401);
    expect(await me({ sid: 'sess_c', sub: 'user_8' })).toBe(200);
    expect(seen.types).toEqual(['created user_7', 'user.created', 'user.deleted']);
  });

  it('bad deliveries are 400, never 500, and change nothing', async () => {
    const { secret, post, me, seen } = await start();
    const event = clerkEvent('session.revoked', sessionData('sess_x', 'user_x'));
    const good = signDelivery(secret, event);
    const otherSecret = signDelivery(newSigningSecret(), event);
    const tampered = { ...good, body: good.body.replace('sess_x', 'sess_y') };
    const stale = signDelivery(secret, event, new Date(Date.now() - 10 * 60_000));
    const missing = { body: good.body, headers: { 'content-type': 'application/json' } };
    const notJson = { body: 'hello', headers: { ...good.headers, 'content-type': 'text/plain' } };
    const notAnEvent = signDelivery(secret, { hello: 'world' });
    for (const delivery of [otherSecret, tampered, stale, missing, notJson, notAnEvent]) {
      const res = await post(delivery);
      expect(res.status).toBe(400);
      expect(res.text).not.toContain(secret);
    }
    expect(await me({ sid: 'sess_x', sub: 'user_x' })).toBe(200);
    expect(await me({ sid: 'sess_y', sub: 'user_x' })).toBe(200);
    expect(seen.types).toEqual([]);
  });

  it('a revocation that cannot be recorded answers 503 with Retry-After, so Clerk retries', async () => {
    const failing: RevocationStore = { isRevoked: () => false, revoke: () => Promise.reject(new Error('redis down')) };
    const { secret, post, seen } = await start(failing);
    const res = await post(signDelivery(secret, clerkEvent('session.revoked', sessionData('sess_1', 'user_1'))));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(seen.types).toEqual([]);
  });
});

describe('ClerkWebhooksModule options', () => {
  it('a signing secret that is not one stops the boot, naming the option', () => {
    for (const signingSecret of ['', 'secret', 'whsec_', undefined]) {
      let caught: unknown;
      try {
        ClerkWebhooksModule.forRoot({ signingSecret: signingSecret as string });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AuthConfigError);
      expect((caught as AuthConfigError).option).toBe('signingSecret');
    }
    expect(() => ClerkWebhooksModule.forRoot({ signingSecret: newSigningSecret(), toleranceInSeconds: 301 })).toThrow(/toleranceInSeconds/);
  });
});

describe('ClerkWebhooksModule.forRootAsync', () => {
  const bootAsync = async (signingSecret: string) => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({ ...issuer.moduleOptions(), revocation: memoryRevocationStore(), global: true }),
        ClerkWebhooksModule.forRootAsync({ useFactory: async () => ({ signingSecret }) }),
      ],
      controllers: [ClerkWebhooksController, MeController],
      providers: [SeenEvents],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false, rawBody: true });
    await app.init();
    return app;
  };

  it('takes its options from a factory and works as forRoot', async () => {
    const secret = newSigningSecret();
    const app = await bootAsync(secret);
    try {
      const delivery = signDelivery(secret, clerkEvent('session.revoked', sessionData('sess_async', 'user_async')));
      expect((await request(app.getHttpServer()).post('/webhooks/clerk').set(delivery.headers).send(delivery.body)).status).toBe(200);
      const token = await issuer.sign({ sid: 'sess_async', sub: 'user_async' });
      expect((await request(app.getHttpServer()).get('/me').set('authorization', `Bearer ${token}`)).status).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('a bad secret from the factory stops the boot, naming the option', async () => {
    await expect(bootAsync('not-a-secret')).rejects.toMatchObject({ option: 'signingSecret' });
  });
});
