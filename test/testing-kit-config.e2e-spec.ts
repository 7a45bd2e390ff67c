import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { Auth, AuthModule, RequireAuth, type AuthModuleOptions, type AuthOptionsFactory } from 'nestjs-warden';
import { clerkSessionClaims, createTestAuth } from 'nestjs-warden/testing';
import request from 'supertest';

// createTestAuth() in an app whose options come from configuration that the test environment does
// not have: the kit must not need the real key source, nor the real option checks to pass.

@Controller()
class AccountController {
  @Get('me')
  me(@Auth('userId') userId: string | null) {
    return { userId };
  }

  @RequireAuth()
  @Get('private')
  private(@Auth('userId') userId: string) {
    return { userId };
  }
}

@Injectable()
class AuthConfig implements AuthOptionsFactory {
  constructor(private readonly config: ConfigService) {}

  createAuthOptions(): AuthModuleOptions {
    return { jwksUrl: this.config.getOrThrow<string>('AUTH_JWKS_URL'), issuer: this.config.getOrThrow<string>('AUTH_ISSUER') };
  }
}

const ENV = ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_DEFAULT_POLICY'];
const config = () => ConfigModule.forRoot({ ignoreEnvFile: true });

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(imports: ModuleMetadata['imports']): Promise<ReturnType<typeof request>> {
  const testAuth = createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }) });
  const moduleRef = await testAuth.override(Test.createTestingModule({ imports, controllers: [AccountController] })).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return request(app.getHttpServer());
}

describe('createTestAuth() with options from configuration, no environment set', () => {
  beforeAll(() => {
    for (const name of ENV) delete process.env[name];
  });

  it('forRootAsync + ConfigService.getOrThrow: the factory throws, the kit still signs in', async () => {
    @Module({
      imports: [
        ConfigModule.forRoot(),
        AuthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            jwksUrl: config.getOrThrow<string>('AUTH_JWKS_URL'), // not set in the test environment
            issuer: config.getOrThrow<string>('AUTH_ISSUER'),
          }),
          global: true,
        }),
      ],
      controllers: [AccountController],
    })
    class AppModule {}

    const testAuth = createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }) });
    const moduleRef = await testAuth.override(Test.createTestingModule({ imports: [AppModule] })).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await request(app.getHttpServer()).get('/me').expect(200, { userId: 'user_1' });
  });

  it('forRootAsync + ConfigService.get: no key source at all, the app keeps its other options', async () => {
    const testAuth = createTestAuth({ as: null });
    const moduleRef = await testAuth
      .override(
        Test.createTestingModule({
          imports: [
            AuthModule.forRootAsync({
              imports: [config()],
              inject: [ConfigService],
              useFactory: (cfg: ConfigService) => ({
                jwksUrl: cfg.get<string>('AUTH_JWKS_URL'),
                issuer: cfg.get<string>('AUTH_ISSUER'),
                defaultPolicy: cfg.get<'required' | 'optional'>('AUTH_DEFAULT_POLICY', 'optional'),
                audience: 'https://api.example.test',
              }),
              global: true,
            }),
          ],
          controllers: [AccountController],
        }),
      )
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const http = request(app.getHttpServer());
    // defaultPolicy 'optional' from the app: an undecorated route runs signed out.
    await http.get('/me').expect(200, { userId: null });
    await http.get('/private').expect(401);
    await http
      .get('/private')
      .set(await testAuth.headers({ sub: 'user_2' }))
      .expect(200, { userId: 'user_2' });
  });

  it('forRootAsync + useClass whose createAuthOptions() throws', async () => {
    const http = await start([AuthModule.forRootAsync({ imports: [config()], useClass: AuthConfig, global: true })]);
    await http.get('/private').expect(200, { userId: 'user_1' });
  });

  it('forRoot with process.env values that are not set', async () => {
    const http = await start([AuthModule.forRoot({ jwksUrl: process.env.AUTH_JWKS_URL, issuer: process.env.AUTH_ISSUER, global: true })]);
    await http.get('/private').expect(200, { userId: 'user_1' });
  });

  it('forRoot with an algorithm list that does not fit the kit key', async () => {
    const http = await start([AuthModule.forRoot({ jwksUrl: 'https://issuer.example.test/jwks.json', algorithms: ['RS256'], global: true })]);
    await http.get('/private').expect(200, { userId: 'user_1' });
  });

  it('without the kit, the same app still fails at boot naming the option', async () => {
    const moduleRef = Test.createTestingModule({
      imports: [AuthModule.forRoot({ jwksUrl: process.env.AUTH_JWKS_URL, global: true })],
      controllers: [AccountController],
    });
    await expect(moduleRef.compile()).rejects.toThrow(/jwksUrl/);
  });
});
