import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpCode, type INestApplication, Module, Post } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { Auth, AuthModule, AuthRevoker, RequireAuth, type RevocationStore, type SignedInAuthObject } from 'nestjs-warden';
import { RevocationUnavailableError } from 'nestjs-warden/core';
import { clerkSessionClaims, createTestAuth } from 'nestjs-warden/testing';
import { createServer, type AddressInfo } from 'node:net';
import request from 'supertest';

/**
 * Issue 23, item 5: `createTestAuth().override()` puts a memory revocation store in place of the
 * app's, so an app whose AuthModule declares a Redis store (from ConfigService) is tested with no
 * Redis running: no 3 s wait at boot, no 503 per request. Revoking through AuthRevoker works against
 * the memory store. `keepRevocationStore: true` keeps the app's own.
 */
@Controller('account')
class AccountController {
  constructor(private readonly revoker: AuthRevoker) {}

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
}

/** The app as a user writes it: keys and a Redis store from the environment (REDIS_URL names a port where no Redis runs). */
@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true }),
    AuthModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        jwksUrl: config.getOrThrow<string>('AUTH_JWKS_URL'),
        issuer: config.getOrThrow<string>('AUTH_ISSUER'),
        revocation: { redis: { url: config.getOrThrow<string>('REDIS_URL'), log: () => undefined } },
      }),
      global: true,
    }),
  ],
  controllers: [AccountController],
})
class AppModule {}

const apps: INestApplication[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  delete process.env.REDIS_URL;
  delete process.env.AUTH_JWKS_URL;
  delete process.env.AUTH_ISSUER;
});

async function boot(module: unknown, testAuth: ReturnType<typeof createTestAuth>): Promise<INestApplication> {
  const moduleRef = await testAuth.override(Test.createTestingModule({ imports: [module as typeof AppModule] })).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  apps.push(app);
  await app.init();
  return app;
}

describe('createTestAuth().override() and the revocation store', () => {
  it('replaces a declared Redis store with a memory one: no Redis needed, and AuthRevoker revokes into it', async () => {
    // A listener that never answers counts the connections a Redis client would open.
    let connections = 0;
    const silent = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    process.env.REDIS_URL = `redis://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    process.env.AUTH_JWKS_URL = 'https://issuer.example/.well-known/jwks.json';
    process.env.AUTH_ISSUER = 'https://issuer.example';
    const testAuth = createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }) });
    const app = await boot(AppModule, testAuth);
    await request(app.getHttpServer()).get('/account/me').expect(200, { userId: 'user_1' });
    await request(app.getHttpServer()).post('/account/sign-out-everywhere').expect(204);
    await request(app.getHttpServer()).get('/account/me').expect(401);
    await request(app.getHttpServer())
      .get('/account/me')
      .set(await testAuth.headers({ sub: 'user_2' }))
      .expect(200, { userId: 'user_2' });
    // The app's store would have connected to REDIS_URL (and, without a Redis there, made the boot wait, then answered 503).
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    expect(connections).toBe(0);
  });

  it('works as well when the configuration is missing altogether (the options factory throws)', async () => {
    const testAuth = createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }) });
    const app = await boot(AppModule, testAuth);
    await request(app.getHttpServer()).post('/account/sign-out-everywhere').expect(204);
    await request(app.getHttpServer()).get('/account/me').expect(401);
  });

  it('closes a store the app built itself when the app closes, as the module would have', async () => {
    let closed = 0;
    const built: RevocationStore = { revoke: async () => undefined, isRevoked: () => false, close: async () => void (closed += 1) };
    @Module({
      imports: [AuthModule.forRoot({ secret: 'an-app-secret-of-at-least-32-bytes!!', revocation: built, global: true })],
      controllers: [AccountController],
    })
    class BuiltStoreModule {}
    const app = await boot(BuiltStoreModule, createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }) }));
    await request(app.getHttpServer()).post('/account/sign-out-everywhere').expect(204);
    await request(app.getHttpServer()).get('/account/me').expect(401);
    expect(closed).toBe(0);
    await apps.pop()!.close();
    expect(closed).toBe(1);
  });

  it('keepRevocationStore: true keeps the app’s store, with what it answers', async () => {
    const unavailable: RevocationStore = {
      revoke: async () => undefined,
      isRevoked: () => {
        throw new RevocationUnavailableError('down', 2);
      },
    };
    @Module({
      imports: [AuthModule.forRoot({ secret: 'an-app-secret-of-at-least-32-bytes!!', revocation: unavailable, global: true })],
      controllers: [AccountController],
    })
    class KeptStoreModule {}
    const app = await boot(KeptStoreModule, createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }), keepRevocationStore: true }));
    await request(app.getHttpServer()).get('/account/me').expect(503);
  });

  it('keepRevocationStore: true builds a declared store itself', async () => {
    @Module({
      imports: [AuthModule.forRoot({ secret: 'an-app-secret-of-at-least-32-bytes!!', revocation: { memory: true }, global: true })],
      controllers: [AccountController],
    })
    class DeclaredModule {}
    const app = await boot(DeclaredModule, createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }), keepRevocationStore: true }));
    await request(app.getHttpServer()).post('/account/sign-out-everywhere').expect(204);
    await request(app.getHttpServer()).get('/account/me').expect(401);
  });
});
