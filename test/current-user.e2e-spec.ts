import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  Auth,
  AuthConfigError,
  AuthModule,
  CurrentUser,
  memoryRevocationStore,
  OptionalAuth,
  type AuthModuleOptions,
  type LoadUser,
  type RevocationStore,
} from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import './support/app-user.js';
import { ADAPTERS, createHttpApp, type AdapterName } from './support/http-app.js';
import { within } from './support/redis-server.js';

/**
 * `@CurrentUser()` through real apps: `loadUser` is called at most once per request however many
 * parameters ask, never for routes that do not ask; no user is 401 (or 403), a loader outage 503
 * `user-unavailable` (never a 500, never signed in); the optional cache is bounded, expires, loads a
 * subject once under concurrency, and forgets a subject when the revocation store revokes it.
 */

@Controller()
class UsersController {
  @Get('me')
  me(@CurrentUser() user: CurrentUser, @CurrentUser() again: CurrentUser) {
    return { user, same: user === again };
  }

  @Get('plain')
  plain(@Auth('userId') userId: string) {
    return { userId };
  }

  @OptionalAuth()
  @Get('maybe')
  maybe(@CurrentUser() user: CurrentUser) {
    return { user };
  }
}

let issuer: TestIssuer;
/** Calls of the loader, by subject. */
const calls = new Map<string, number>();
const count = (sub?: string) => (sub === undefined ? [...calls.values()].reduce((a, b) => a + b, 0) : (calls.get(sub) ?? 0));

/** A loader of made-up users: `user_gone` has none, `user_broken` fails, `user_slow` never answers. */
const loadUser: LoadUser = async (auth, context) => {
  const sub = String(context.claims.sub);
  calls.set(sub, count(sub) + 1);
  await new Promise((resolve) => setImmediate(resolve));
  if (sub === 'user_gone') return null;
  if (sub === 'user_broken') throw new Error('connect ECONNREFUSED postgres://app:secret@db:5432');
  if (sub === 'user_slow') return new Promise(() => undefined);
  return { id: sub, email: `${sub}@example.com`, name: auth.tokenType === 'session_token' ? `User ${auth.userId}` : 'machine' };
};

async function start(adapter: AdapterName, extra: Partial<AuthModuleOptions> = {}): Promise<INestApplication> {
  const options = issuer.moduleOptions({ loadUser, currentUser: { timeoutInMs: 300 }, debug: true, ...extra });
  return createHttpApp(adapter, { imports: [AuthModule.forRoot({ ...options, global: true })], controllers: [UsersController] });
}

const as = async (sub: string, sid = `sess_${sub}`) => issuer.headers({ sub, sid });

beforeAll(async () => {
  issuer = await createTestIssuer();
});

describe.each(ADAPTERS)('@CurrentUser() (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await start(adapter);
  });
  afterAll(async () => {
    await app.close();
  });
  const get = (path: string) => request(app.getHttpServer()).get(path);

  it('loads once per request, however many parameters ask, under concurrency, each request its own user', async () => {
    calls.clear();
    const subs = Array.from({ length: 24 }, (_, i) => `user_${i % 8}`);
    const answers = await Promise.all(subs.map(async (sub) => (await get('/me').set(await as(sub))).body as { user: { id: string }; same: boolean }));
    expect(answers.map((a) => [a.user.id, a.same])).toEqual(subs.map((sub) => [sub, true]));
    expect(count()).toBe(24);
  });

  it('never loads for routes that do not ask, nor for a signed-out request on an optional route', async () => {
    calls.clear();
    await get('/plain')
      .set(await as('user_1'))
      .expect(200, { userId: 'user_1' });
    expect((await get('/maybe').expect(200)).body).toEqual({ user: null });
    expect(count()).toBe(0);
  });

  it('no user: 401 with a challenge', async () => {
    const res = await get('/me')
      .set(await as('user_gone'))
      .expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, reason: 'user-not-found' });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api"/);
  });

  it('a loader that throws or hangs: 503 user-unavailable with Retry-After, nothing of the error in the answer', async () => {
    for (const sub of ['user_broken', 'user_slow']) {
      const res = await get('/me')
        .set(await as(sub))
        .expect(503);
      expect(res.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.any(String), reason: 'user-unavailable' });
      expect(res.headers['retry-after']).toBe('1');
      expect(res.text).not.toMatch(/postgres|secret|ECONNREFUSED|at /);
    }
  });
});

describe('options', () => {
  it('whenMissing: 403', async () => {
    const app = await start('express', { currentUser: { whenMissing: 403 } });
    try {
      expect(
        (
          await request(app.getHttpServer())
            .get('/me')
            .set(await as('user_gone'))
            .expect(403)
        ).body.reason,
      ).toBe('user-not-found');
    } finally {
      await app.close();
    }
  });

  it('@CurrentUser() without loadUser stops the boot, naming loadUser; bad settings name theirs', async () => {
    const boot = Test.createTestingModule({
      imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), global: true })],
      controllers: [UsersController],
    }).compile();
    await expect(boot).rejects.toThrow(AuthConfigError);
    await expect(boot).rejects.toThrow(/loadUser/);
    for (const [currentUser, option] of [
      [{ whenMissing: 404 }, 'currentUser.whenMissing'],
      [{ cache: { ttl: 5 } }, 'currentUser.cache.ttl'],
      [{ timeoutInMs: 0 }, 'currentUser.timeoutInMs'],
    ] as const) {
      expect(() => AuthModule.forRoot({ ...issuer.moduleOptions({ loadUser, currentUser: currentUser as never }) })).not.toThrow();
      await expect(
        Test.createTestingModule({ imports: [AuthModule.forRoot(issuer.moduleOptions({ loadUser, currentUser: currentUser as never }))] }).compile(),
      ).rejects.toThrow(expect.objectContaining({ option }));
    }
  });
});

describe('the cache: by issuer and subject, bounded, expiring, dropped on revocation', () => {
  let app: INestApplication;
  let revocation: RevocationStore;
  let offset = 0;
  beforeAll(async () => {
    revocation = memoryRevocationStore();
    app = await start('express', { revocation, clock: () => Date.now() + offset, currentUser: { cache: { ttlInMs: 1000, maxEntries: 2 } } });
  });
  afterAll(async () => {
    await app.close();
  });
  const me = async (sub: string, sid?: string) =>
    request(app.getHttpServer())
      .get('/me')
      .set(await as(sub, sid));

  it('one load for many requests of one subject, also concurrent ones', async () => {
    calls.clear();
    const answers = await Promise.all(Array.from({ length: 10 }, () => me('user_a')));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    await me('user_a', 'sess_other_device');
    expect(count('user_a')).toBe(1);
  });

  it('holds at most maxEntries subjects, each for ttlInMs; a missing user is not kept', async () => {
    calls.clear();
    for (const sub of ['user_a', 'user_b', 'user_c', 'user_a']) await me(sub);
    expect(count('user_a')).toBe(1);
    await me('user_b');
    expect([count('user_b'), count('user_c')]).toEqual([2, 1]);
    offset += 1500;
    await me('user_a');
    expect(count('user_a')).toBe(2);
    await me('user_gone');
    await me('user_gone');
    expect(count('user_gone')).toBe(2);
  });

  it("a subject's revocation drops it (a session's does not); after the revocation, the user is loaded afresh", async () => {
    calls.clear();
    await me('user_d');
    await revocation.revoke({ iss: issuer.issuer, sid: 'sess_elsewhere' });
    await me('user_d');
    expect(count('user_d')).toBe(1);
    await revocation.revoke({ iss: issuer.issuer, sub: 'user_d' }, Math.floor(Date.now() / 1000) + 1);
    expect((await me('user_d')).status).toBe(401);
    await within(3000, async () => (await me('user_d')).status === 200, 'the revocation expires');
    expect(count('user_d')).toBe(2);
  });
});
