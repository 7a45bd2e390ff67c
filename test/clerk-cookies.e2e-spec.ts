import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getCookieSuffix } from '@clerk/shared/keys';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { AuthModule, clerk } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { clerkCookieSuffix } from '../libs/auth/src/config/clerk-cookie-options.js';
import { clerkBackend, type ClerkBackend, type ClerkCookieState } from './support/clerk-backend.js';
import { ADAPTERS, createHttpApp, type AdapterName } from './support/http-app.js';
import { ProbeController } from './support/probe.controller.js';

/**
 * Clerk's browser-cookie rules, differential: the same Cookie header through `@clerk/backend`'s
 * `authenticateRequest` (networkless, `jwtKey`) and through a real app with the `clerk()` preset on the
 * same publishable key and key: `__client_uat` newer than the session cookie, `0` or absent, and the
 * suffixed cookies of apps sharing a domain, picked as Clerk picks them. The header token is unaffected.
 */

const FRONTEND_API = 'clerk.cookies.test';
const ISSUER = `https://${FRONTEND_API}`;
const publishableKey = `pk_live_${Buffer.from(`${FRONTEND_API}$`).toString('base64')}`;
const RUNS = 150;

let issuer: TestIssuer;
let clerkSide: ClerkBackend;
let suffix: string;
const apps = new Map<AdapterName, INestApplication>();
const now = () => Math.floor(Date.now() / 1000);

/** A Clerk session token of this instance (or of `iss`), minted `age` seconds ago, valid for a minute from now. */
const session = (sid: string, age: number, iss = ISSUER, at = now()) =>
  issuer.sign({ sub: 'user_1', sid, iss, iat: at - age, nbf: at - age - 5, exp: at + 60 });

/** What the app makes of the same request: signed in or not, the session, the reason (debug). */
async function ours(adapter: AdapterName, cookie: string, bearer?: string): Promise<ClerkCookieState> {
  const req = request(apps.get(adapter)!.getHttpServer()).get('/me').set('cookie', cookie);
  const res = await (bearer === undefined ? req : req.set('authorization', `Bearer ${bearer}`));
  const body = res.body as { sessionId?: string; reason?: string };
  return res.status === 200
    ? { isAuthenticated: true, sessionId: body.sessionId ?? null, reason: null }
    : { isAuthenticated: false, sessionId: null, reason: body.reason ?? null };
}

/** Clerk's reasons for these two rules are ours too; its other signed-out reasons have no counterpart (no token: `token-missing`). */
const SHARED_REASONS = ['session-token-iat-before-client-uat', 'session-token-but-no-client-uat'];
const comparable = (state: ClerkCookieState) => ({ ...state, reason: SHARED_REASONS.includes(state.reason ?? '') ? state.reason : null });

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: ISSUER });
  clerkSide = clerkBackend(FRONTEND_API, issuer.publicKeyPem, publishableKey);
  suffix = await getCookieSuffix(publishableKey);
  for (const adapter of ADAPTERS) {
    const options = clerk({ publishableKey, jwtKey: issuer.publicKeyPem, debug: true });
    apps.set(adapter, await createHttpApp(adapter, { imports: [AuthModule.forRoot({ ...options, global: true })], controllers: [ProbeController] }));
  }
});
afterAll(async () => {
  await Promise.all([...apps.values()].map((app) => app.close()));
});

it("derives Clerk's cookie suffix from the publishable key", () => {
  expect(clerkCookieSuffix(publishableKey)).toBe(suffix);
});

describe.each(ADAPTERS)('the cases of the issue, both sides (%s)', (adapter) => {
  const cases: Array<[string, (tokens: { plain: string; other: string; stale: string }, t: number) => string, string | null, string | null]> = [
    ['__client_uat older than the token: signed in', ({ plain }, t) => `__session=${plain}; __client_uat=${t - 60}`, 'sess_plain', null],
    ['__client_uat as old as the token: signed in', ({ plain }, t) => `__session=${plain}; __client_uat=${t - 30}`, 'sess_plain', null],
    [
      '__client_uat newer than the token (signed out in another tab)',
      ({ plain }, t) => `__session=${plain}; __client_uat=${t}`,
      null,
      'session-token-iat-before-client-uat',
    ],
    ['__client_uat=0 with a session cookie', ({ plain }, _t) => `__session=${plain}; __client_uat=0`, null, 'session-token-but-no-client-uat'],
    ['a session cookie without __client_uat', ({ plain }, _t) => `__session=${plain}`, null, 'session-token-but-no-client-uat'],
    ['only the suffixed cookies', ({ other }, t) => `__session_SUFFIX=${other}; __client_uat_SUFFIX=${t - 60}`, 'sess_suffixed', null],
    [
      'suffixed signed out, unsuffixed signed in: the unsuffixed pair',
      ({ plain, other }, t) => `__session=${plain}; __client_uat=${t - 60}; __session_SUFFIX=${other}; __client_uat_SUFFIX=0`,
      'sess_plain',
      null,
    ],
    [
      'both signed in, the unsuffixed token newer: the unsuffixed pair',
      ({ plain, other }, t) => `__session=${plain}; __client_uat=1; __session_SUFFIX=${other}; __client_uat_SUFFIX=${t}`,
      'sess_plain',
      null,
    ],
    [
      'both signed in, the suffixed token newer: the suffixed pair and its __client_uat',
      ({ stale, other }, t) => `__session=${stale}; __client_uat=1; __session_SUFFIX=${other}; __client_uat_SUFFIX=${t}`,
      null,
      'session-token-iat-before-client-uat',
    ],
  ];

  it.each(cases)('%s', async (_name, cookies, sessionId, reason) => {
    // One instant for the tokens and the cookies: `as old as` stays equal across a second boundary.
    const t = now();
    const tokens = {
      plain: await session('sess_plain', 30, ISSUER, t),
      other: await session('sess_suffixed', 40, ISSUER, t),
      stale: await session('sess_stale', 50, ISSUER, t),
    };
    const cookie = cookies(tokens, t).replaceAll('SUFFIX', suffix);
    const expected = { isAuthenticated: sessionId !== null, sessionId, reason };
    expect(comparable(await clerkSide.cookies(cookie))).toEqual(expected);
    expect(await ours(adapter, cookie)).toEqual(expected);
  });

  it('the Authorization header is unaffected by __client_uat, as in Clerk', async () => {
    const token = await session('sess_header', 30);
    const cookie = `__session=${await session('sess_plain', 30)}; __client_uat=${now()}`;
    expect(comparable(await clerkSide.cookies(cookie, token))).toEqual({ isAuthenticated: true, sessionId: 'sess_header', reason: null });
    expect(await ours(adapter, cookie, token)).toEqual({ isAuthenticated: true, sessionId: 'sess_header', reason: null });
  });
});

describe('generated cookie jars: the same answer as Clerk', () => {
  it(`signed in with the same session, or signed out for the same rule (${RUNS} jars)`, async () => {
    const tokens = {
      mine30: await session('sess_plain_30', 30),
      mine10: await session('sess_plain_10', 10),
      foreign: await session('sess_foreign', 10, 'https://clerk.other.test'),
      suffixed20: await session('sess_suffixed_20', 20),
      suffixed5: await session('sess_suffixed_5', 5),
    };
    const uat = fc.option(fc.constantFrom('0', '1', 'junk', 'NOW-40', 'NOW-20', 'NOW-10', 'NOW'), { nil: undefined });
    const jar = fc.record({
      plain: fc.option(fc.constantFrom(tokens.mine30, tokens.mine10, tokens.foreign, 'not-a-jwt'), { nil: undefined }),
      plainUat: uat,
      suffixed: fc.option(fc.constantFrom(tokens.suffixed20, tokens.suffixed5), { nil: undefined }),
      suffixedUat: uat,
    });
    const t = now();
    const value = (v: string) => v.replace(/^NOW(-\d+)?$/, (_m, d: string | undefined) => String(t + Number(d ?? 0)));
    await fc.assert(
      fc.asyncProperty(jar, async ({ plain, plainUat, suffixed, suffixedUat }) => {
        const pairs: string[] = [];
        if (plain !== undefined) pairs.push(`__session=${plain}`);
        if (plainUat !== undefined) pairs.push(`__client_uat=${value(plainUat)}`);
        if (suffixed !== undefined) pairs.push(`__session_${suffix}=${suffixed}`);
        if (suffixedUat !== undefined) pairs.push(`__client_uat_${suffix}=${value(suffixedUat)}`);
        const cookie = pairs.join('; ') || 'theme=dark';
        const [mine, theirs] = [comparable(await ours('express', cookie)), comparable(await clerkSide.cookies(cookie))];
        // A cookie that is no valid token: Clerk names the __client_uat rule it checks first, nestjs-warden the token's fault.
        if (mine.reason === null && !mine.isAuthenticated && theirs.reason !== null) theirs.reason = null;
        expect({ cookie, ...mine }).toEqual({ cookie, ...theirs });
      }),
      { numRuns: RUNS, seed: Number(process.env.PARITY_SEED ?? 1) },
    );
  });
});
