import { beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthConfigError, AuthModule, memoryRevocationStore, type AuthModuleOptions, type RevocationStore } from 'nestjs-warden';
import { RevocationUnavailableError } from 'nestjs-warden/core';
import { BACKCHANNEL_LOGOUT_EVENT, BackchannelLogout, BackchannelLogoutModule, type BackchannelLogoutOptions } from 'nestjs-warden/logout';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';

/** BackchannelLogoutModule's boot checks, and its answers to requests that are not logout tokens, on Express and Fastify. */

@Controller()
class LogoutController {
  @Post('logout')
  @BackchannelLogout()
  logout(): void {}
}

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: 'https://idp.example.com' });
});

const boot = (auth: AuthModuleOptions, logout: BackchannelLogoutOptions) =>
  Test.createTestingModule({
    imports: [AuthModule.forRoot({ ...auth, global: true }), BackchannelLogoutModule.forRoot(logout)],
    controllers: [LogoutController],
  }).compile();

describe('boot checks', () => {
  it('no revocation store anywhere: the boot stops naming revocation', async () => {
    await expect(boot(issuer.moduleOptions(), { audience: 'app' })).rejects.toThrow(expect.objectContaining({ option: 'revocation' }));
  });

  it('issuers the AuthModule does not trust, or an AuthModule that names none: the boot stops naming issuers', async () => {
    const revocation = memoryRevocationStore();
    await expect(boot(issuer.moduleOptions({ revocation }), { audience: 'app', issuers: ['https://other.example.com'] })).rejects.toThrow(
      expect.objectContaining({ option: 'issuers' }),
    );
    await expect(boot({ jwks: issuer.jwks, revocation }, { audience: 'app' })).rejects.toThrow(expect.objectContaining({ option: 'issuers' }));
  });

  it.each([
    [{ audience: '' }, 'audience'],
    [{ audience: 'app', revokeBy: 'everything' }, 'revokeBy'],
    [{ audience: 'app', maxTokenAgeInSeconds: 0 }, 'maxTokenAgeInSeconds'],
    [{ audience: 'app', audiences: ['x'] }, 'audiences'],
  ])('%j is refused naming %s', (options, option) => {
    expect(() => BackchannelLogoutModule.forRoot(options as unknown as BackchannelLogoutOptions)).toThrow(AuthConfigError);
    expect(() => BackchannelLogoutModule.forRoot(options as unknown as BackchannelLogoutOptions)).toThrow(expect.objectContaining({ option }));
  });
});

describe.each(ADAPTERS)('requests that are not logouts (%s)', (adapter) => {
  const post = async (store: RevocationStore, type: string, body: string) => {
    const app = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot({ ...issuer.moduleOptions({ revocation: store }), global: true }), BackchannelLogoutModule.forRoot({ audience: 'app' })],
      controllers: [LogoutController],
    });
    try {
      const res = await request(app.getHttpServer()).post('/logout').set('content-type', type).send(body);
      return { status: res.status, body: res.body as unknown, cacheControl: res.headers['cache-control'], retryAfter: res.headers['retry-after'] };
    } finally {
      await app.close();
    }
  };

  it('JSON instead of a form, or a form without logout_token: 400 invalid_request, no-store', async () => {
    const store = memoryRevocationStore();
    expect(await post(store, 'application/json', JSON.stringify({ logout_token: 'a.b.c' }))).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: 'expected an application/x-www-form-urlencoded body' },
      cacheControl: 'no-store',
    });
    expect(await post(store, 'application/x-www-form-urlencoded', 'token=a.b.c')).toMatchObject({
      status: 400,
      body: { error_description: 'missing logout_token' },
    });
  });

  it('a revocation store that cannot answer: 503 with Retry-After, never a 200 that ends nothing', async () => {
    const down: RevocationStore = {
      revoke: () => Promise.reject(new Error('down')),
      isRevoked: () => {
        throw new RevocationUnavailableError('down', 2);
      },
    };
    const token = await issuer.sign({ aud: 'app', sid: 'sess_1', jti: 'jti_1', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } }, { header: { typ: 'logout+jwt' } });
    const answer = await post(down, 'application/x-www-form-urlencoded', `logout_token=${token}`);
    expect(answer).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' }, cacheControl: 'no-store', retryAfter: '5' });
  });
});
