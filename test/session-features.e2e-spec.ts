import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Auth, AuthModule, OptionalAuth, type AuthModuleOptions, type AuthObject, type SignedInAuthObject } from 'nestjs-warden';
import { clerkSessionClaims, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';

@Controller()
class SessionController {
  @Get('me') me(@Auth() auth: SignedInAuthObject): SignedInAuthObject {
    return auth;
  }

  @OptionalAuth() @Get('maybe') maybe(@Auth() auth: AuthObject): { signedIn: boolean; status: string | null } {
    return { signedIn: auth.isAuthenticated, status: auth.sessionStatus };
  }

  @Get('template') async template(@Auth() auth: SignedInAuthObject): Promise<{ own: string | null; minted: string | null }> {
    return { own: await auth.getToken(), minted: await auth.getToken({ template: 'supabase' }) };
  }
}

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});

describe.each(ADAPTERS)('session features on %s', (adapter) => {
  const apps: INestApplication[] = [];
  const start = async (options: AuthModuleOptions = {}) => {
    const app = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), debug: true, global: true, ...options })],
      controllers: [SessionController],
    });
    apps.push(app);
    return app.getHttpServer();
  };
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  it('treats a pending session as signed out by default', async () => {
    const server = await start();
    const pending = await issuer.sign(clerkSessionClaims({ status: 'pending' }));
    const res = await request(server).get('/me').set('Authorization', `Bearer ${pending}`);
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('session-pending');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    // Signed out, but the object still says the session is pending, as Clerk's does.
    expect((await request(server).get('/maybe').set('Authorization', `Bearer ${pending}`)).body).toEqual({ signedIn: false, status: 'pending' });
  });

  it('lets a pending session in with treatPendingAsSignedOut: false', async () => {
    const server = await start({ treatPendingAsSignedOut: false });
    const pending = await issuer.sign(clerkSessionClaims({ status: 'pending' }));
    const res = await request(server).get('/me').set('Authorization', `Bearer ${pending}`);
    expect(res.status).toBe(200);
    expect(res.body.sessionStatus).toBe('pending');
  });

  it('refuses what isRevoked() refuses', async () => {
    const server = await start({ isRevoked: (claims) => claims.sid === 'sess_stolen' });
    const stolen = await issuer.sign(clerkSessionClaims({ sessionId: 'sess_stolen' }));
    const fine = await issuer.sign(clerkSessionClaims({ sessionId: 'sess_fine' }));
    const res = await request(server).get('/me').set('Authorization', `Bearer ${stolen}`);
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('token-revoked');
    expect((await request(server).get('/me').set('Authorization', `Bearer ${fine}`)).status).toBe(200);
  });

  it('getToken() gives the request token, getToken({ template }) the option’s', async () => {
    const server = await start({ getTokenTemplate: async (auth, template) => `${template}:${auth.userId}` });
    const token = await issuer.sign({ sub: 'user_t' });
    expect((await request(server).get('/template').set('Authorization', `Bearer ${token}`)).body).toEqual({ own: token, minted: 'supabase:user_t' });
  });

  it('maps Clerk v1 and v2 org claims, actor and factor ages into the auth object', async () => {
    const server = await start();
    const v1 = await issuer.sign(clerkSessionClaims({ version: 1, org: { id: 'org_1', slug: 'acme', role: 'admin', permissions: ['org:invoices:read'] } }));
    expect((await request(server).get('/me').set('Authorization', `Bearer ${v1}`)).body).toMatchObject({
      orgId: 'org_1',
      orgSlug: 'acme',
      orgRole: 'org:admin',
      orgPermissions: ['org:invoices:read'],
    });
    const v2 = await issuer.sign(
      clerkSessionClaims({
        org: { id: 'org_2', slug: 'beta', role: 'member', permissions: ['org:invoices:read', 'org:reports:view'] },
        features: ['o:invoices', 'o:reports'],
        actor: { sub: 'user_support' },
        factorVerificationAge: [5, -1],
        status: 'active',
      }),
    );
    expect((await request(server).get('/me').set('Authorization', `Bearer ${v2}`)).body).toMatchObject({
      orgId: 'org_2',
      orgSlug: 'beta',
      orgRole: 'org:member',
      orgPermissions: ['org:invoices:read', 'org:reports:view'],
      actor: { sub: 'user_support' },
      factorVerificationAge: [5, -1],
      sessionStatus: 'active',
    });
  });
});
