import { describe, expect, it } from '@jest/globals';
import { clerkCookieSuffix, clerkCookiesOption, moduleClerkCookies } from '../config/clerk-cookie-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { clerk } from '../presets/clerk.preset.js';
import { clientUatOf, pickClerkCookies, type ClerkCookieRules } from './clerk-cookies.js';
import { sessionCookieRefusal } from './cookie-origin.js';
import { extractToken } from './extract-token.js';

const FRONTEND_API = 'clerk.cookies.test';
const publishableKey = `pk_live_${Buffer.from(`${FRONTEND_API}$`).toString('base64')}`;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An unsigned JWT: picking decodes, never verifies. */
const jwt = (payload: Record<string, unknown>) => `${b64({ alg: 'RS256' })}.${b64(payload)}.c2ln`;
const NOW = 1_700_000_000;
const mine = (iat: number, extra: Record<string, unknown> = {}) => jwt({ iss: `https://${FRONTEND_API}`, iat, exp: NOW + 60, ...extra });

describe('Clerk cookie rules: configuration', () => {
  it('derives the suffix, the Frontend API and the instance type from the publishable key', () => {
    const rules = clerkCookiesOption({ publishableKey }) as ClerkCookieRules;
    expect(rules).toEqual({ suffix: clerkCookieSuffix(publishableKey), frontendApi: FRONTEND_API, development: false });
    expect(rules.suffix).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(clerkCookiesOption({ publishableKey: publishableKey.replace('pk_live_', 'pk_test_') })?.development).toBe(true);
    expect(clerkCookiesOption(true)).toEqual({ suffix: undefined, frontendApi: undefined, development: false });
    expect(clerkCookiesOption(false)).toBeUndefined();
  });

  it.each([
    ['a string', 'yes', 'clerkCookies'],
    ['a secret key', { publishableKey: 'sk_live_abc' }, 'clerkCookies.publishableKey'],
    ['an unknown key', { publishableKey, suffix: 'x' }, 'clerkCookies.suffix'],
  ])('refuses %s at boot, naming the option', (_name, value, option) => {
    expect(() => clerkCookiesOption(value)).toThrow(expect.objectContaining({ option }));
  });

  it('clerk() turns them on: suffixed with a publishable key, unsuffixed with a frontendApi; clerkCookies: false turns them off', () => {
    expect(resolveAuthOptions(clerk({ publishableKey })).clerkCookies?.suffix).toBe(clerkCookieSuffix(publishableKey));
    expect(clerk({ frontendApi: FRONTEND_API }).clerkCookies).toBe(true);
    expect(resolveAuthOptions(clerk({ frontendApi: FRONTEND_API, clerkCookies: false })).clerkCookies).toBeUndefined();
    expect(resolveAuthOptions({ jwks: { keys: [] } }).clerkCookies).toBeUndefined();
  });

  it('one module reads the cookies of one instance: two suffixes stop the boot', () => {
    const other = `pk_live_${Buffer.from('clerk.other.test$').toString('base64')}`;
    const twice = () => resolveAuthOptions({ issuers: [clerk({ publishableKey }), clerk({ publishableKey: other })] });
    expect(twice).toThrow(expect.objectContaining({ option: 'issuers[1].clerkCookies' }));
    expect(moduleClerkCookies([], true)).toEqual(clerkCookiesOption(true));
    expect(moduleClerkCookies([], false)).toBeUndefined();
  });
});

describe('pickClerkCookies (as @clerk/backend picks them)', () => {
  const rules = clerkCookiesOption({ publishableKey }) as ClerkCookieRules;
  const s = rules.suffix as string;
  const pick = (cookies: Record<string, string>) => pickClerkCookies(cookies, '__session', rules, NOW * 1000);

  it('reads __client_uat as Clerk does: a leading integer, else 0', () => {
    expect([clientUatOf('1712'), clientUatOf('12abc'), clientUatOf(''), clientUatOf('x'), clientUatOf(undefined), clientUatOf('0')]).toEqual([
      1712, 12, 0, 0, 0, 0,
    ]);
  });

  it('without suffixed cookies, the unsuffixed pair', () => {
    expect(pick({ __session: mine(NOW - 10), __client_uat: String(NOW - 20) })).toEqual({ token: mine(NOW - 10), clientUat: NOW - 20 });
    expect(pick({ __session: mine(NOW - 10) })).toEqual({ token: mine(NOW - 10), clientUat: 0 });
  });

  it('the suffixed pair when it is all there is, or when the unsuffixed token belongs to another instance', () => {
    expect(pick({ [`__session_${s}`]: mine(NOW - 10), [`__client_uat_${s}`]: String(NOW - 20) })).toEqual({ token: mine(NOW - 10), clientUat: NOW - 20 });
    const foreign = jwt({ iss: 'https://clerk.other.test', iat: NOW });
    expect(pick({ __session: foreign, __client_uat: String(NOW), [`__session_${s}`]: mine(NOW - 30), [`__client_uat_${s}`]: String(NOW - 40) }).token).toBe(
      mine(NOW - 30),
    );
    expect(pick({ __session: foreign, __client_uat: String(NOW) }).token).toBeUndefined();
  });

  it('the unsuffixed pair when its token has no iss, is newer while both are signed in, or the suffixed one is signed out', () => {
    const noIss = jwt({ iat: NOW });
    expect(pick({ __session: noIss, [`__session_${s}`]: mine(NOW - 30), [`__client_uat_${s}`]: '1' }).token).toBe(noIss);
    expect(pick({ __session: 'not a jwt', [`__session_${s}`]: mine(NOW - 30), [`__client_uat_${s}`]: '1' }).token).toBe('not a jwt');
    const both = { __session: mine(NOW - 10), __client_uat: '1', [`__session_${s}`]: mine(NOW - 30), [`__client_uat_${s}`]: '1' };
    expect(pick(both).token).toBe(mine(NOW - 10));
    expect(pick({ ...both, __session: mine(NOW - 40) }).token).toBe(mine(NOW - 30));
    expect(pick({ ...both, [`__client_uat_${s}`]: '0' }).token).toBe(mine(NOW - 10));
    expect(pick({ ...both, __client_uat: '0' })).toEqual({ token: mine(NOW - 30), clientUat: 1 });
  });

  it('a suffixed session without its __client_uat falls back to the unsuffixed pair', () => {
    expect(pick({ __session: mine(NOW - 40), __client_uat: '5', [`__session_${s}`]: mine(NOW - 30) })).toEqual({ token: mine(NOW - 40), clientUat: 5 });
  });

  it('the unsuffixed pair whenever no suffixed cookie is there, whatever it says; the suffixed pair for a suffixed __client_uat alone', () => {
    expect(pick({ __session: mine(NOW - 10), __client_uat: '0' })).toEqual({ token: mine(NOW - 10), clientUat: 0 });
    expect(pick({ __client_uat: '5' })).toEqual({ token: undefined, clientUat: 5 });
    expect(pick({ __client_uat: '5', [`__client_uat_${s}`]: '7' })).toEqual({ token: undefined, clientUat: 7 });
  });

  it('the suffixed pair when both are signed in with tokens of the same age, or both say signed out', () => {
    const twin = mine(NOW - 10, { jti: 'twin' });
    expect(pick({ __session: mine(NOW - 10), __client_uat: '1', [`__session_${s}`]: twin, [`__client_uat_${s}`]: '2' })).toEqual({ token: twin, clientUat: 2 });
    expect(pick({ __session: mine(NOW - 10), __client_uat: '0', [`__session_${s}`]: twin, [`__client_uat_${s}`]: '0' }).token).toBe(twin);
  });

  it('reads the Frontend API in an http:// iss too, and a cookie of spaces as none (a value is trimmed)', () => {
    const http = jwt({ iss: `http://${FRONTEND_API}`, iat: NOW - 10 });
    expect(pick({ __session: http, __client_uat: '1', [`__session_${s}`]: mine(NOW - 30), [`__client_uat_${s}`]: '1' }).token).toBe(http);
    expect(pick({ __session: '   ', __client_uat: ' 5 ' })).toEqual({ token: undefined, clientUat: 5 });
    expect(pick({ __session: ` ${mine(NOW - 10)} ` }).token).toBe(mine(NOW - 10));
  });

  it('development instances: the suffixed pair when its session has not expired, the other pair is signed in, or both are signed out', () => {
    const dev = { ...rules, development: true };
    const pickDev = (cookies: Record<string, string>) => pickClerkCookies(cookies, '__session', dev, NOW * 1000).token;
    const live = mine(NOW - 90, { exp: NOW + 1 });
    const expired = mine(NOW - 90, { exp: NOW - 1 });
    const atNow = mine(NOW - 90, { exp: NOW });
    expect(pickDev({ __session: mine(NOW - 40), __client_uat: '0', [`__session_${s}`]: live, [`__client_uat_${s}`]: '1' })).toBe(live);
    expect(pickDev({ __session: mine(NOW - 40), __client_uat: '0', [`__session_${s}`]: atNow, [`__client_uat_${s}`]: '1' })).toBe(mine(NOW - 40));
    expect(pickDev({ __session: mine(NOW - 100), __client_uat: '5', [`__session_${s}`]: expired, [`__client_uat_${s}`]: '1' })).toBe(expired);
    expect(pickDev({ __session: mine(NOW - 40), __client_uat: '0', [`__session_${s}`]: expired, [`__client_uat_${s}`]: '0' })).toBe(expired);
  });

  it('development instances: an expired suffixed session yields to an unsuffixed pair that says signed out', () => {
    const dev = { ...rules, development: true };
    const cookies = { __session: mine(NOW - 40), __client_uat: '0', [`__session_${s}`]: mine(NOW - 90, { exp: NOW - 1 }), [`__client_uat_${s}`]: '1' };
    expect(pickClerkCookies(cookies, '__session', dev, NOW * 1000)).toEqual({ token: mine(NOW - 40), clientUat: 0 });
    expect(pickClerkCookies(cookies, '__session', rules, NOW * 1000).token).toBe(mine(NOW - 90, { exp: NOW - 1 }));
  });
});

describe('extractToken under Clerk cookie rules', () => {
  const options = {
    tokenSources: ['header', 'cookie'] as const,
    headerName: 'authorization',
    cookieName: '__session',
    clerkCookies: clerkCookiesOption({ publishableKey }),
  };
  const resolved = { ...options, tokenSources: [...options.tokenSources] };

  it('gives the cookie token with its __client_uat; the header token without one', () => {
    expect(extractToken({ cookie: `__session=${mine(NOW)}; __client_uat=${NOW}` }, resolved)).toEqual({ token: mine(NOW), source: 'cookie', clientUat: NOW });
    expect(extractToken({ authorization: 'Bearer a.b.c', cookie: `__client_uat=${NOW}` }, resolved)).toEqual({ token: 'a.b.c', source: 'header' });
    expect(extractToken({ cookie: `__session=${mine(NOW)}` }, { ...resolved, clerkCookies: undefined })).toEqual({ token: mine(NOW), source: 'cookie' });
  });

  it('a __client_uat sent twice with different values is cookie tossing: no token, cookie-duplicated', () => {
    const headers = { cookie: `__session=${mine(NOW)}; __client_uat=1; __client_uat=${NOW}` };
    expect(extractToken(headers, resolved)).toBeNull();
    expect(sessionCookieRefusal({ headers }, null, resolved, undefined)?.reason).toBe('cookie-duplicated');
  });
});
