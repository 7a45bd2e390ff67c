import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { AuthModule, clerk, type AuthModuleOptions } from 'nestjs-warden';
import { clerkSessionClaims, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from '../support/http-app.js';
import { ProbeController } from '../support/probe.controller.js';

/**
 * Token confusion (issue 11): tokens of other classes that the same key signs are no user session.
 * Only the public API of before the token classes: a route with a plain `@RequireAuth()`-like
 * default policy, tokens sent in the header and in the session cookie, with and without `clerk()`.
 */

const NOT_SESSIONS: Array<[name: string, header: Record<string, unknown>, claims: Record<string, unknown>]> = [
  ['a Clerk JWT template (cat cl_B7d4PD222AAA)', { cat: 'cl_B7d4PD222AAA' }, clerkSessionClaims()],
  ['a Clerk M2M token (cat cl_B7d4PD333AAA)', { cat: 'cl_B7d4PD333AAA' }, { sub: 'mch_2xYz', jti: 'mt_1' }],
  ['a JWT M2M token (sub mch_…)', {}, { sub: 'mch_2xYz', jti: 'mt_1' }],
  ['an OAuth access token (typ at+jwt)', { typ: 'at+jwt' }, { sub: 'user_1', client_id: 'cli_1', scope: 'read' }],
  ['an OAuth access token (typ application/at+jwt)', { typ: 'application/at+jwt' }, { sub: 'user_1', client_id: 'cli_1' }],
  ['an OAuth access token (typ AT+JWT)', { typ: 'AT+JWT' }, { sub: 'user_1', client_id: 'cli_1' }],
];

describe.each(ADAPTERS)('token confusion on %s', (adapter) => {
  let issuer: TestIssuer;
  const apps: Record<string, INestApplication> = {};

  beforeAll(async () => {
    issuer = await createTestIssuer({ issuer: 'https://clerk.confusion.test', kid: 'ins_1' });
    const configs: Record<string, AuthModuleOptions> = {
      default: issuer.moduleOptions({ debug: true }),
      clerk: clerk({ frontendApi: 'clerk.confusion.test', jwtKey: issuer.publicKeyPem, debug: true }),
    };
    for (const [name, options] of Object.entries(configs)) {
      apps[name] = await createHttpApp(adapter, { imports: [AuthModule.forRoot({ ...options, global: true })], controllers: [ProbeController] });
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(apps).map((app) => app.close()));
  });

  it.each(['default', 'clerk'])('a session token still signs in (%s)', async (config) => {
    const token = await issuer.sign(clerkSessionClaims({ userId: 'user_1' }));
    const res = await request(apps[config].getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body).toMatchObject({ isAuthenticated: true, userId: 'user_1' });
  });

  describe.each(['default', 'clerk'])('%s config', (config) => {
    it.each(NOT_SESSIONS)('%s is refused as a user session, in the header and in the cookie', async (_name, header, claims) => {
      const token = await issuer.sign(claims, { header });
      const server = apps[config].getHttpServer();
      const viaHeader = await request(server).get('/me').set('Authorization', `Bearer ${token}`);
      const viaCookie = await request(server).get('/me').set('Cookie', `__session=${token}`);
      for (const res of [viaHeader, viaCookie]) {
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
        expect(['token-type-not-accepted', 'token-invalid-type']).toContain(res.body.reason);
        expect(JSON.stringify(res.body)).not.toContain('user_1');
      }
    });
  });

  it('with clerk(), a session token whose typ is not JWT is refused', async () => {
    for (const typ of ['jwt', 'id_token', 'Bearer']) {
      const token = await issuer.sign(clerkSessionClaims(), { header: { typ } });
      await request(apps.clerk.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`).expect(401);
    }
    const untyped = await issuer.sign(clerkSessionClaims(), { header: { typ: undefined } });
    await request(apps.clerk.getHttpServer()).get('/me').set('Authorization', `Bearer ${untyped}`).expect(200);
  });
});
