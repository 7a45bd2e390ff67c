import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Auth, AuthModule, OptionalAuth } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';

@Controller()
class WhoController {
  @Get('me')
  me(@Auth('userId') userId: string) {
    return { userId };
  }

  @OptionalAuth()
  @Get('feed')
  feed(@Auth('userId') userId: string | null) {
    return { userId };
  }
}

// A browser sends the session cookie with requests from any page of the same site (another port
// of the same host included); the Origin header tells which page made the request.
describe.each(ADAPTERS)('a session cookie sent from another origin (%s)', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let cookie: string;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    app = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ authorizedParties: ['https://app.example.com'], debug: true, global: true }))],
      controllers: [WhoController],
    });
    cookie = `__session=${await issuer.sign({ sub: 'user_1', azp: 'https://app.example.com' })}`;
  });
  afterAll(() => app?.close());

  const get = (path: string, headers: Record<string, string>) => request(app.getHttpServer()).get(path).set(headers);

  it('is accepted without Origin, from the API itself, and from a listed authorized party', async () => {
    await get('/me', { cookie }).expect(200, { userId: 'user_1' });
    await get('/me', { cookie, host: 'api.example.com', origin: 'https://api.example.com' }).expect(200, { userId: 'user_1' });
    await get('/me', { cookie, origin: 'https://app.example.com' }).expect(200, { userId: 'user_1' });
  });

  it('is refused from any other origin: 401 cookie-cross-origin, signed out on optional routes', async () => {
    for (const origin of ['https://evil.example', 'http://127.0.0.1:9999', 'null']) {
      const res = await get('/me', { cookie, origin }).expect(401);
      expect(res.body).toMatchObject({ reason: 'cookie-cross-origin' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="cookie-cross-origin"');
    }
    await get('/feed', { cookie, origin: 'https://evil.example' }).expect(200, { userId: null });
  });

  it('leaves tokens in the Authorization header alone: a page cannot make the browser send them', async () => {
    const token = await issuer.sign({ sub: 'user_2', azp: 'https://app.example.com' });
    await get('/me', { authorization: `Bearer ${token}`, cookie, origin: 'https://evil.example' }).expect(200, { userId: 'user_2' });
  });
});
