import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpCode, Inject, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import {
  Auth,
  AuthModule,
  clerk,
  memoryRevocationStore,
  redisRevocationStore,
  RequireAuth,
  type AuthModuleOptions,
  type RevocationStore,
  type SignedInAuthObject,
} from 'nestjs-warden';
import { ClerkEvent, ClerkWebhook, ClerkWebhooksModule, type ClerkWebhookEvent } from 'nestjs-warden/clerk-webhooks';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { clerkEvent, newSigningSecret, sessionData, signDelivery } from './support/clerk-webhook-sender.js';
import { REDIS_SERVER, startRedis, within, type RedisProcess } from './support/redis-server.js';
import { hasSystemBinary } from './support/system-binary.js';

// Issue "Where features meet", item 4: revocation keys carry the issuer, so one tenant's IdP cannot
// sign a user of another tenant out by minting tokens with that user's id.
const CLERK_ISS = 'https://clerk.tenant-a.test';
const OTHER_ISS = 'https://idp.tenant-b.test';
const REVOCATION = Symbol('REVOCATION');

@Controller('account')
class AccountController {
  constructor(@Inject(REVOCATION) private readonly revocation: RevocationStore) {}

  @Post('sign-out-everywhere')
  @RequireAuth()
  @HttpCode(204)
  async signOutEverywhere(@Auth() auth: SignedInAuthObject): Promise<void> {
    await this.revocation.revoke({ iss: auth.issuer, sub: auth.userId });
  }
}

@Controller()
class MeController {
  @Get('me')
  @RequireAuth()
  me(@Auth('userId') userId: string): { userId: string } {
    return { userId };
  }
}

@Controller('webhooks')
class WebhooksController {
  @Post('clerk')
  @ClerkWebhook()
  receive(@ClerkEvent() event: ClerkWebhookEvent): { received: string } {
    return { received: event.type };
  }
}

let clerkKeys: TestIssuer;
let otherKeys: TestIssuer;
beforeAll(async () => {
  [clerkKeys, otherKeys] = await Promise.all([createTestIssuer({ issuer: CLERK_ISS }), createTestIssuer({ issuer: OTHER_ISS })]);
});

/** Two tenants on one app: a Clerk instance and a tenant running its own IdP. */
const twoTenants = (revocation: RevocationStore): AuthModuleOptions => ({
  issuers: [clerk({ frontendApi: 'clerk.tenant-a.test', jwtKey: clerkKeys.publicKeyPem }), { jwks: otherKeys.jwks, issuer: OTHER_ISS }],
  revocation,
});

describe('revocation keys carry the issuer', () => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });
  const boot = async (auth: AuthModuleOptions, store: RevocationStore, webhookSecret?: string, webhookIssuer?: string) => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({ ...auth, global: true }),
        ...(webhookSecret ? [ClerkWebhooksModule.forRoot({ signingSecret: webhookSecret, ...(webhookIssuer ? { issuer: webhookIssuer } : {}) })] : []),
      ],
      controllers: [AccountController, MeController, ...(webhookSecret ? [WebhooksController] : [])],
      providers: [{ provide: REVOCATION, useValue: store }],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false, rawBody: true });
    await app.init();
    apps.push(app);
    const me = async (token: string) => (await request(app.getHttpServer()).get('/me').set('authorization', `Bearer ${token}`)).status;
    return { app, me };
  };

  it("a tenant's IdP signing in as another tenant's user id and signing out everywhere signs out only its own user", async () => {
    const store = memoryRevocationStore();
    const { app, me } = await boot(twoTenants(store), store);
    const victim = await clerkKeys.sign({ sub: 'user_victim', sid: 'sess_victim' });
    const attacker = await otherKeys.sign({ sub: 'user_victim', sid: 'sess_attacker' });
    expect([await me(victim), await me(attacker)]).toEqual([200, 200]);
    await request(app.getHttpServer()).post('/account/sign-out-everywhere').set('authorization', `Bearer ${attacker}`).expect(204);
    expect(await me(attacker)).toBe(401);
    expect(await me(victim)).toBe(200);
    expect(await me(await clerkKeys.sign({ sub: 'user_victim', sid: 'sess_victim_2' }))).toBe(200);
  });

  it('revoke() without iss still applies to every issuer (one-issuer apps need not change)', async () => {
    const store = memoryRevocationStore();
    const { me } = await boot(twoTenants(store), store);
    await store.revoke({ sub: 'user_both' });
    await store.revoke({ iss: CLERK_ISS, sid: 'sess_scoped' });
    expect(await me(await clerkKeys.sign({ sub: 'user_both', sid: 'sess_1' }))).toBe(401);
    expect(await me(await otherKeys.sign({ sub: 'user_both', sid: 'sess_2' }))).toBe(401);
    expect(await me(await clerkKeys.sign({ sub: 'user_3', sid: 'sess_scoped' }))).toBe(401);
    expect(await me(await otherKeys.sign({ sub: 'user_3', sid: 'sess_scoped' }))).toBe(200);
  });

  it("a Clerk webhook revokes within the Clerk issuer of issuers (the clerk() entry), not another tenant's", async () => {
    const store = memoryRevocationStore();
    const secret = newSigningSecret();
    const { app, me } = await boot(twoTenants(store), store, secret);
    const post = (event: object) => {
      const delivery = signDelivery(secret, event);
      return request(app.getHttpServer()).post('/webhooks/clerk').set(delivery.headers).send(delivery.body);
    };
    expect((await post(clerkEvent('session.revoked', sessionData('sess_1', 'user_1')))).status).toBe(200);
    expect((await post(clerkEvent('user.deleted', { object: 'user', id: 'user_2', deleted: true }))).status).toBe(200);
    expect(await me(await clerkKeys.sign({ sub: 'user_1', sid: 'sess_1' }))).toBe(401);
    expect(await me(await clerkKeys.sign({ sub: 'user_2', sid: 'sess_9' }))).toBe(401);
    expect(await me(await otherKeys.sign({ sub: 'user_1', sid: 'sess_1' }))).toBe(200);
    expect(await me(await otherKeys.sign({ sub: 'user_2', sid: 'sess_9' }))).toBe(200);
  });

  it("a Clerk webhook revokes within the AuthModule's one issuer, or the ClerkWebhooksModule's issuer", async () => {
    const store = memoryRevocationStore();
    const secret = newSigningSecret();
    const { app } = await boot({ jwks: clerkKeys.jwks, issuer: CLERK_ISS, revocation: store }, store, secret);
    const delivery = signDelivery(secret, clerkEvent('session.ended', sessionData('sess_5', 'user_5')));
    await request(app.getHttpServer()).post('/webhooks/clerk').set(delivery.headers).send(delivery.body).expect(200);
    expect(store.isRevoked({ iss: CLERK_ISS, sub: 'user_5', sid: 'sess_5' })).toBe(true);
    expect(store.isRevoked({ iss: OTHER_ISS, sub: 'user_5', sid: 'sess_5' })).toBe(false);

    const explicit = memoryRevocationStore();
    const second = await boot({ jwks: clerkKeys.jwks, revocation: explicit }, explicit, secret, CLERK_ISS);
    const again = signDelivery(secret, clerkEvent('session.ended', sessionData('sess_6', 'user_6')));
    await request(second.app.getHttpServer()).post('/webhooks/clerk').set(again.headers).send(again.body).expect(200);
    expect(explicit.isRevoked({ iss: CLERK_ISS, sid: 'sess_6' })).toBe(true);
    expect(explicit.isRevoked({ iss: OTHER_ISS, sid: 'sess_6' })).toBe(false);
  });
});

const haveRedis = hasSystemBinary(REDIS_SERVER, 'revocation keys with issuers (Redis)');

(haveRedis ? describe : describe.skip)('issuer-scoped revocations through Redis, next to entries in the earlier format', () => {
  let redis: RedisProcess;
  let admin: Redis;
  const open: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    admin?.disconnect();
    await redis?.kill();
  });
  const replica = () => {
    const store = redisRevocationStore({ url: redis.url, keyPrefix: 'iss', log: () => undefined });
    open.push(store as { close(): Promise<void> });
    return store;
  };

  it('entries written without issuer keep refusing every issuer; scoped ones reach other replicas scoped', async () => {
    const until = Math.floor(Date.now() / 1000) + 600;
    await admin.zadd('iss:entries', until, 'sid:sess_legacy', until, 'sub:user_legacy'); // as earlier versions wrote them
    const [a, b] = [replica(), replica()];
    await Promise.all([a.ready?.(), b.ready?.()]);
    for (const iss of [CLERK_ISS, OTHER_ISS, undefined]) {
      expect(b.isRevoked({ iss, sid: 'sess_legacy', sub: 'user_x' })).toBe(true);
      expect(b.isRevoked({ iss, sid: 'sess_x', sub: 'user_legacy' })).toBe(true);
    }
    await a.revoke({ iss: CLERK_ISS, sub: 'user_scoped' });
    await within(1000, () => b.isRevoked({ iss: CLERK_ISS, sub: 'user_scoped' }), 'the scoped revocation reaches b');
    expect(b.isRevoked({ iss: OTHER_ISS, sub: 'user_scoped' })).toBe(false);
    expect(b.isRevoked({ sub: 'user_scoped' })).toBe(false); // a token without iss is not of that issuer
    const late = replica();
    await late.ready?.();
    expect(late.isRevoked({ iss: CLERK_ISS, sub: 'user_scoped' })).toBe(true);
    expect(late.isRevoked({ iss: OTHER_ISS, sub: 'user_scoped' })).toBe(false);
    expect(late.isRevoked({ iss: OTHER_ISS, sid: 'sess_legacy' })).toBe(true);
  });
});
