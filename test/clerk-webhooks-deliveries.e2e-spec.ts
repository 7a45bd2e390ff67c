import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Injectable, Post, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AuthConfigError, AuthModule, memoryRevocationStore, type RevocationStore } from 'nestjs-warden';
import { ClerkEvent, ClerkWebhook, ClerkWebhooksModule, type ClerkWebhookEvent } from 'nestjs-warden/clerk-webhooks';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, type AdapterName } from './support/http-app.js';
import { clerkEvent, newSigningSecret, sessionData, signDelivery } from './support/clerk-webhook-sender.js';

/** What the app's handler saw; `failNext` makes it throw once (a bug, a database down). */
@Injectable()
class Handled {
  readonly types: string[] = [];
  failNext = false;
  /** When set, the handler waits for it (a slow handler); `entered` resolves once it is waiting. */
  gate: Promise<void> | undefined;
  entered: () => void = () => undefined;
}

@Controller('webhooks')
class WebhooksController {
  constructor(private readonly handled: Handled) {}

  @Post('clerk')
  @ClerkWebhook()
  async receive(@ClerkEvent() event: ClerkWebhookEvent): Promise<{ received: string }> {
    if (this.handled.gate) {
      this.handled.entered();
      await this.handled.gate;
    }
    if (this.handled.failNext) {
      this.handled.failNext = false;
      throw new Error('the handler failed');
    }
    this.handled.types.push(`${event.type} ${String(event.data.id)}`);
    return { received: event.type };
  }
}

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});

async function boot(metadata: ModuleMetadata, adapter: AdapterName = 'express'): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ controllers: [WebhooksController], providers: [Handled], ...metadata }).compile();
  const app =
    adapter === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false, rawBody: true })
      : moduleRef.createNestApplication({ logger: false, rawBody: true });
  await app.init();
  if (adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return app;
}

const caught = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  return undefined;
};

// Issue "Where features meet", item 5: a webhook module that would acknowledge session endings and
// revoke nothing stops the boot, unless the app says it revokes in its own handler.
describe('ClerkWebhooksModule without a revocation store', () => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  it.each([
    [
      'an AuthModule without revocation',
      () => [AuthModule.forRoot({ ...issuer.moduleOptions(), global: true }), ClerkWebhooksModule.forRoot({ signingSecret: newSigningSecret() })],
    ],
    ['no AuthModule at all', () => [ClerkWebhooksModule.forRoot({ signingSecret: newSigningSecret() })]],
    [
      'forRootAsync',
      () => [
        AuthModule.forRoot({ ...issuer.moduleOptions(), global: true }),
        ClerkWebhooksModule.forRootAsync({ useFactory: async () => ({ signingSecret: newSigningSecret() }) }),
      ],
    ],
  ])('stops the boot, naming the option (%s)', async (_name, imports) => {
    const error = await caught(() => boot({ imports: imports() }));
    expect(error).toBeInstanceOf(AuthConfigError);
    expect((error as AuthConfigError).option).toBe('revocation');
    expect((error as Error).message).toContain('revocation: false');
  });

  it('boots with revocation: false (the handler revokes itself) and hands it every event', async () => {
    const secret = newSigningSecret();
    const app = await boot({
      imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), global: true }), ClerkWebhooksModule.forRoot({ signingSecret: secret, revocation: false })],
    });
    apps.push(app);
    const delivery = signDelivery(secret, clerkEvent('session.revoked', sessionData('sess_1', 'user_1')));
    await request(app.getHttpServer()).post('/webhooks/clerk').set(delivery.headers).send(delivery.body).expect(200);
    expect(app.get(Handled).types).toEqual(['session.revoked sess_1']);
  });

  it("boots with the ClerkWebhooksModule's own store and no AuthModule store", async () => {
    const store = memoryRevocationStore();
    const secret = newSigningSecret();
    const app = await boot({ imports: [ClerkWebhooksModule.forRoot({ signingSecret: secret, revocation: store })] });
    apps.push(app);
    const delivery = signDelivery(secret, clerkEvent('session.revoked', sessionData('sess_2', 'user_2')));
    await request(app.getHttpServer()).post('/webhooks/clerk').set(delivery.headers).send(delivery.body).expect(200);
    expect(store.isRevoked({ sid: 'sess_2' })).toBe(true);
  });
});

// Issue "Where features meet", item 13: a delivery is handled once per id within the replay window.
describe.each(ADAPTERS)('Clerk webhook deliveries are de-duplicated by id (%s)', (adapter) => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });
  const start = async (store: RevocationStore = memoryRevocationStore()) => {
    const secret = newSigningSecret();
    const app = await boot(
      { imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), revocation: store, global: true }), ClerkWebhooksModule.forRoot({ signingSecret: secret })] },
      adapter,
    );
    apps.push(app);
    const post = (delivery: { body: string; headers: Record<string, string> }) =>
      request(app.getHttpServer()).post('/webhooks/clerk').set(delivery.headers).send(delivery.body);
    return { secret, post, handled: app.get(Handled) };
  };

  it('the same delivery again (a replay, or a retry after a lost answer) is acknowledged and not handled twice', async () => {
    const { secret, post, handled } = await start();
    const delivery = signDelivery(secret, clerkEvent('user.created', { object: 'user', id: 'user_1' }));
    expect((await post(delivery)).status).toBe(200);
    const again = await post(delivery);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ duplicate: true });
    expect(handled.types).toEqual(['user.created user_1']);
    // Another delivery of the same event (a new id) is handled: deduplication is by delivery id.
    expect((await post(signDelivery(secret, clerkEvent('user.created', { object: 'user', id: 'user_1' })))).status).toBe(200);
    expect(handled.types).toEqual(['user.created user_1', 'user.created user_1']);
  });

  it('a delivery whose handler failed, or whose revocation could not be recorded, is handled when retried', async () => {
    const { secret, post, handled } = await start();
    handled.failNext = true;
    const delivery = signDelivery(secret, clerkEvent('user.created', { object: 'user', id: 'user_2' }));
    expect((await post(delivery)).status).toBe(500);
    expect((await post(delivery)).status).toBe(200);
    expect(handled.types).toEqual(['user.created user_2']);

    let failing = true;
    const inner = memoryRevocationStore();
    const flaky: RevocationStore = {
      isRevoked: (c) => inner.isRevoked(c),
      revoke: (t, u) => (failing ? Promise.reject(new Error('down')) : inner.revoke(t, u)),
    };
    const second = await start(flaky);
    const ending = signDelivery(second.secret, clerkEvent('session.revoked', sessionData('sess_3', 'user_3')));
    expect((await second.post(ending)).status).toBe(503);
    failing = false;
    expect((await second.post(ending)).status).toBe(200);
    expect(second.handled.types).toEqual(['session.revoked sess_3']);
    expect(inner.isRevoked({ iss: issuer.issuer, sid: 'sess_3' })).toBe(true);
  });

  it('the same delivery while the first is still being handled: 409 (retried later), the handler runs once', async () => {
    const { secret, post, handled } = await start();
    let release!: () => void;
    handled.gate = new Promise<void>((resolve) => (release = resolve));
    const entered = new Promise<void>((resolve) => (handled.entered = resolve));
    const delivery = signDelivery(secret, clerkEvent('user.updated', { object: 'user', id: 'user_4' }));
    const first = post(delivery).then((res) => res.status);
    await entered;
    expect((await post(delivery)).status).toBe(409);
    release();
    expect(await first).toBe(200);
    handled.gate = undefined;
    expect((await post(delivery)).body).toEqual({ duplicate: true });
    expect(handled.types).toEqual(['user.updated user_4']);
  });
});
