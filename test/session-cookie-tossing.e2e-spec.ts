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

// Cookie tossing: a page on a sibling subdomain (or any host of the site it controls) sets its own
// `__session` for the parent domain. The browser then sends both cookies, the tossed one first when
// its Path is longer, and a cookie parser keeps the first: the victim would act as the attacker.
describe.each(ADAPTERS)('a session cookie tossed from a subdomain (%s)', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let victim: string;
  let attacker: string;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    app = await createHttpApp(adapter, { imports: [AuthModule.forRoot(issuer.moduleOptions({ debug: true, global: true }))], controllers: [WhoController] });
    victim = await issuer.sign({ sub: 'user_victim' });
    attacker = await issuer.sign({ sub: 'user_attacker' });
  });
  afterAll(() => app?.close());

  const get = (path: string, headers: Record<string, string | string[]>) => request(app.getHttpServer()).get(path).set(headers);

  it('refuses a request carrying two different __session cookies: 401 cookie-duplicated, signed out on optional routes', async () => {
    for (const cookie of [
      `__session=${attacker}; __session=${victim}`,
      `theme=dark; __session=${victim}; x=1; __session=${attacker}`,
      ['__session=' + attacker, '__session=' + victim],
    ]) {
      const res = await get('/me', { cookie }).expect(401);
      expect(res.body).toMatchObject({ reason: 'cookie-duplicated' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="cookie-duplicated"');
      expect(JSON.stringify(res.body)).not.toContain(victim.slice(0, 20));
    }
    await get('/feed', { cookie: `__session=${attacker}; __session=${victim}` }).expect(200, { userId: null });
  });

  it('accepts one cookie, the same value twice, look-alike names, and a bearer header beside duplicates', async () => {
    await get('/me', { cookie: `__session=${victim}` }).expect(200, { userId: 'user_victim' });
    await get('/me', { cookie: `__session=${victim}; __session=${victim}` }).expect(200, { userId: 'user_victim' });
    await get('/me', { cookie: `my__session=${attacker}; __session=${victim}; __session_x=${attacker}` }).expect(200, { userId: 'user_victim' });
    await get('/me', { authorization: `Bearer ${victim}`, cookie: `__session=${attacker}; __session=x` }).expect(200, { userId: 'user_victim' });
  });
});

// A `__Host-` cookie can only be set by the host itself, over https, for Path=/ and without Domain:
// no sibling subdomain can toss one. Apps that can name their cookie pick it.
describe.each(ADAPTERS)("cookieName: '__Host-session' (%s)", (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    app = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ cookieName: '__Host-session', debug: true, global: true }))],
      controllers: [WhoController],
    });
  });
  afterAll(() => app?.close());

  it('reads the __Host- cookie, and only it: a tossed __session or a lower-case __host- cookie is no token', async () => {
    const token = await issuer.sign({ sub: 'user_host' });
    const other = await issuer.sign({ sub: 'user_other' });
    const get = (cookie: string) => request(app.getHttpServer()).get('/me').set('cookie', cookie);
    await get(`__Host-session=${token}`).expect(200, { userId: 'user_host' });
    await get(`__session=${other}; __Host-session=${token}`).expect(200, { userId: 'user_host' });
    expect((await get(`__host-session=${other}`).expect(401)).body).toMatchObject({ reason: 'token-missing' });
    expect((await get(`__Host-session=${other}; __Host-session=${token}`).expect(401)).body).toMatchObject({ reason: 'cookie-duplicated' });
  });
});
