import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpCode, Inject, type INestApplication, Post } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import {
  Auth,
  AUTH_REVOCATION_STORE,
  AuthConfigError,
  AuthModule,
  AuthRevoker,
  RequireAuth,
  type AuthModuleOptions,
  type RevocationStore,
  type SignedInAuthObject,
} from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { REDIS_SERVER, startRedis, type RedisProcess } from './support/redis-server.js';
import { hasSystemBinary } from './support/system-binary.js';

/**
 * Issue 23, item 4: the revocation store comes from configuration like every other option. Declared
 * by its settings inside `forRootAsync` (`revocation: { redis: { url } }` from ConfigService, or
 * `{ memory: true }`), built by the module, injectable as AUTH_REVOCATION_STORE, and revoked through
 * the injectable AuthRevoker: no module-scope singleton, no provider of the app's own.
 */
@Controller('account')
class AccountController {
  constructor(
    private readonly revoker: AuthRevoker,
    @Inject(AUTH_REVOCATION_STORE) readonly store: RevocationStore | null,
  ) {}

  @Get('me')
  me(@Auth('userId') userId: string) {
    return { userId };
  }

  @RequireAuth()
  @Post('sign-out-everywhere')
  @HttpCode(204)
  async signOutEverywhere(@Auth() auth: SignedInAuthObject): Promise<void> {
    await this.revoker.revokeUser(auth);
  }

  @RequireAuth()
  @Post('sign-out')
  @HttpCode(204)
  async signOut(@Auth() auth: SignedInAuthObject): Promise<void> {
    await this.revoker.revokeSession(auth);
  }
}

let issuer: TestIssuer;
const apps: INestApplication[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: 'https://issuer.test' });
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** The app as a user writes it: options from ConfigService (here fed by `env`), the store declared among them. */
async function boot(env: Record<string, string>, revocation: (config: ConfigService) => AuthModuleOptions['revocation']): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => env] }),
      AuthModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({ ...issuer.moduleOptions(), revocation: revocation(config) }),
        global: true,
      }),
    ],
    controllers: [AccountController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  apps.push(app);
  await app.init();
  return app;
}

async function expectSignOutFlow(app: INestApplication): Promise<void> {
  const first = await issuer.headers({ sub: 'user_1', sid: 'sess_1' });
  const second = await issuer.headers({ sub: 'user_1', sid: 'sess_2' });
  const other = await issuer.headers({ sub: 'user_2', sid: 'sess_3' });
  await request(app.getHttpServer()).get('/account/me').set(first).expect(200, { userId: 'user_1' });
  await request(app.getHttpServer()).post('/account/sign-out').set(first).expect(204);
  await request(app.getHttpServer()).get('/account/me').set(first).expect(401);
  await request(app.getHttpServer()).get('/account/me').set(second).expect(200);
  await request(app.getHttpServer()).post('/account/sign-out-everywhere').set(second).expect(204);
  await request(app.getHttpServer()).get('/account/me').set(second).expect(401);
  await request(app.getHttpServer()).get('/account/me').set(other).expect(200, { userId: 'user_2' });
}

describe('revocation declared in forRootAsync', () => {
  it('{ memory: true }: built by the module, injectable, revoked through AuthRevoker', async () => {
    const app = await boot({}, () => ({ memory: true }));
    const store = app.get(AccountController).store;
    expect(typeof store?.isRevoked).toBe('function');
    await expectSignOutFlow(app);
    // The injected store is the one the guard asks, and revocations are scoped to the token's issuer.
    expect(store!.isRevoked({ iss: 'https://issuer.test', sub: 'user_1', sid: 'sess_9' })).toBe(true);
    expect(store!.isRevoked({ iss: 'https://other.test', sub: 'user_1', sid: 'sess_9' })).toBe(false);
  });

  it.each([
    [{ redis: { uri: 'redis://127.0.0.1:6379' } }, 'revocation.redis.uri', /did you mean "revocation\.redis\.url"/],
    [{ redis: { url: 'http://127.0.0.1:6379' } }, 'revocation.redis.url', /redis:\/\/ or rediss:\/\/ URL/],
    [{ redis: {} }, 'revocation.redis', /exactly one of client and url/],
    [{ memory: { maxEntries: 0 } }, 'revocation.memory', /maxEntries must be a whole number/],
    [{ memory: true, redis: { url: 'redis://127.0.0.1:1' } }, 'revocation', /declare one store/],
    [{ redsi: { url: 'redis://127.0.0.1:1' } }, 'revocation', /expected \{ redis: \{ url \} \}, \{ memory: true \} or a revocation store/],
  ])('a bad declaration %j stops the boot naming %s', async (declaration, option, problem) => {
    const booting = boot({}, () => declaration as AuthModuleOptions['revocation']);
    await expect(booting).rejects.toBeInstanceOf(AuthConfigError);
    await expect(booting).rejects.toMatchObject({ option, message: expect.stringMatching(problem) });
  });

  it('an app that injects AuthRevoker without a revocation store stops at boot, naming the option and the class', async () => {
    const booting = boot({}, () => undefined);
    await expect(booting).rejects.toMatchObject({ option: 'revocation', message: expect.stringContaining('AccountController injects AuthRevoker') });
  });
});

const haveRedis = hasSystemBinary(REDIS_SERVER, 'revocation store declared as { redis: { url } }');

(haveRedis ? describe : describe.skip)('revocation: { redis: { url } } from ConfigService', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.kill();
  });

  it('connects to the configured Redis, and two app instances share the revocations', async () => {
    const declare = (config: ConfigService) => ({ redis: { url: config.getOrThrow<string>('REDIS_URL'), log: () => undefined } });
    const [a, b] = [await boot({ REDIS_URL: redis.url }, declare), await boot({ REDIS_URL: redis.url }, declare)];
    await expectSignOutFlow(a);
    const revoked = await issuer.headers({ sub: 'user_1', sid: 'sess_4' });
    const deadline = Date.now() + 2000;
    let status = 200;
    while (status !== 401 && Date.now() < deadline) status = (await request(b.getHttpServer()).get('/account/me').set(revoked)).status;
    expect(status).toBe(401);
  });
});
