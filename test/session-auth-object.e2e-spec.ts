import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Auth, AuthModule, OptionalAuth, RequireAuth, type AuthModuleOptions, type AuthObject, type SignedInAuthObject } from 'nestjs-warden';
import { clerkSessionClaims, createTestAuth, type TestAuth } from 'nestjs-warden/testing';
import request from 'supertest';

/**
 * The session auth object field for field with `@clerk/backend`'s: `tokenType`, `sessionClaims`,
 * `debug()`, a pending session's signed-out object, `getToken({ template, expiresInSeconds })`, and
 * `@RequireAuth(has => …)` like Clerk's `auth.protect(has => …)`.
 */

@Controller('whoami')
export class WhoamiController {
  @OptionalAuth()
  @Get()
  whoami(@Auth() auth: AuthObject) {
    if (!auth.isAuthenticated) {
      // A pending session (sts: 'pending') is signed out but says so: send the user to their tasks.
      return { signedIn: false, pending: auth.sessionStatus === 'pending', why: auth.debug().reason };
    }
    return {
      signedIn: true,
      tokenType: auth.tokenType, // 'session_token'
      userId: auth.userId,
      azp: auth.sessionClaims.azp, // the verified claims, under Clerk's name (also auth.claims)
    };
  }
}

@Controller('billing')
export class BillingController {
  /** Admins, or anyone allowed to manage billing: Clerk's auth.protect(has => …). */
  @RequireAuth((has) => has({ role: 'admin' }) || has({ permission: 'org:billing:manage' }))
  @Get('invoices')
  invoices(@Auth('orgId') orgId: string) {
    return { orgId };
  }
}

@Controller('probe')
class ProbeAuthController {
  @OptionalAuth()
  @Get('debug')
  debug(@Auth() auth: AuthObject) {
    return { debug: auth.debug(), sessionClaimsIsClaims: auth.sessionClaims === auth.claims };
  }

  @OptionalAuth()
  @Get('template')
  async template(@Auth() auth: AuthObject) {
    return {
      both: await auth.getToken({ template: 'supabase', expiresInSeconds: 120 }),
      templateOnly: await auth.getToken({ template: 'supabase' }),
      lifetimeOnly: await auth.getToken({ expiresInSeconds: 30 }),
    };
  }

  @RequireAuth((has) => has({ reverification: 'strict' }) && has({ role: 'admin' }))
  @Get('fresh-admin')
  freshAdmin() {
    return { ok: true };
  }

  @RequireAuth(() => {
    throw new Error('a bug in the predicate');
  })
  @Get('throws')
  throws() {
    return { ok: true };
  }
}

const templates = jest.fn(
  async (auth: SignedInAuthObject, template: string, options: { template?: string; expiresInSeconds?: number }) =>
    `${template || '(session)'}:${options.expiresInSeconds ?? '-'}:${auth.userId}`,
);

async function startApp(testAuth: TestAuth, extra: Partial<AuthModuleOptions> = {}): Promise<INestApplication> {
  const module = AuthModule.forRoot({ secret: 'a'.repeat(32), issuer: 'https://clerk.example.test', getTokenTemplate: templates, global: true, ...extra });
  const moduleRef = await testAuth
    .override(Test.createTestingModule({ imports: [module], controllers: [WhoamiController, BillingController, ProbeAuthController] }))
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('the session auth object', () => {
  let testAuth: TestAuth;
  let app: INestApplication;
  let keepPending: INestApplication;

  beforeAll(async () => {
    testAuth = createTestAuth();
    app = await startApp(testAuth);
    keepPending = await startApp(testAuth, { treatPendingAsSignedOut: false });
  });
  afterAll(async () => {
    await app?.close();
    await keepPending?.close();
  });

  const get = async (path: string, claims?: Parameters<typeof clerkSessionClaims>[0], target = app) =>
    request(target.getHttpServer())
      .get(path)
      .set(claims ? await testAuth.headers(clerkSessionClaims(claims)) : {});

  it('tokenType and sessionClaims, as in the documented controller', async () => {
    expect((await get('/whoami', { userId: 'user_1' })).body).toEqual({
      signedIn: true,
      tokenType: 'session_token',
      userId: 'user_1',
      azp: 'http://localhost:3000',
    });
    expect((await get('/probe/debug', {})).body.sessionClaimsIsClaims).toBe(true);
  });

  it("a pending session's signed-out object keeps sessionStatus 'pending' (Clerk)", async () => {
    expect((await get('/whoami', { status: 'pending' })).body).toEqual({ signedIn: false, pending: true, why: 'session-pending' });
    expect((await get('/whoami')).body).toEqual({ signedIn: false, pending: false, why: 'token-missing' });
    const required = await get('/billing/invoices', { status: 'pending', org: { id: 'org_1', role: 'admin' } });
    expect(required.status).toBe(401);
    // treatPendingAsSignedOut: false keeps the session signed in, pending.
    expect((await get('/probe/debug', { status: 'pending' }, keepPending)).body.debug).toMatchObject({ isAuthenticated: true, sessionStatus: 'pending' });
  });

  it('debug() says what was decided and never carries the token', async () => {
    const token = await testAuth.token(clerkSessionClaims({ userId: 'user_dbg', sessionId: 'sess_dbg' }));
    const signedIn = await request(app.getHttpServer()).get('/probe/debug').set('Authorization', `Bearer ${token}`).expect(200);
    expect(signedIn.body.debug).toEqual({
      isAuthenticated: true,
      tokenType: 'session_token',
      tokenPresent: true,
      reason: null,
      userId: 'user_dbg',
      sessionId: 'sess_dbg',
      sessionStatus: null,
      issuer: 'https://clerk.example.test',
      expiresAt: expect.any(Number),
    });
    const tampered = `${token.slice(0, -4)}AAAA`;
    const refused = await request(app.getHttpServer()).get('/probe/debug').set('Authorization', `Bearer ${tampered}`).expect(200);
    expect(refused.body.debug).toMatchObject({ isAuthenticated: false, tokenPresent: true, reason: 'token-invalid-signature' });
    for (const body of [signedIn.text, refused.text]) {
      for (const part of token.split('.')) expect(body).not.toContain(part.slice(0, 12));
    }
  });

  it('getToken({ template, expiresInSeconds }) hands both to getTokenTemplate', async () => {
    templates.mockClear();
    const res = await get('/probe/template', { userId: 'user_tpl' });
    expect(res.body).toEqual({ both: 'supabase:120:user_tpl', templateOnly: 'supabase:-:user_tpl', lifetimeOnly: '(session):30:user_tpl' });
    expect(templates.mock.calls.map(([, template, options]) => [template, options])).toEqual([
      ['supabase', { template: 'supabase', expiresInSeconds: 120 }],
      ['supabase', { template: 'supabase' }],
      ['', { expiresInSeconds: 30 }],
    ]);
    // Signed out: null, and the provider is not asked.
    expect((await get('/probe/template')).body).toEqual({ both: null, templateOnly: null, lifetimeOnly: null });
    expect(templates).toHaveBeenCalledTimes(3);
  });
});

describe('@RequireAuth(has => …)', () => {
  let testAuth: TestAuth;
  let app: INestApplication;
  beforeAll(async () => {
    testAuth = createTestAuth();
    app = await startApp(testAuth);
  });
  afterAll(() => app?.close());

  const status = async (path: string, claims?: Parameters<typeof clerkSessionClaims>[0]) =>
    (
      await request(app.getHttpServer())
        .get(path)
        .set(claims ? await testAuth.headers(clerkSessionClaims(claims)) : {})
    ).status;

  it('lets in either side of the ||, and no one else', async () => {
    expect(await status('/billing/invoices', { org: { id: 'org_1', role: 'admin' } })).toBe(200);
    expect(await status('/billing/invoices', { org: { id: 'org_1', role: 'member', permissions: ['org:billing:manage'] }, features: ['o:billing'] })).toBe(200);
    expect(await status('/billing/invoices', { org: { id: 'org_1', role: 'member', permissions: ['org:billing:read'] }, features: ['o:billing'] })).toBe(403);
    expect(await status('/billing/invoices', {})).toBe(403);
    expect(await status('/billing/invoices')).toBe(401);
  });

  it("has() inside the predicate knows reverification; the refusal is a plain 403 (as Clerk's protect)", async () => {
    expect(await status('/probe/fresh-admin', { org: { id: 'org_1', role: 'admin' }, factorVerificationAge: [0, 2] })).toBe(200);
    const res = await request(app.getHttpServer())
      .get('/probe/fresh-admin')
      .set(await testAuth.headers(clerkSessionClaims({ org: { id: 'org_1', role: 'admin' }, factorVerificationAge: [0, 20] })));
    expect(res.status).toBe(403);
    expect(res.body.clerk_error).toBeUndefined();
  });

  it('a predicate that throws refuses (403), never a 500', async () => {
    expect(await status('/probe/throws', {})).toBe(403);
  });

  it('refuses a predicate that is not a function or an options object at declaration', () => {
    expect(() => RequireAuth(42 as never)).toThrow('@RequireAuth()');
  });
});
