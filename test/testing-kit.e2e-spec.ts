import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Auth, AuthModule, OptionalAuth, RequireAuth, type AuthObject } from 'nestjs-warden';
import { clerkSessionClaims, createTestAuth, createTestIssuer, type ServedTestIssuer, type TestAuth } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS } from './support/http-app.js';

@Controller()
class AccountController {
  @Get('me')
  me(@Auth() auth: AuthObject) {
    return { userId: auth.userId, orgRole: auth.orgRole };
  }

  @OptionalAuth()
  @Get('feed')
  feed(@Auth('userId') userId: string | null) {
    return { for: userId ?? 'everyone' };
  }

  @RequireAuth({ permission: 'org:invoices:read' })
  @Get('invoices')
  invoices(@Auth('orgId') orgId: string) {
    return [`${orgId}-inv-1`];
  }
}

// What a user's AppModule looks like: real options, a remote JWKS that a test never needs to reach.
@Module({
  imports: [
    AuthModule.forRoot({
      jwksUrl: 'https://clerk.example.test/.well-known/jwks.json',
      issuer: 'https://clerk.example.test',
      authorizedParties: ['https://app.example.test'],
      global: true,
    }),
  ],
  controllers: [AccountController],
})
class AppModule {}

const admin = clerkSessionClaims({
  userId: 'user_admin',
  org: { id: 'org_1', role: 'admin', permissions: ['org:invoices:read'] },
  features: ['o:invoices'],
});

describe.each(ADAPTERS)('nestjs-warden/testing on %s', (adapter) => {
  let testAuth: TestAuth;
  let app: INestApplication;

  beforeAll(async () => {
    testAuth = createTestAuth({ as: clerkSessionClaims({ userId: 'user_1', org: { id: 'org_1', role: 'member' } }) });
    const moduleRef = await testAuth.override(Test.createTestingModule({ imports: [AppModule] })).compile();
    app = adapter === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
    await app.init();
    if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app?.close());

  const http = () => request(app.getHttpServer());

  it('createTestAuth({ as }): requests without a token are that user, through the real guard', async () => {
    await http().get('/me').expect(200, { userId: 'user_1', orgRole: 'org:member' });
  });

  it('another user per request, with the app’s own issuer and azp filled in', async () => {
    const res = await http()
      .get('/invoices')
      .set(await testAuth.headers(admin))
      .expect(200);
    expect(res.body).toEqual(['org_1-inv-1']);
  });

  it('forbidden: the real policy still applies to test users', async () => {
    await http().get('/invoices').expect(403);
  });

  it('signed out: signInAs(null), then 401 on required routes and the signed-out object on optional ones', async () => {
    testAuth.signInAs(null);
    try {
      const res = await http().get('/me').expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      await http().get('/feed').expect(200, { for: 'everyone' });
    } finally {
      testAuth.signInAs(clerkSessionClaims({ userId: 'user_1', org: { id: 'org_1', role: 'member' } }));
    }
  });

  it('bad tokens are still refused: a token signed elsewhere, an expired one, one with a bad claim type, garbage', async () => {
    const other = createTestAuth();
    await expect(other.token()).rejects.toThrow(/compile the testing module/);
    const issuer = await createTestIssuer({ issuer: 'https://clerk.example.test', alg: 'ES256' });
    await http()
      .get('/me')
      .set(await issuer.headers({ sub: 'user_x' }))
      .expect(401);
    await http()
      .get('/me')
      .set(await testAuth.headers({ sub: 'user_x', sid: 42 }))
      .expect(401);
    await http()
      .get('/me')
      .set(await testAuth.headers({ exp: Math.floor(Date.now() / 1000) - 3600 }))
      .expect(401);
    await http().get('/me').set('Authorization', 'Bearer garbage').expect(401);
  });
});

describe('createTestIssuer().serve(): a real JWKS on 127.0.0.1', () => {
  let served: ServedTestIssuer;
  let app: INestApplication;
  let sign: (claims: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    const issuer = await createTestIssuer({ alg: 'ES256' });
    served = await issuer.serve();
    sign = (claims) => issuer.sign(claims);
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(served.moduleOptions({ global: true }))],
      controllers: [AccountController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await served?.close();
  });

  it('verifies through the served URL', async () => {
    expect(served.jwksUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json$/);
    const token = await sign({ sub: 'user_served' });
    await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`).expect(200, { userId: 'user_served', orgRole: null });
    expect(served.requests).toBeGreaterThanOrEqual(1);
  });
});
