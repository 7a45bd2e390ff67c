import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Auth, AuthModule, OptionalAuth } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp, type AdapterName, type HttpAppSettings } from './support/http-app.js';
import { hasSystemBinary } from './support/system-binary.js';
import { makeTlsCertificate, TLS_CERTIFICATE_TOOL } from './support/tls-certificate.js';

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
    await get('/me', { cookie, host: 'api.example.com', origin: 'http://api.example.com' }).expect(200, { userId: 'user_1' });
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

/** An app trusting one issuer, whose session cookie the tests send; `settings` as an app's main.ts would set its server. */
async function cookieApp(adapter: AdapterName, settings: HttpAppSettings = {}) {
  const issuer = await createTestIssuer();
  const app = await createHttpApp(
    adapter,
    { imports: [AuthModule.forRoot(issuer.moduleOptions({ debug: true, global: true }))], controllers: [WhoController] },
    settings,
  );
  return { app, cookie: `__session=${await issuer.sign({ sub: 'user_1' })}` };
}

// The API's own origin is its scheme, host and port: a page on http://api.example must not use the
// cookie of https://api.example (a network attacker can serve the http one).
describe.each(ADAPTERS)("the scheme of the API's own origin (%s)", (adapter) => {
  describe('over plain HTTP, no proxy trusted', () => {
    let app: INestApplication;
    let cookie: string;
    beforeAll(async () => ({ app, cookie } = await cookieApp(adapter)));
    afterAll(() => app?.close());

    it('refuses an https Origin naming its host, and ignores X-Forwarded-Proto from an untrusted hop', async () => {
      const me = (headers: Record<string, string>) =>
        request(app.getHttpServer())
          .get('/me')
          .set({ cookie, host: 'api.example', ...headers });
      await me({ origin: 'http://api.example' }).expect(200, { userId: 'user_1' });
      for (const headers of [{ origin: 'https://api.example' }, { origin: 'https://api.example', 'x-forwarded-proto': 'https' }] as Array<
        Record<string, string>
      >) {
        const res = await me(headers).expect(401);
        expect(res.body).toMatchObject({ reason: 'cookie-cross-origin' });
      }
    });
  });

  describe("behind a trusted proxy (the framework's own setting)", () => {
    let app: INestApplication;
    let cookie: string;
    beforeAll(async () => ({ app, cookie } = await cookieApp(adapter, { trustProxy: true })));
    afterAll(() => app?.close());

    it('takes the scheme from X-Forwarded-Proto: https pages pass, http pages are refused', async () => {
      const me = (headers: Record<string, string>) =>
        request(app.getHttpServer())
          .get('/me')
          .set({ cookie, host: 'internal:8080', 'x-forwarded-host': 'api.example', ...headers });
      await me({ origin: 'https://api.example', 'x-forwarded-proto': 'https' }).expect(200, { userId: 'user_1' });
      const res = await me({ origin: 'http://api.example', 'x-forwarded-proto': 'https' }).expect(401);
      expect(res.body).toMatchObject({ reason: 'cookie-cross-origin' });
      // No forwarded protocol: the connection's own (plain HTTP).
      await me({ origin: 'http://api.example' }).expect(200, { userId: 'user_1' });
    });
  });

  const haveOpenssl = hasSystemBinary(TLS_CERTIFICATE_TOOL, `cookie origin over TLS (${adapter})`);
  (haveOpenssl ? describe : describe.skip)('over TLS', () => {
    let app: INestApplication;
    let cookie: string;
    let cert: string;
    beforeAll(async () => {
      const tls = makeTlsCertificate();
      cert = tls.cert;
      ({ app, cookie } = await cookieApp(adapter, { tls }));
    });
    afterAll(() => app?.close());

    it('refuses Origin: http://api.example for the HTTPS API at api.example, accepts https://api.example', async () => {
      const me = (origin: string) => request(app.getHttpServer()).get('/me').ca(cert).set({ cookie, host: 'api.example', origin });
      await me('https://api.example').expect(200, { userId: 'user_1' });
      await me('https://api.example:443').expect(200, { userId: 'user_1' });
      const res = await me('http://api.example').expect(401);
      expect(res.body).toMatchObject({ reason: 'cookie-cross-origin' });
    });
  });
});
