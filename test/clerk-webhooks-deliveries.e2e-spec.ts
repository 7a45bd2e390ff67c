import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Injectable, Post, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  AuthConfigError,
  AuthModule,
  ClerkEvent,
  ClerkWebhook,
  ClerkWebhooksModule,
  memoryRevocationStore,
  type ClerkWebhookEvent,
  type RevocationStore,
} from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, type AdapterName } from './support/http-app.js';
import { clerkEvent, newSigningSecret, sessionData, signDelivery } from './support/clerk-webhook-sender.js';

/** What the app's handler saw; `failNext` makes it throw once (a bug, a database down). */
@Injectable()
class Handled {
  readonly types: string[] = [];
  failNext = false;
}

@Controller('webhooks')
class WebhooksController {
  constructor(private readonly handled: Handled) {}

  @Post('clerk')
  @ClerkWebhook()
  receive(@ClerkEvent() event: ClerkWebhookEvent): { received: string } {
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
    ['an AuthModule without revocation', () => [AuthModule.forRoot({ ...issuer.moduleOptions(), global: true }), ClerkWebhooksModule.forRoot({ signingSecret: newSigningSecret() })]],
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
