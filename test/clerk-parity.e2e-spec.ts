import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCheckAuthorization } from '@clerk/shared/authorization';
import { __experimental_JWTPayloadToAuthObjectProperties as clerkFields } from '@clerk/shared/jwtPayloadParser';
import { Controller, Get, Query, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import { Auth, AuthModule, type AuthorizationCheck, type SignedInAuthObject } from 'nestjs-warden';
import { clerkSessionClaims, createTestAuth, type TestAuth, type TestClaims } from 'nestjs-warden/testing';
import request from 'supertest';
import { ProbeController } from './support/probe.controller.js';

/**
 * Differential test against Clerk's own code (`@clerk/shared`, which `@clerk/backend` builds its auth
 * object and `has()` from): Clerk-shaped session claims, generated, go through a real app, and every
 * field and `has()` answer must equal Clerk's. Where nestjs-warden differs on purpose
 * (docs/differences-from-clerk.md) the generator stays out of the way, and the difference has its
 * own test. Token classes and machine tokens: test/clerk-parity-machines.e2e-spec.ts; header and
 * claim rows: test/clerk-differences.e2e-spec.ts.
 */

const RUNS = 150;

/** `GET /check?json=<check>`: has() for any check, reverification included. */
@Controller()
class CheckController {
  @Get('check')
  check(@Auth() auth: SignedInAuthObject, @Query('json') json: string) {
    return { has: auth.has(JSON.parse(json) as AuthorizationCheck) };
  }
}
const NAMES = ['invoices', 'reports', 'billing', 'beta', 'sso', 'admin', 'member', 'read', 'write', 'manage'];
const name = fc.constantFrom(...NAMES);
const scope = fc.constantFrom('o', 'u', 'ou', 'uo');
const factorAge = fc.oneof(fc.constantFrom(-1, 0, 9, 10, 11, 59, 60, 1439, 1440), fc.nat({ max: 3000 }));

/** A v2 org: up to 70 permission names, one mask per org feature (any length, sometimes malformed). */
const v2Claims = fc
  .record({
    fea: fc.array(fc.tuple(scope, fc.oneof(name, fc.constant(''))), { maxLength: 6 }),
    per: fc.uniqueArray(
      fc.oneof(
        name,
        fc.integer({ min: 0, max: 99 }).map((n) => `p${n}`),
      ),
      { minLength: 1, maxLength: 70 },
    ),
    masks: fc.array(fc.oneof(fc.bigInt({ min: 0n, max: (1n << 80n) - 1n }).map(String), fc.constantFrom('x', '', '0')), { maxLength: 7 }),
    id: fc.option(fc.constantFrom('org_1', 'org_2'), { nil: undefined }),
    rol: fc.option(name, { nil: undefined }),
    slg: fc.option(fc.constantFrom('acme', 'globex'), { nil: undefined }),
    // An element without a scope spoils the whole claim in both (Clerk's parser throws on it).
    pla: fc.array(
      fc.oneof(
        fc.tuple(scope, name).map(([s, n]) => `${s}:${n}`),
        fc.constant('junk'),
      ),
      { maxLength: 3 },
    ),
  })
  .map(({ fea, per, masks, id, rol, slg, pla }): TestClaims => ({
    v: 2,
    ...(fea.length ? { fea: fea.map(([s, n]) => `${s}:${n}`).join(',') } : {}),
    ...(pla.length ? { pla: pla.join(',') } : {}),
    o: { ...(id ? { id } : {}), ...(rol ? { rol } : {}), ...(slg ? { slg } : {}), per: per.join(','), fpm: masks.join(',') },
  }));

const v1Claims = fc
  .record({
    org_id: fc.option(fc.constantFrom('org_1', 'org_2'), { nil: undefined }),
    org_role: fc.option(
      name.map((n) => `org:${n}`),
      { nil: undefined },
    ),
    org_slug: fc.option(fc.constantFrom('acme', 'globex'), { nil: undefined }),
    org_permissions: fc.option(
      fc.array(
        fc.tuple(name, name).map(([f, p]) => `org:${f}:${p}`),
        { maxLength: 5 },
      ),
      { nil: undefined },
    ),
  })
  .map((claims): TestClaims => JSON.parse(JSON.stringify(claims)) as TestClaims);

const sessionClaims = fc
  .record({
    org: fc.oneof(v1Claims, v2Claims),
    sts: fc.option(fc.constantFrom('active', 'pending'), { nil: undefined }),
    fva: fc.option(fc.tuple(factorAge, factorAge), { nil: undefined }),
    act: fc.option(fc.constant({ sub: 'user_support' }), { nil: undefined }),
  })
  .map(({ org, sts, fva, act }): TestClaims => ({
    sub: 'user_1',
    sid: 'sess_1',
    ...org,
    ...(sts ? { sts } : {}),
    ...(fva ? { fva } : {}),
    ...(act ? { act } : {}),
  }));

/** Checks worth asking of a token: its own values (hits) and near misses, one or two dimensions. */
const checkArb = fc
  .record({
    role: fc.option(
      fc.oneof(
        name,
        name.map((n) => `org:${n}`),
      ),
      { nil: undefined },
    ),
    permission: fc.option(
      fc.tuple(name, name).map(([f, p]) => `org:${f}:${p}`),
      { nil: undefined },
    ),
    feature: fc.option(
      fc.oneof(
        name,
        fc.tuple(fc.constantFrom('o', 'u', 'org', 'user'), name).map(([s, n]) => `${s}:${n}`),
      ),
      { nil: undefined },
    ),
    plan: fc.option(name, { nil: undefined }),
    reverification: fc.option(
      fc.oneof(
        fc.constantFrom('strict_mfa', 'strict', 'moderate', 'lax', 'unknown'),
        fc.record({
          level: fc.constantFrom('first_factor', 'second_factor', 'multi_factor', 'third_factor'),
          afterMinutes: fc.oneof(fc.constantFrom(0, -1, 9, 10, 11, 60, 1440), fc.double({ min: 0.5, max: 3000, noNaN: true })),
        }),
      ),
      { nil: undefined },
    ),
  })
  .map((check) => Object.fromEntries(Object.entries(check).filter(([, v]) => v !== undefined)) as Record<string, unknown>);

/** Clerk's auth object fields for these claims, with `undefined` as the `null` JSON carries. */
function clerkObject(claims: TestClaims) {
  const f = clerkFields(claims as Parameters<typeof clerkFields>[0]);
  const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
  return {
    userId: f.userId,
    sessionId: f.sessionId,
    orgId: orNull(f.orgId),
    orgRole: orNull(f.orgRole),
    orgSlug: orNull(f.orgSlug),
    // Clerk names a permission of an empty feature `org::<name>`; nestjs-warden grants nothing for it.
    orgPermissions: f.orgPermissions === undefined ? null : f.orgPermissions.filter((p) => !p.startsWith('org::')),
    sessionStatus: orNull(f.sessionStatus),
    actor: orNull(f.actor),
    factorVerificationAge: orNull(f.factorVerificationAge),
  };
}

describe('parity with Clerk (@clerk/shared) on generated session claims', () => {
  let testAuth: TestAuth;
  let app: INestApplication;

  beforeAll(async () => {
    testAuth = createTestAuth();
    const module = AuthModule.forRoot({ secret: 'x'.repeat(32), issuer: 'https://clerk.example.test', treatPendingAsSignedOut: false, global: true });
    const moduleRef = await testAuth.override(Test.createTestingModule({ imports: [module], controllers: [ProbeController, CheckController] })).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
  });

  it(`gives every field Clerk gives (${RUNS} sessions)`, async () => {
    await fc.assert(
      fc.asyncProperty(sessionClaims, async (claims) => {
        const res = await request(app.getHttpServer())
          .get('/me')
          .set(await testAuth.headers(claims))
          .expect(200);
        const { claims: _claims, isAuthenticated: _signedIn, ...fields } = res.body as Record<string, unknown>;
        expect(fields).toMatchObject(clerkObject(claims));
      }),
      { numRuns: RUNS, seed: Number(process.env.PARITY_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  it(`answers has() as Clerk does, reverification included (${RUNS} sessions x 4 checks)`, async () => {
    await fc.assert(
      fc.asyncProperty(sessionClaims, fc.array(checkArb, { minLength: 4, maxLength: 4 }), async (claims, checks) => {
        const f = clerkFields(claims as Parameters<typeof clerkFields>[0]);
        const clerkHas = createCheckAuthorization({
          userId: f.userId,
          orgId: f.orgId,
          orgRole: f.orgRole,
          orgPermissions: f.orgPermissions,
          factorVerificationAge: f.factorVerificationAge,
          features: (claims.fea as string) || '',
          plans: (claims.pla as string) || '',
        });
        const headers = await testAuth.headers(claims);
        for (const check of checks) {
          const res = await request(app.getHttpServer())
            .get('/check')
            .query({ json: JSON.stringify(check) })
            .set(headers)
            .expect(200);
          expect({ check, has: res.body.has }).toEqual({ check, has: clerkHas(check) });
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.PARITY_SEED ?? Date.now() % 2 ** 31) },
    );
  });
});

describe('Clerk session shapes built with the testing kit', () => {
  let testAuth: TestAuth;
  let app: INestApplication;
  const me = async (claims: TestClaims) =>
    (
      await request(app.getHttpServer())
        .get('/me')
        .set(await testAuth.headers(claims))
        .expect(200)
    ).body;
  const has = async (claims: TestClaims, check: Record<string, string>) =>
    (
      await request(app.getHttpServer())
        .get('/has')
        .query(check)
        .set(await testAuth.headers(claims))
        .expect(200)
    ).body.has as boolean;

  beforeAll(async () => {
    testAuth = createTestAuth();
    const module = AuthModule.forRoot({ secret: 'x'.repeat(32), issuer: 'https://clerk.example.test', global: true });
    const moduleRef = await testAuth.override(Test.createTestingModule({ imports: [module], controllers: [ProbeController] })).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
  });

  it('v1: org_id, org_role, org_slug, org_permissions', async () => {
    const claims = clerkSessionClaims({ version: 1, org: { id: 'org_1', slug: 'acme', role: 'admin', permissions: ['org:invoices:read'] } });
    expect(await me(claims)).toMatchObject({
      ...clerkObject(claims),
      orgId: 'org_1',
      orgRole: 'org:admin',
      orgSlug: 'acme',
      orgPermissions: ['org:invoices:read'],
    });
    expect(await has(claims, { role: 'admin', permission: 'org:invoices:read' })).toBe(true);
    expect(await has(claims, { permission: 'org:invoices:write' })).toBe(false);
  });

  it('v1 without org_id: role and slug exposed as Clerk does, has() grants no org role', async () => {
    const claims: TestClaims = { sub: 'user_1', sid: 'sess_1', org_role: 'org:admin', org_slug: 'acme' };
    expect(await me(claims)).toMatchObject({ ...clerkObject(claims), orgId: null, orgRole: 'org:admin', orgSlug: 'acme' });
    expect(await has(claims, { role: 'admin' })).toBe(false);
  });

  it('v2: o.rol, o.slg and permissions bit-mapped over org features', async () => {
    const claims = clerkSessionClaims({
      org: { id: 'org_2', slug: 'acme', role: 'admin', permissions: ['org:invoices:read', 'org:reports:write'] },
      features: ['o:invoices', 'u:beta', 'o:reports'],
      plans: ['o:pro'],
    });
    expect(await me(claims)).toMatchObject({
      ...clerkObject(claims),
      orgId: 'org_2',
      orgRole: 'org:admin',
      orgPermissions: ['org:invoices:read', 'org:reports:write'],
    });
    expect(await has(claims, { feature: 'u:beta', plan: 'o:pro' })).toBe(true);
  });

  it('v2 with 64 permission names: masks beyond 53 bits keep every permission', async () => {
    const permissions = Array.from({ length: 64 }, (_, i) => `org:invoices:p${i}`);
    const claims = clerkSessionClaims({ org: { id: 'org_3', role: 'member', permissions }, features: ['o:invoices'] });
    expect(BigInt((claims.o as { fpm: string }).fpm)).toBeGreaterThan(2n ** 53n);
    const body = await me(claims);
    expect(body.orgPermissions).toEqual(permissions);
    expect(body.orgPermissions).toEqual(clerkObject(claims).orgPermissions);
    for (const permission of ['org:invoices:p0', 'org:invoices:p53', 'org:invoices:p63']) expect(await has(claims, { permission })).toBe(true);
  });

  it('v2 with an empty org entry in fea: fpm stays aligned as in Clerk', async () => {
    const claims: TestClaims = { sub: 'user_1', sid: 'sess_1', v: 2, fea: 'o:,o:invoices', o: { id: 'org_4', rol: 'member', per: 'read,write', fpm: '3,1' } };
    expect((await me(claims)).orgPermissions).toEqual(['org:invoices:read']);
    expect(await has(claims, { permission: 'org:invoices:read' })).toBe(true);
    expect(await has(claims, { permission: 'org:invoices:write' })).toBe(false);
  });
});
