import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Auth, AuthModule, AuthService, type SignedInAuthObject } from 'nestjs-warden';
import { resolveAuthOptions } from 'nestjs-warden/core';
import { AUTH_OPTIONS_OVERRIDE, type AuthOptionsOverride } from 'nestjs-warden';
import { createTestIssuer, serveJwks, type ServedJwks, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { createHttpApp } from './support/http-app.js';

// B2B tenants resolved at run time: each tenant (its own issuer and JWKS server on 127.0.0.1) is
// looked up once, its keys fetched once, however many requests arrive at once; a flood of made-up
// iss values costs no key fetch, no more lookups than the budget, and bounded memory.

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TENANTS = 100;
const MADE_UP = 10_000;
const API = 'https://api.example.com';

interface Tenant {
  keys: TestIssuer;
  jwks: ServedJwks;
}

/** The app's own tenant table (a database in a real app). */
@Injectable()
class TenantRepository {
  readonly rows = new Map<string, { jwksUrl: string }>();
  lookups = 0;

  async findByIssuer(iss: string): Promise<{ jwksUrl: string } | undefined> {
    this.lookups += 1;
    return this.rows.get(iss);
  }
}

@Module({ providers: [TenantRepository], exports: [TenantRepository] })
class TenantsModule {}

@Controller('reports')
export class ReportsController {
  @Get()
  list(@Auth() auth: SignedInAuthObject) {
    // The tenant is the verified issuer of the token: key your data on it.
    return { tenant: auth.issuer, userId: auth.userId };
  }
}

function tenantAuthModule() {
  return AuthModule.forRootAsync({
    imports: [TenantsModule],
    inject: [TenantRepository],
    useFactory: (tenants: TenantRepository) => ({
      // Only ever asked with a token's exact iss string: look it up, never pattern-match it.
      resolveIssuer: async (iss: string) => {
        const tenant = await tenants.findByIssuer(iss);
        return tenant ? { jwksUrl: tenant.jwksUrl, audience: 'https://api.example.com' } : null;
      },
      maxIssuers: 500, // key sets held at once; the least recently used tenant goes first
    }),
    global: true,
  });
}

/** A compact JWS with a made-up iss: its signature is never checked, the iss is refused first. */
function madeUpToken(i: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'ES256', kid: 'k' })}.${part({ iss: `https://made-up-${i}.example.com`, sub: 'user_x', aud: API, exp: now + 60 })}.${'A'.repeat(86)}`;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

let tenants: Tenant[];
let app: INestApplication;
let repository: TenantRepository;

beforeAll(async () => {
  tenants = await Promise.all(
    Array.from({ length: TENANTS }, async (_, i) => {
      const keys = await createTestIssuer({ issuer: `https://tenant-${i}.example.com`, alg: 'ES256' });
      return { keys, jwks: await serveJwks(keys.jwks) };
    }),
  );
  // The tenants' JWKS servers run on 127.0.0.1: allow it (by default only public addresses are).
  const onLoopback: AuthOptionsOverride = (options) => resolveAuthOptions({ ...options, resolveIssuerAddresses: 'any' });
  const moduleRef = await Test.createTestingModule({ imports: [tenantAuthModule()], controllers: [ReportsController] })
    .overrideProvider(AUTH_OPTIONS_OVERRIDE)
    .useValue(onLoopback)
    .compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  repository = app.get(TenantRepository);
  for (const tenant of tenants) repository.rows.set(tenant.keys.issuer, { jwksUrl: tenant.jwks.jwksUrl });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await Promise.all((tenants ?? []).map((tenant) => tenant.jwks.close()));
});

const keyFetches = () => tenants.reduce((sum, tenant) => sum + tenant.jwks.requests, 0);

describe('resolveIssuer', () => {
  it('serves 100 tenants at once with one lookup and one JWKS fetch each', async () => {
    const requests = tenants.flatMap((tenant, i) =>
      Array.from({ length: 3 }, async () => {
        const token = await tenant.keys.sign({ sub: `user_${i}`, aud: API });
        const res = await request(app.getHttpServer()).get('/reports').set('authorization', `Bearer ${token}`);
        return { status: res.status, body: res.body as unknown, expected: { tenant: tenant.keys.issuer, userId: `user_${i}` } };
      }),
    );
    const results = await Promise.all(requests);
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.body).toEqual(result.expected);
    }
    expect(tenants.map((tenant) => tenant.jwks.requests)).toEqual(Array(TENANTS).fill(1));
    expect(repository.lookups).toBe(TENANTS);
  }, 60_000);

  it('refuses a tenant token for another audience, and another tenant key under a trusted iss', async () => {
    const [first, second] = tenants;
    const otherAudience = await first.keys.sign({ sub: 'user_1', aud: 'https://other.example.com' });
    await request(app.getHttpServer()).get('/reports').set('authorization', `Bearer ${otherAudience}`).expect(401);
    const crossTenant = await second.keys.sign({ iss: first.keys.issuer, sub: 'user_1', aud: API });
    await request(app.getHttpServer()).get('/reports').set('authorization', `Bearer ${crossTenant}`).expect(401);
  });

  it(`turns ${MADE_UP} made-up iss values into no key fetch, at most the budget of lookups, and bounded memory`, async () => {
    const authService = app.get(AuthService);
    const fetchesBefore = keyFetches();
    const lookupsBefore = repository.lookups;
    gc();
    const before = process.memoryUsage();
    const startedAt = Date.now();
    const reasons = new Map<string, number>();
    for (let batch = 0; batch < MADE_UP; batch += 500) {
      const results = await Promise.all(Array.from({ length: 500 }, (_, i) => authService.authenticate(madeUpToken(batch + i))));
      for (const { auth, error } of results) {
        expect(auth.isAuthenticated).toBe(false);
        reasons.set(String(error?.reason), (reasons.get(String(error?.reason)) ?? 0) + 1);
      }
    }
    gc();
    const after = process.memoryUsage();
    const lookups = repository.lookups - lookupsBefore;
    console.log(
      `${MADE_UP} made-up issuers: ${lookups} lookups, ${keyFetches() - fetchesBefore} key fetches, ` +
        `RSS ${mib(before.rss)} -> ${mib(after.rss)}, heap ${mib(before.heapUsed)} -> ${mib(after.heapUsed)}, ` +
        `reasons ${JSON.stringify(Object.fromEntries(reasons))}`,
    );
    expect(keyFetches()).toBe(fetchesBefore);
    // The default budget is 1000 lookups per TTL (5 min), refilled continuously (one call per 300 ms
    // of the run); the 100 tenants found gave their calls back.
    expect(lookups).toBeGreaterThanOrEqual(1000);
    expect(lookups).toBeLessThanOrEqual(1000 + Math.ceil((Date.now() - startedAt) / 300));
    expect(reasons.get('token-invalid-issuer')).toBe(lookups);
    expect(reasons.get('issuer-unavailable')).toBe(MADE_UP - lookups);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(32 * 1024 * 1024);
    expect(authService.verifier.issuers?.resolvedCount).toBe(TENANTS);
  }, 120_000);

  it('answers 503 with Retry-After once the budget is spent, and keeps serving the tenants it knows', async () => {
    // The budget refills one call per 300 ms while the suite runs: made-up issuers sent 20 at once meet
    // it spent, however slow the machine (one at a time, each slower than a refill, never would).
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let batch = 0; batch < 5 && retryAfter === undefined; batch += 1) {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          request(app.getHttpServer())
            .get('/reports')
            .set('authorization', `Bearer ${madeUpToken(MADE_UP + 1 + batch * 20 + i)}`),
        ),
      );
      for (const res of responses) {
        statuses.push(res.status);
        if (res.status === 503) retryAfter ??= res.headers['retry-after'];
      }
    }
    expect(statuses).toContain(503);
    expect(statuses.filter((status) => status !== 401 && status !== 503)).toEqual([]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const token = await tenants[7].keys.sign({ sub: 'user_7', aud: API });
    await request(app.getHttpServer()).get('/reports').set('authorization', `Bearer ${token}`).expect(200);
  });
});

describe('resolveIssuer under a flood of made-up issuers (a replica of its own, on a clock the test moves)', () => {
  let replica: INestApplication | undefined;
  let now: number;
  let lookups: string[];

  afterEach(async () => {
    await replica?.close();
    replica = undefined;
  });

  /** A fresh replica of the tenant app: nothing known yet, the default budget, the module clock at `now`. */
  async function startReplica(): Promise<INestApplication> {
    now = Date.now();
    lookups = [];
    const rows = new Map(tenants.map((tenant) => [tenant.keys.issuer, tenant.jwks.jwksUrl]));
    const module = AuthModule.forRoot({
      resolveIssuer: async (iss: string) => {
        lookups.push(iss);
        const jwksUrl = rows.get(iss);
        return jwksUrl ? { jwksUrl, audience: API } : null;
      },
      clock: () => now,
      resolveIssuerAddresses: 'any', // the tenants' JWKS servers run on 127.0.0.1
      global: true,
    });
    replica = await createHttpApp('express', { imports: [module], controllers: [ReportsController] });
    return replica;
  }

  /** What a tenant's request gets at the module's `now`: status and Retry-After. */
  async function tenantRequest(app: INestApplication, tenant: Tenant, sub: string): Promise<{ status: number; retryAfter: number | null }> {
    const token = await tenant.keys.sign({ sub, aud: API }, { now });
    const res = await request(app.getHttpServer()).get('/reports').set('authorization', `Bearer ${token}`);
    if (res.status === 200) expect(res.body).toEqual({ tenant: tenant.keys.issuer, userId: sub });
    return { status: res.status, retryAfter: res.headers['retry-after'] === undefined ? null : Number(res.headers['retry-after']) };
  }

  it('a fresh replica hit by 1000 made-up issuers serves a real tenant within one Retry-After, not after the whole window', async () => {
    const app = await startReplica();
    const authService = app.get(AuthService);
    for (let batch = 0; batch < 1000; batch += 250) {
      await Promise.all(Array.from({ length: 250 }, (_, i) => authService.authenticate(madeUpToken(20_000 + batch + i))));
    }
    expect(lookups).toHaveLength(1000);
    const tenant = tenants[42];
    const first = await tenantRequest(app, tenant, 'user_42');
    // The budget is spent this very millisecond: the tenant is told to come back in a second...
    expect(first).toEqual({ status: 503, retryAfter: 1 });
    now += (first.retryAfter ?? 0) * 1000;
    // ...and is served then; its lookup costs the budget nothing.
    expect(await tenantRequest(app, tenant, 'user_42')).toEqual({ status: 200, retryAfter: null });
    expect(lookups.filter((iss) => iss === tenant.keys.issuer)).toHaveLength(1);
  }, 60_000);

  it('keeps serving a tenant it knows under a steady 5 made-up issuers per second, through every window', async () => {
    const app = await startReplica();
    const authService = app.get(AuthService);
    const tenant = tenants[7];
    const served: Array<[number, number]> = [];
    const startedAt = now;
    let junk = 0;
    // A tenant that calls rarely (every 550 s: its answer is due and its last answer too old by then),
    // while junk arrives 5 per second for 1100 s.
    for (const at of [0, 550_000, 1_100_000]) {
      while (now - startedAt < at) {
        now += 200;
        await authService.authenticate(madeUpToken(40_000 + junk));
        junk += 1;
      }
      served.push([at / 1000, (await tenantRequest(app, tenant, 'user_7')).status]);
    }
    expect(served).toEqual([
      [0, 200],
      [550, 200],
      [1100, 200],
    ]);
    expect(junk).toBe(5500);
    // The junk got no more lookups than the budget allows: 1000 at once, then 1000 per 300 s.
    expect(lookups.length - 3).toBeLessThanOrEqual(1000 + Math.ceil((1_100_000 * 1000) / 300_000));
  }, 120_000);
});
