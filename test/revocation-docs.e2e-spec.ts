import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpCode, Inject, Module, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Auth, AuthModule, memoryRevocationStore, redisRevocationStore, RequireAuth, type RevocationStore, type SignedInAuthObject } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { REDIS_SERVER, startRedis, within, type RedisProcess } from './support/redis-server.js';
import { hasSystemBinary } from './support/system-binary.js';

// Revocation stores given as objects, shared with code that revokes (the pattern of the earlier
// docs/revocation.md); the declared stores and AuthRevoker are in revocation-config.e2e-spec.ts.

let issuer: TestIssuer;
const keys = () => issuer.moduleOptions();

export const REVOCATION = Symbol('REVOCATION');

@Controller('account')
export class AccountController {
  constructor(@Inject(REVOCATION) private readonly revocation: RevocationStore) {}

  /** Signs the caller out on every device: each of their tokens is refused from now on. */
  @Post('sign-out-everywhere')
  @RequireAuth()
  @HttpCode(204)
  async signOutEverywhere(@Auth() auth: SignedInAuthObject): Promise<void> {
    // iss: a user id is unique within its issuer only (another tenant's IdP may mint the same one).
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

function memoryAppModule() {
  const revocation = memoryRevocationStore();

  @Module({
    imports: [AuthModule.forRoot({ ...keys(), revocation, global: true })],
    controllers: [AccountController],
    providers: [{ provide: REVOCATION, useValue: revocation }],
  })
  class AppModule {}
  return AppModule;
}

function redisAppModule(redisUrl: string) {
  const revocation = redisRevocationStore({
    url: redisUrl, // or client: an ioredis client of yours (the store then never closes it)
    staleWindowInMs: 30_000, // Redis unreachable: answer from the mirror this long, then 503
    maxTokenLifetimeInSeconds: 3600, // how long a sid / sub revocation lasts
  });

  @Module({
    imports: [AuthModule.forRoot({ ...keys(), revocation, global: true })],
    controllers: [AccountController],
    providers: [{ provide: REVOCATION, useValue: revocation }],
  })
  class AppModule {}
  return AppModule;
}

beforeAll(async () => {
  issuer = await createTestIssuer();
});

async function boot(module: object): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [module as never], controllers: [MeController] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

async function signOutEverywhereFlow(apps: INestApplication[]): Promise<void> {
  const token = await issuer.sign({ sub: 'user_docs', sid: 'sess_docs' });
  const me = (app: INestApplication) => request(app.getHttpServer()).get('/me').set('authorization', `Bearer ${token}`);
  for (const app of apps) expect((await me(app)).status).toBe(200);
  await request(apps[0].getHttpServer()).post('/account/sign-out-everywhere').set('authorization', `Bearer ${token}`).expect(204);
  for (const app of apps) await within(2000, async () => (await me(app)).status === 401, 'signed out everywhere');
}

describe('docs/revocation.md examples', () => {
  it('single process: the memory store', async () => {
    const app = await boot(memoryAppModule());
    try {
      await signOutEverywhereFlow([app]);
    } finally {
      await app.close();
    }
  });

  const haveRedis = hasSystemBinary(REDIS_SERVER, 'docs/revocation.md Redis example');
  (haveRedis ? describe : describe.skip)('with Redis', () => {
    let redis: RedisProcess;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.kill();
    });

    it('several replicas: the Redis store', async () => {
      const apps = [await boot(redisAppModule(redis.url)), await boot(redisAppModule(redis.url))];
      try {
        await signOutEverywhereFlow(apps);
      } finally {
        for (const app of apps) await app.close();
      }
    });
  });
});
