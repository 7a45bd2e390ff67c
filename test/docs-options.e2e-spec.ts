import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals';
import { Controller, Get, Injectable, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { Auth, AuthGuard, AuthModule, type AuthModuleOptions, type AuthOptionsFactory } from 'nestjs-warden';
import { createTestIssuer, type ServedTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';

// The examples of docs/options.md, run against a JWKS served on 127.0.0.1.

@Controller('me')
class MeController {
  @Get()
  me(@Auth('userId') userId: string) {
    return { userId };
  }
}

@UseGuards(AuthGuard) // this controller only; other controllers stay unguarded
@Controller('billing')
export class BillingController {
  @Get()
  summary(@Auth('userId') userId: string) {
    return { userId };
  }
}

@Injectable()
export class AuthConfig implements AuthOptionsFactory {
  constructor(private readonly config: ConfigService) {}

  createAuthOptions(): AuthModuleOptions {
    return {
      jwksUrl: this.config.getOrThrow<string>('AUTH_JWKS_URL'),
      issuer: this.config.getOrThrow<string>('AUTH_ISSUER'),
      audience: this.config.get<string>('AUTH_AUDIENCE'),
    };
  }
}

@Module({
  imports: [AuthModule.forRootAsync({ imports: [ConfigModule], useClass: AuthConfig, global: true })],
})
export class AuthSetupModule {}

let issuer: TestIssuer;
let served: ServedTestIssuer;
let app: INestApplication | undefined;

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: 'https://issuer.example.test' });
  served = await issuer.serve();
  process.env.AUTH_JWKS_URL = served.jwksUrl;
  process.env.AUTH_ISSUER = issuer.issuer;
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});
afterAll(async () => {
  delete process.env.AUTH_JWKS_URL;
  delete process.env.AUTH_ISSUER;
  await served?.close();
});

async function boot(imports: unknown[], controllers: unknown[]): Promise<ReturnType<typeof request>> {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[], controllers: controllers as never[] }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return request(app.getHttpServer());
}

describe('docs/options.md', () => {
  it('forRootAsync with ConfigService', async () => {
    const authModule = AuthModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        jwksUrl: config.getOrThrow<string>('AUTH_JWKS_URL'),
        issuer: config.getOrThrow<string>('AUTH_ISSUER'),
      }),
      global: true,
    });
    const http = await boot([authModule], [MeController]);
    await http.get('/me').expect(401);
    await http
      .get('/me')
      .set(await issuer.headers({ sub: 'user_1' }))
      .expect(200, { userId: 'user_1' });
  });

  it('useClass: a class implementing AuthOptionsFactory', async () => {
    const http = await boot([AuthSetupModule], [MeController]);
    await http
      .get('/me')
      .set(await issuer.headers({ sub: 'user_2' }))
      .expect(200, { userId: 'user_2' });
    const stranger = await createTestIssuer({ issuer: 'https://issuer.example.test' });
    await http
      .get('/me')
      .set(await stranger.headers({ sub: 'user_2' }))
      .expect(401);
  });

  it('@UseGuards(AuthGuard) without global: the guarded controller only', async () => {
    const http = await boot([AuthModule.forRoot(served.moduleOptions())], [BillingController]);
    await http.get('/billing').expect(401);
    await http
      .get('/billing')
      .set(await issuer.headers({ sub: 'user_3' }))
      .expect(200, { userId: 'user_3' });
  });
});
