import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module, type INestApplication } from '@nestjs/common';
import { SignJWT } from 'jose';
import { Auth, AuthModule, type AuthModuleOptions, type AuthOptionsFactory } from 'nestjs-warden';
import { createTestIssuer, type ServedJwks, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';

@Controller('who')
class WhoController {
  @Get() who(@Auth('userId') userId: string): { userId: string } {
    return { userId };
  }
}

const SECRET = 'a-shared-secret-of-at-least-32-bytes';
let rs: TestIssuer;
let es: TestIssuer;
let served: ServedJwks;

beforeAll(async () => {
  rs = await createTestIssuer({ alg: 'RS256' });
  es = await createTestIssuer({ alg: 'ES256' });
  served = await rs.serve();
});
afterAll(() => served.close());

async function whoAmI(adapter: (typeof ADAPTERS)[number], options: AuthModuleOptions, token: string): Promise<request.Response> {
  const app = await createHttpApp(adapter, { imports: [AuthModule.forRoot({ ...options, global: true })], controllers: [WhoController] });
  try {
    return await request(app.getHttpServer()).get('/who').set('Authorization', `Bearer ${token}`);
  } finally {
    await app.close();
  }
}

describe.each(ADAPTERS)('key sources on %s', (adapter) => {
  it('jwksUrl: keys fetched from a JWKS server on 127.0.0.1', async () => {
    const before = served.requests;
    const res = await whoAmI(adapter, { jwksUrl: served.jwksUrl, issuer: rs.issuer }, await rs.sign({ sub: 'user_remote' }));
    expect(res.body).toEqual({ userId: 'user_remote' });
    expect(served.requests).toBeGreaterThan(before);
  });

  it('jwks: a local key set, no network', async () => {
    expect((await whoAmI(adapter, es.moduleOptions(), await es.sign({ sub: 'user_local' }))).body).toEqual({ userId: 'user_local' });
  });

  it('jwtKey: a PEM public key', async () => {
    const res = await whoAmI(adapter, { jwtKey: rs.publicKeyPem, issuer: rs.issuer }, await rs.sign({ sub: 'user_pem' }));
    expect(res.body).toEqual({ userId: 'user_pem' });
  });

  it('secret: HS256', async () => {
    const token = await new SignJWT({ sub: 'user_hs' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1m').sign(new TextEncoder().encode(SECRET));
    expect((await whoAmI(adapter, { secret: SECRET }, token)).body).toEqual({ userId: 'user_hs' });
  });

  it("refuses another issuer's key with every key source", async () => {
    const foreign = await es.sign({ sub: 'intruder' });
    for (const options of [{ jwksUrl: served.jwksUrl }, rs.moduleOptions(), { jwtKey: rs.publicKeyPem }, { secret: SECRET }]) {
      expect((await whoAmI(adapter, options, foreign)).status).toBe(401);
    }
  });
});

describe.each(ADAPTERS)('token sources on %s', (adapter) => {
  let app: INestApplication;
  let cookieOnly: INestApplication;
  let headerToken: string;
  let cookieToken: string;
  beforeAll(async () => {
    headerToken = await es.sign({ sub: 'from_header' });
    cookieToken = await es.sign({ sub: 'from_cookie' });
    app = await createHttpApp(adapter, { imports: [AuthModule.forRoot({ ...es.moduleOptions(), global: true })], controllers: [WhoController] });
    cookieOnly = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot({ ...es.moduleOptions(), tokenSources: ['cookie'], cookieName: 'app_session', global: true })],
      controllers: [WhoController],
    });
  });
  afterAll(async () => {
    await app.close();
    await cookieOnly.close();
  });

  it('reads the Authorization header', async () => {
    expect((await request(app.getHttpServer()).get('/who').set('Authorization', `Bearer ${headerToken}`)).body.userId).toBe('from_header');
  });

  it('reads the __session cookie', async () => {
    expect((await request(app.getHttpServer()).get('/who').set('Cookie', `a=1; __session=${cookieToken}`)).body.userId).toBe('from_cookie');
  });

  it('lets the header win when both are sent', async () => {
    const res = await request(app.getHttpServer()).get('/who').set('Authorization', `Bearer ${headerToken}`).set('Cookie', `__session=${cookieToken}`);
    expect(res.body.userId).toBe('from_header');
  });

  it('uses only the configured source and cookie name', async () => {
    const server = cookieOnly.getHttpServer();
    expect((await request(server).get('/who').set('Cookie', `app_session=${cookieToken}`)).body.userId).toBe('from_cookie');
    expect((await request(server).get('/who').set('Authorization', `Bearer ${headerToken}`)).status).toBe(401);
    expect((await request(server).get('/who').set('Cookie', `__session=${cookieToken}`)).status).toBe(401);
  });

  it.each([['Bearer'], ['Bearer '], ['Basic dXNlcjpwYXNz'], ['']])('treats Authorization %j as no token: bare challenge', async (value) => {
    const res = await request(app.getHttpServer()).get('/who').set('Authorization', value);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });
});

@Injectable()
class OptionsFromClass implements AuthOptionsFactory {
  createAuthOptions(): AuthModuleOptions {
    return es.moduleOptions();
  }
}

@Module({ providers: [OptionsFromClass], exports: [OptionsFromClass] })
class OptionsModule {}

describe('forRootAsync', () => {
  const cases: Array<[string, () => Parameters<typeof AuthModule.forRootAsync>[0]]> = [
    [
      'useFactory with inject',
      () => ({ imports: [OptionsModule], inject: [OptionsFromClass], useFactory: (o: OptionsFromClass) => o.createAuthOptions(), global: true }),
    ],
    ['useClass', () => ({ useClass: OptionsFromClass, global: true })],
    ['useExisting', () => ({ imports: [OptionsModule], useExisting: OptionsFromClass, global: true })],
    ['an async factory', () => ({ useFactory: async () => es.moduleOptions(), global: true })],
  ];
  it.each(cases)('%s', async (_name, options) => {
    const app = await createHttpApp('express', { imports: [AuthModule.forRootAsync(options())], controllers: [WhoController] });
    try {
      const server = app.getHttpServer();
      expect(
        (
          await request(server)
            .get('/who')
            .set('Authorization', `Bearer ${await es.sign({ sub: 'user_async' })}`)
        ).body.userId,
      ).toBe('user_async');
      expect((await request(server).get('/who')).status).toBe(401);
    } finally {
      await app.close();
    }
  });
});
