import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { clerkSessionClaims, createTestIssuer, type ServedTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { serveCompiled, type NodeApp } from './support/migrating/node-app.js';

// The migration guides' before and after apps, side by side: the same requests get the same answers.
// Their modules read process.env when they load, so each test imports them once the variables are set.
// The passport "before" app runs outside Jest, compiled by tsc and served by node: jwks-rsa require()s
// jose 6, an ES module, which Jest in ESM mode cannot hand to a CommonJS package on Node below 24.9.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENV = ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'CLERK_PUBLISHABLE_KEY', 'CLERK_SECRET_KEY', 'CLERK_JWT_KEY'];
const apps: INestApplication[] = [];
const nodeApps: NodeApp[] = [];

async function start(module: Type, prepare?: (app: INestApplication) => void): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  prepare?.(app);
  await app.init();
  apps.push(app);
  return app;
}

type Probe = [path: string, headers: Record<string, string>];

async function answers(app: INestApplication | NodeApp, probes: Probe[]): Promise<Array<[string, number, unknown]>> {
  const out: Array<[string, number, unknown]> = [];
  for (const [path, headers] of probes) {
    const res = await request('url' in app ? app.url : app.getHttpServer())
      .get(path)
      .set(headers);
    out.push([path, res.status, res.status === 200 ? res.body : null]);
  }
  return out;
}

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const app of nodeApps) await app.stop();
  for (const name of ENV) delete process.env[name];
});

describe('docs/migrating-from-passport.md', () => {
  let issuer: TestIssuer;
  let served: ServedTestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer({ issuer: 'https://issuer.example.test' });
    served = await issuer.serve();
    Object.assign(process.env, { AUTH_JWKS_URL: served.jwksUrl, AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: 'https://api.example.test' });
  });
  afterAll(() => served?.close());

  it('passport-jwt and nestjs-warden answer alike', async () => {
    const aud = 'https://api.example.test';
    const reader = await issuer.headers({ sub: 'user_1', aud, permissions: ['invoices:read'] });
    const plain = await issuer.headers({ sub: 'user_2', aud });
    const expired = await issuer.headers({ sub: 'user_1', aud, iat: 1, nbf: 1, exp: 2 });
    const otherAudience = await issuer.headers({ sub: 'user_1', aud: 'https://other.example.test' });
    const probes: Probe[] = [
      ['/invoices/mine', {}],
      ['/invoices/mine', plain],
      ['/invoices', plain],
      ['/invoices', reader],
      ['/invoices/public', {}],
      ['/invoices/mine', expired],
      ['/invoices/mine', otherAudience],
      ['/invoices/mine', { authorization: 'Bearer not.a.token' }],
    ];
    const env = { AUTH_JWKS_URL: served.jwksUrl, AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: aud };
    const passportBefore = await serveCompiled(ROOT, `${ROOT}test/support/migrating/passport-before.ts`, env);
    nodeApps.push(passportBefore);
    const before = await answers(passportBefore, probes);
    const passportAfter = await import('./support/migrating/passport-after.js');
    const afterApp = await start(passportAfter.AppModule);
    const after = await answers(afterApp, probes);
    expect(after).toEqual(before);
    // What the guide lists as different: passport-jwt accepts a token without exp, nestjs-warden does not.
    const noExp: Probe[] = [['/invoices/mine', await issuer.headers({ sub: 'user_3', aud, exp: undefined })]];
    expect(await answers(passportBefore, noExp)).toEqual([['/invoices/mine', 200, { userId: 'user_3' }]]);
    expect(await answers(afterApp, noExp)).toEqual([['/invoices/mine', 401, null]]);
    expect(after).toEqual([
      ['/invoices/mine', 401, null],
      ['/invoices/mine', 200, { userId: 'user_2' }],
      ['/invoices', 403, null],
      ['/invoices', 200, { userId: 'user_1', invoices: [] }],
      ['/invoices/public', 200, { public: true }],
      ['/invoices/mine', 401, null],
      ['/invoices/mine', 401, null],
      ['/invoices/mine', 401, null],
    ]);
  }, 90_000);
});

describe('docs/migrating-from-clerk-express.md', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer({ issuer: 'https://clerk.example.com' });
    Object.assign(process.env, {
      CLERK_PUBLISHABLE_KEY: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k',
      CLERK_SECRET_KEY: 'sk_live_not-used-by-networkless-verification',
      CLERK_JWT_KEY: issuer.publicKeyPem,
    });
  });

  it('@clerk/express and nestjs-warden answer alike', async () => {
    const azp = 'https://app.example.com';
    const reader = await issuer.headers(
      clerkSessionClaims({ userId: 'user_1', azp, org: { id: 'org_1', role: 'admin', permissions: ['org:invoices:read'] }, features: ['o:invoices'] }),
    );
    const member = await issuer.headers(clerkSessionClaims({ userId: 'user_2', azp, org: { id: 'org_1', role: 'member' } }));
    const otherParty = await issuer.headers(clerkSessionClaims({ userId: 'user_1', azp: 'https://evil.example.com' }));
    const noParty = await issuer.headers({ ...clerkSessionClaims({ userId: 'user_1' }), azp: undefined });
    const probes: Probe[] = [
      ['/invoices/mine', {}],
      ['/invoices/mine', member],
      ['/invoices', member],
      ['/invoices', reader],
      ['/invoices/public', {}],
      ['/invoices/public', member],
      ['/invoices/mine', otherParty],
      ['/invoices/mine', noParty],
    ];
    const clerkBefore = await import('./support/migrating/clerk-express-before.js');
    const clerkAfter = await import('./support/migrating/clerk-express-after.js');
    const beforeApp = await start(clerkBefore.AppModule, (app) => clerkBefore.useClerk(app));
    const afterApp = await start(clerkAfter.AppModule);
    const before = await answers(beforeApp, probes);
    const after = await answers(afterApp, probes);
    expect(after).toEqual(before);
    // What the guide lists as different: Clerk's SDK does not check iss.
    const otherIssuer: Probe[] = [
      ['/invoices/mine', await issuer.headers({ ...clerkSessionClaims({ userId: 'user_3', azp }), iss: 'https://other.example.com' })],
    ];
    expect(await answers(beforeApp, otherIssuer)).toEqual([['/invoices/mine', 200, { userId: 'user_3' }]]);
    expect(await answers(afterApp, otherIssuer)).toEqual([['/invoices/mine', 401, null]]);
    expect(after.map(([, status]) => status)).toEqual([401, 200, 403, 200, 200, 200, 401, 401]);
  });
});
