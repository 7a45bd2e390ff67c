import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { AuthModule } from 'nestjs-warden';
import { clerkSessionClaims, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';
import { GuardedFeatureModule, POLICY_CONTROLLERS } from './support/policy-controllers.js';

let issuer: TestIssuer;
let user: string;
let admin: string;
let member: string;

beforeAll(async () => {
  issuer = await createTestIssuer();
  user = await issuer.sign({ sub: 'user_plain', sid: 'sess_1' });
  admin = await issuer.sign(
    clerkSessionClaims({
      userId: 'user_admin',
      org: { id: 'org_1', role: 'admin', permissions: ['org:invoices:read'] },
      features: ['o:invoices', 'o:reports'],
      plans: ['o:pro'],
    }),
  );
  member = await issuer.sign(clerkSessionClaims({ userId: 'user_member', org: { id: 'org_1', role: 'member', permissions: [] }, version: 1 }));
});

const get = (app: INestApplication, path: string, token?: string) => {
  const req = request(app.getHttpServer()).get(path);
  return token ? req.set('Authorization', `Bearer ${token}`) : req;
};

describe.each(ADAPTERS)('policies on %s', (adapter) => {
  describe("global guard, defaultPolicy 'required'", () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createHttpApp(adapter, {
        imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), global: true })],
        controllers: POLICY_CONTROLLERS,
      });
    });
    afterAll(() => app.close());

    it('guards an undecorated route: 401 signed out with a bare challenge, 200 signed in', async () => {
      const res = await get(app, '/plain');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' });
      const ok = await get(app, '/plain', user);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ route: 'plain', userId: 'user_plain', isAuthenticated: true });
    });

    it('answers a refused token with error="invalid_token" and no reason outside debug mode', async () => {
      const res = await get(app, '/plain', `${user}x`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
      expect(res.body.reason).toBeUndefined();
    });

    it('lets a method decorator override its class decorator, both ways', async () => {
      expect((await get(app, '/class-required/strict')).status).toBe(401);
      const relaxed = await get(app, '/class-required/relaxed');
      expect(relaxed.status).toBe(200);
      expect(relaxed.body).toEqual({ route: 'relaxed', userId: null, isAuthenticated: false });
      expect((await get(app, '/class-optional/open')).status).toBe(200);
      expect((await get(app, '/class-optional/closed')).status).toBe(401);
      expect((await get(app, '/class-optional/closed', user)).body.userId).toBe('user_plain');
    });

    it('runs an optional route signed out, and signed in with a token', async () => {
      expect((await get(app, '/method/optional')).body).toEqual({ signedIn: false });
      expect((await get(app, '/method/optional', user)).body).toEqual({ signedIn: true });
      expect((await get(app, '/method/optional', 'garbage.token.here')).body).toEqual({ signedIn: false });
    });

    it('hands out one field with @Auth(key)', async () => {
      expect((await get(app, '/method/required', user)).body).toEqual({ userId: 'user_plain' });
    });

    it.each([
      ['permission', 'admin', 200],
      ['permission', 'member', 403],
      ['permission', 'user', 403],
      ['role', 'admin', 200],
      ['role', 'member', 403],
      ['feature', 'admin', 200],
      ['feature', 'member', 403],
      ['plan', 'admin', 200],
      ['plan', 'user', 403],
      ['both', 'admin', 200],
      ['both', 'member', 403],
    ])('@RequireAuth({ %s }) for %s -> %i', async (route, who, status) => {
      const token = { admin, member, user }[who as 'admin' | 'member' | 'user'];
      const res = await get(app, `/method/${route}`, token);
      expect(res.status).toBe(status);
      if (status === 403) {
        expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="insufficient_scope"');
        expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Forbidden' });
      }
    });

    it('answers 401, not 403, for a signed-out request to a route with a check', async () => {
      expect((await get(app, '/method/permission')).status).toBe(401);
    });

    it('getAuth(req) returns the object @Auth() gets, also as req.auth', async () => {
      expect((await get(app, '/method/getauth', user)).body).toEqual({ userId: 'user_plain', same: true });
    });
  });

  describe("global guard, defaultPolicy 'optional'", () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createHttpApp(adapter, {
        imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), defaultPolicy: 'optional', global: true })],
        controllers: POLICY_CONTROLLERS,
      });
    });
    afterAll(() => app.close());

    it('runs undecorated routes signed out', async () => {
      expect((await get(app, '/plain')).body).toEqual({ route: 'plain', userId: null, isAuthenticated: false });
      expect((await get(app, '/plain', user)).body.userId).toBe('user_plain');
    });

    it('still enforces @RequireAuth() on classes and methods', async () => {
      expect((await get(app, '/class-required/strict')).status).toBe(401);
      expect((await get(app, '/class-optional/closed')).status).toBe(401);
      expect((await get(app, '/method/permission', member)).status).toBe(403);
    });
  });

  describe('@UseGuards(AuthGuard) in a feature module, no global guard', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createHttpApp(adapter, {
        imports: [AuthModule.forRoot(issuer.moduleOptions()), GuardedFeatureModule],
      });
    });
    afterAll(() => app.close());

    it('guards the controller with the default policy', async () => {
      expect((await get(app, '/feature/default')).status).toBe(401);
      expect((await get(app, '/feature/default', user)).body).toEqual({ userId: 'user_plain' });
      expect((await get(app, '/feature/optional')).body).toEqual({ userId: null });
    });

    it('leaves other controllers alone, and getAuth(req) there names the guard', async () => {
      const res = await get(app, '/unguarded', user);
      expect(res.status).toBe(200);
      expect(res.body.error).toMatch(/AuthGuard did not run/);
      expect(res.body.error).toMatch(/AuthModule\.forRoot/);
    });
  });

  describe('debug mode', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createHttpApp(adapter, {
        imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), debug: true, global: true })],
        controllers: POLICY_CONTROLLERS,
      });
    });
    afterAll(() => app.close());

    it('adds the reason to the body and error_description', async () => {
      const expired = await issuer.sign({ sub: 'user_1' }, { now: Date.now() - 3_600_000 });
      const res = await get(app, '/plain', expired);
      expect(res.status).toBe(401);
      expect(res.body.reason).toBe('token-expired');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="token-expired"');
      expect((await get(app, '/method/permission', member)).body.reason).toBe('insufficient-scope');
    });
  });
});
