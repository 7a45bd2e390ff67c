import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { clerkM2MClaims, clerkSessionClaims, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import { REDIS_SERVER, startRedis, type RedisProcess } from './support/redis-server.js';
import type { Replica } from './support/replica/replicas.js';
import { hasSystemBinary } from './support/system-binary.js';
import { compileThrottlerApp, startThrottlerApp } from './support/throttler/throttler-replicas.js';

/**
 * Rate limits by who is calling, with @nestjs/throttler and AuthThrottlerGuard, on replicas running as
 * their own node processes (test/support/throttler/throttler-app.ts, the module docs/rate-limits.md
 * shows with tiny limits): two users and a machine behind one IP address each get their own bucket and limit; a plan
 * in the token raises the limit; anonymous callers count by address; two replicas (Express and
 * Fastify) share their counts through the throttler's Redis storage on a real redis-server.
 */

const haveRedis = hasSystemBinary(REDIS_SERVER, 'rate limits shared between replicas (Redis)');

let issuer: TestIssuer;
let compiled: Awaited<ReturnType<typeof compileThrottlerApp>>;
const replicas: Replica[] = [];

const bearer = async (claims: Record<string, unknown>) => ({ authorization: `Bearer ${await issuer.sign(claims)}` });
const user = (userId: string, plans?: string[]) => bearer(clerkSessionClaims({ userId, sessionId: `sess_${userId}`, plans }));

/** The statuses of `count` calls, one after the other; the last answer's Retry-After. */
async function statuses(replica: Replica, path: string, headers: Record<string, string>, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${replica.origin}${path}`, { headers });
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

beforeAll(async () => {
  [issuer, compiled] = await Promise.all([createTestIssuer(), compileThrottlerApp()]);
}, 180_000);
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await compiled?.remove();
});

describe.each(['express', 'fastify'] as const)('limits by caller, in memory (%s)', (adapter) => {
  let app: Replica;
  beforeAll(async () => {
    app = await startThrottlerApp(compiled.entry, { jwks: issuer.jwks, issuer: issuer.issuer, adapter });
    replicas.push(app);
  }, 60_000);

  it('two users and a machine behind one IP address: each its own bucket and limit; 429 with Retry-After', async () => {
    const [alice, bob, machine] = [await user('user_alice'), await user('user_bob'), await bearer(clerkM2MClaims({ machineId: 'mch_reporter' }))];
    expect(await statuses(app, '/reports', alice, 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses(app, '/reports', bob, 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses(app, '/reports', machine, 6)).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await fetch(`${app.origin}/reports`, { headers: await user('user_alice') });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('the limit follows the token: the same user on the pro plan gets one more', async () => {
    expect(await statuses(app, '/reports', await user('user_carol'), 2)).toEqual([200, 200]);
    expect(await statuses(app, '/reports', await user('user_carol', ['u:pro']), 3)).toEqual([200, 200, 429]);
    expect(await statuses(app, '/reports', await user('user_dave'), 4)).toEqual([200, 200, 200, 429]);
  });

  it('anonymous callers, and tokens that do not verify, count by address', async () => {
    expect(await statuses(app, '/public', {}, 2)).toEqual([200, 200]);
    expect(await statuses(app, '/public', { authorization: 'Bearer not.a.token' }, 1)).toEqual([429]);
    expect(await statuses(app, '/public', await user('user_erin'), 1)).toEqual([200]);
  });
});

describe('over GraphQL (Apollo): the same buckets; a field over the limit gets the throttler error', () => {
  let app: Replica;
  beforeAll(async () => {
    app = await startThrottlerApp(compiled.entry, { jwks: issuer.jwks, issuer: issuer.issuer, adapter: 'express', graphql: true });
    replicas.push(app);
  }, 60_000);

  /** Each query's outcome: true, or its error's message (the throttler's text; Apollo reports its code as INTERNAL_SERVER_ERROR). */
  async function reports(headers: Record<string, string>, count: number): Promise<Array<boolean | string>> {
    const out: Array<boolean | string> = [];
    for (let i = 0; i < count; i++) {
      const res = await fetch(`${app.origin}/graphql`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ reports }' }),
      });
      const body = (await res.json()) as { data?: { reports?: boolean } | null; errors?: Array<{ message?: string }> };
      out.push(body.errors?.[0]?.message ?? body.data?.reports ?? false);
    }
    return out;
  }

  it('two users, each their own bucket', async () => {
    const [grace, heidi] = [await user('user_grace'), await user('user_heidi')];
    expect(await reports(grace, 4)).toEqual([true, true, true, 'ThrottlerException: Too Many Requests']);
    expect(await reports(heidi, 3)).toEqual([true, true, true]);
  });
});

(haveRedis ? describe : describe.skip)('two replicas share limits through the Redis storage', () => {
  let redis: RedisProcess;
  let a: Replica;
  let b: Replica;
  beforeAll(async () => {
    redis = await startRedis();
    const config = { jwks: issuer.jwks, issuer: issuer.issuer, redisUrl: redis.url };
    [a, b] = await Promise.all([
      startThrottlerApp(compiled.entry, { ...config, adapter: 'express' }),
      startThrottlerApp(compiled.entry, { ...config, adapter: 'fastify' }),
    ]);
    replicas.push(a, b);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.kill();
  });

  it("a user's calls to both replicas count together; another user's do not", async () => {
    const [erin, frank] = [await user('user_erin'), await user('user_frank')];
    expect([...(await statuses(a, '/reports', erin, 2)), ...(await statuses(b, '/reports', erin, 2))]).toEqual([200, 200, 200, 429]);
    expect(await statuses(a, '/reports', erin, 1)).toEqual([429]);
    expect(await statuses(b, '/reports', frank, 3)).toEqual([200, 200, 200]);
  });
});
