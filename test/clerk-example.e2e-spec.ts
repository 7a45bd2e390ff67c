import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { inspect } from 'node:util';
import { Auth, AuthModule, type SignedInAuthObject } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';

// Clerk's documented example session token (claims azp exp iat iss nbf sid sub) and the auth object
// Clerk documents for it.
const CLAIMS = {
  azp: 'http://localhost:3000',
  exp: 1666622607,
  iat: 1666622547,
  iss: 'https://clerk.prod.lcl.dev',
  nbf: 1666622537,
  sid: 'sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9',
  sub: 'user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr',
};

let seen: SignedInAuthObject | undefined;

@Controller('me')
class MeController {
  @Get() me(@Auth() auth: SignedInAuthObject): SignedInAuthObject {
    seen = auth;
    return auth;
  }
}

describe.each(ADAPTERS)("Clerk's documented example on %s", (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let token: string;

  beforeAll(async () => {
    issuer = await createTestIssuer({ issuer: CLAIMS.iss, kid: 'ins_2GIoQhbUpy0hX7B2cVkuTMinXoD' });
    token = await issuer.sign(CLAIMS);
    app = await createHttpApp(adapter, {
      imports: [
        AuthModule.forRoot({
          ...issuer.moduleOptions(),
          authorizedParties: ['http://localhost:3000'],
          clock: () => (CLAIMS.iat + 1) * 1000,
          global: true,
        }),
      ],
      controllers: [MeController],
    });
  });
  afterAll(() => app.close());

  it('gives the auth object Clerk documents, field for field', async () => {
    seen = undefined;
    const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const auth = seen as unknown as SignedInAuthObject;
    expect({ sessionId: auth.sessionId, userId: auth.userId, orgId: auth.orgId, claims: auth.claims }).toStrictEqual({
      sessionId: CLAIMS.sid,
      userId: CLAIMS.sub,
      orgId: null,
      claims: CLAIMS,
    });
    expect(Object.keys(auth).slice(0, 5)).toEqual(['sessionId', 'userId', 'orgId', 'getToken', 'claims']);
    expect(inspect(auth.getToken)).toMatch(/^\[AsyncFunction/);
    await expect(auth.getToken()).resolves.toBe(token);
    expect(auth).toMatchObject({
      isAuthenticated: true,
      orgRole: null,
      orgSlug: null,
      orgPermissions: null,
      actor: null,
      sessionStatus: null,
    });
    expect(auth.has({ permission: 'org:invoices:read' })).toBe(false);
  });

  it('serialises to JSON without the functions', async () => {
    const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`);
    expect(res.body).toEqual({
      sessionId: CLAIMS.sid,
      userId: CLAIMS.sub,
      orgId: null,
      claims: CLAIMS,
      sessionClaims: CLAIMS,
      isAuthenticated: true,
      orgRole: null,
      orgSlug: null,
      orgPermissions: null,
      actor: null,
      sessionStatus: null,
      factorVerificationAge: null,
      tokenType: 'session_token',
      issuer: CLAIMS.iss,
    });
  });

  it('refuses the same token once the clock passes exp + skew', async () => {
    const late = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), clock: () => (CLAIMS.exp + 5) * 1000, global: true })],
      controllers: [MeController],
    });
    try {
      expect((await request(late.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    } finally {
      await late.close();
    }
  });
});
