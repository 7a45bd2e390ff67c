import { describe, expect, it } from '@jest/globals';
import { extractToken, sessionCookieDuplicated, sessionCookieNames, type TokenExtractionOptions } from './extract-token.js';

const defaults: TokenExtractionOptions = { tokenSources: ['header', 'cookie'], headerName: 'authorization', cookieName: '__session' };

describe('extractToken', () => {
  it('reads a Bearer header, scheme case-insensitive', () => {
    expect(extractToken({ authorization: 'Bearer a.b.c' }, defaults)).toEqual({ token: 'a.b.c', source: 'header' });
    expect(extractToken({ authorization: 'bearer   a.b.c ' }, defaults)).toEqual({ token: 'a.b.c', source: 'header' });
  });

  it.each([[''], ['Bearer'], ['Bearer '], ['Basic dXNlcjpwYXNz'], ['Bearer a b'], ['Token a.b.c'], ['a.b.c']])('treats %j as no token', (authorization) => {
    expect(extractToken({ authorization }, defaults)).toBeNull();
  });

  it('reads the __session cookie', () => {
    expect(extractToken({ cookie: 'theme=dark; __session=x.y.z; other=1' }, defaults)).toEqual({ token: 'x.y.z', source: 'cookie' });
  });

  it('prefers the header when both are present', () => {
    expect(extractToken({ authorization: 'Bearer from.header.t', cookie: '__session=from.cookie.t' }, defaults)?.source).toBe('header');
  });

  it('falls back to the cookie when the header holds another scheme', () => {
    expect(extractToken({ authorization: 'Basic abc', cookie: '__session=x.y.z' }, defaults)?.token).toBe('x.y.z');
  });

  it('follows the configured order and names', () => {
    const options: TokenExtractionOptions = { tokenSources: ['cookie', 'header'], headerName: 'x-auth', cookieName: 'sid' };
    expect(extractToken({ 'x-auth': 'Bearer h.h.h', cookie: 'sid=c.c.c' }, options)?.token).toBe('c.c.c');
    expect(extractToken({ 'x-auth': 'Bearer h.h.h' }, options)?.token).toBe('h.h.h');
    expect(extractToken({ authorization: 'Bearer h.h.h' }, options)).toBeNull();
  });

  it('ignores a source that is not configured', () => {
    expect(extractToken({ cookie: '__session=x.y.z' }, { ...defaults, tokenSources: ['header'] })).toBeNull();
  });

  it('survives broken cookie headers and missing headers', () => {
    expect(extractToken({ cookie: '__session' }, defaults)).toBeNull();
    expect(extractToken({ cookie: '__session=%E0%A4%A' }, defaults)?.token).toBe('%E0%A4%A');
    expect(extractToken({ cookie: '__session=' }, defaults)).toBeNull();
    expect(extractToken(undefined, defaults)).toBeNull();
    expect(extractToken({ authorization: ['Bearer a.b.c', 'Bearer d.e.f'] }, defaults)?.token).toBe('a.b.c');
  });
});

describe('extractToken, character by character', () => {
  it.each([
    ['a tab after Bearer', 'Bearer\ta.b.c'],
    ['spaces and tabs after the token', 'Bearer a.b.c \t '],
    ['the scheme in capitals', 'BEARER a.b.c'],
  ])('reads a header with %s', (_name, authorization) => {
    expect(extractToken({ authorization }, defaults)).toEqual({ token: 'a.b.c', source: 'header' });
  });

  it.each([
    ['a scheme that only ends in Bearer', 'XBearer a.b.c'],
    ['no space after Bearer', 'Bearera.b.c'],
    ['a newline inside the token', 'Bearer a.b\nc'],
    ['a second word after the token', 'Bearer a.b.c d'],
    ['a space before Bearer', ' Bearer a.b.c'],
  ])('reads no token from a header with %s', (_name, authorization) => {
    expect(extractToken({ authorization }, { ...defaults, tokenSources: ['header'] })).toBeNull();
  });

  it('reads only the first of repeated headers, and nothing from a header that is not a string', () => {
    expect(extractToken({ authorization: ['Basic x', 'Bearer a.b.c'] }, defaults)).toBeNull();
    expect(extractToken({ authorization: [] }, defaults)).toBeNull();
    expect(extractToken({ authorization: 5 as never }, defaults)).toBeNull();
  });

  it('reads the cookie from repeated cookie headers', () => {
    expect(extractToken({ cookie: ['theme=dark', '__session=x.y.z'] }, defaults)).toEqual({ token: 'x.y.z', source: 'cookie' });
  });

  it('trims the cookie value and takes a blank one as no token', () => {
    expect(extractToken({ cookie: '__session=%20x.y.z%20' }, defaults)?.token).toBe('x.y.z');
    expect(extractToken({ cookie: '__session=%20%20' }, defaults)).toBeNull();
  });

  it('reads only the cookie of that exact name', () => {
    expect(extractToken({ cookie: 'my__session=x.y.z' }, defaults)).toBeNull();
    expect(extractToken({ cookie: '__session_1=x.y.z' }, defaults)).toBeNull();
    expect(extractToken({ cookie: 5 as never }, defaults)).toBeNull();
  });

  it('reads nothing with no headers and no carried token, whatever the sources', () => {
    expect(extractToken(undefined, defaults)).toBeNull();
    expect(extractToken(undefined, { ...defaults, tokenSources: ['cookie'] })).toBeNull();
    expect(extractToken(undefined, { ...defaults, tokenSources: [] }, 'a.b.c')).toBeNull();
  });

  it('takes a carried token bare, padded, or as Bearer, and nothing that is not a string', () => {
    expect(extractToken(undefined, defaults, ' \ta.b.c\t ')).toEqual({ token: 'a.b.c', source: 'header' });
    expect(extractToken(undefined, defaults, 'bearer\ta.b.c')).toEqual({ token: 'a.b.c', source: 'header' });
    expect(extractToken(undefined, defaults, 'Bearerish.token')).toEqual({ token: 'Bearerish.token', source: 'header' });
    expect(extractToken(undefined, defaults, 'token.Bearer')).toEqual({ token: 'token.Bearer', source: 'header' });
    expect(extractToken(undefined, defaults, 'Bearer\t')).toBeNull();
    expect(extractToken(undefined, defaults, 'Bearer a b')).toBeNull();
    expect(extractToken({}, defaults, 5 as never)).toBeNull();
  });

  it('uses the cookie when the header source comes up empty, in the configured order', () => {
    expect(extractToken({ authorization: 'Bearer h.h.h', cookie: '__session=c.c.c' }, { ...defaults, tokenSources: ['cookie', 'header'] })).toEqual({
      token: 'c.c.c',
      source: 'cookie',
    });
    expect(extractToken({ cookie: 'other=1' }, { ...defaults, tokenSources: ['cookie', 'header'] }, 'f.f.f')).toEqual({ token: 'f.f.f', source: 'header' });
  });
});

describe('extractToken, DPoP (RFC 9449)', () => {
  it.each([['DPoP a.b.c'], ['dpop\ta.b.c \t'], ['DPoP   a.b.c']])('reads %j as a DPoP-bound token from the header', (authorization) => {
    expect(extractToken({ authorization }, defaults)).toEqual({ token: 'a.b.c', source: 'header', scheme: 'dpop' });
  });

  it.each([['XDPoP a.b.c'], ['DPoP a.b.c d'], ['DPoP'], ['DPoP '], ['DPoPa.b.c'], [' DPoP a.b.c']])('reads no token from %j', (authorization) => {
    expect(extractToken({ authorization }, { ...defaults, tokenSources: ['header'] })).toBeNull();
  });
});

describe('sessionCookieNames', () => {
  it('is the session cookie alone without Clerk rules, with __client_uat under them, and both suffixed too for an instance with a suffix', () => {
    expect(sessionCookieNames(defaults)).toEqual(['__session']);
    const clerk = { suffix: undefined, frontendApi: undefined, development: false };
    expect(sessionCookieNames({ ...defaults, clerkCookies: clerk })).toEqual(['__session', '__client_uat']);
    expect(sessionCookieNames({ ...defaults, clerkCookies: { ...clerk, suffix: 'Ab_9-xYz' } })).toEqual([
      '__session',
      '__client_uat',
      '__session_Ab_9-xYz',
      '__client_uat_Ab_9-xYz',
    ]);
  });
});

describe('sessionCookieDuplicated', () => {
  it('finds a one-letter name wherever it first appears in the header, inside another name or not', () => {
    expect(sessionCookieDuplicated({ cookie: 's=a; s=b' }, 's')).toBe(true);
    expect(sessionCookieDuplicated({ cookie: 'xs=1; s=a; s=b' }, 's')).toBe(true);
    expect(sessionCookieDuplicated({ cookie: 'ss=1; s=a; s=b' }, 's')).toBe(true);
    expect(sessionCookieDuplicated({ cookie: 'ss=1; s=a' }, 's')).toBe(false);
  });

  it('counts no pair without =, even one that starts with the name', () => {
    expect(sessionCookieDuplicated({ cookie: '__session=a; __sessionX' }, '__session')).toBe(false);
  });

  it('is true for the name twice with different values, in one header or across repeated ones', () => {
    expect(sessionCookieDuplicated({ cookie: '__session=a; __session=b' }, '__session')).toBe(true);
    expect(sessionCookieDuplicated({ cookie: 'theme=dark;__session=a ; x=1;  __session= b' }, '__session')).toBe(true);
    expect(sessionCookieDuplicated({ cookie: ['__session=a', 'x=1; __session=b'] }, '__session')).toBe(true);
    expect(sessionCookieDuplicated({ cookie: '__session=a; __session=a; __session=' }, '__session')).toBe(true);
    expect(sessionCookieDuplicated({ cookie: '__Host-session=a; __Host-session=b' }, '__Host-session')).toBe(true);
  });

  it('is false for one cookie, the same value twice, look-alike names, and no cookie header', () => {
    expect(sessionCookieDuplicated({ cookie: '__session=a' }, '__session')).toBe(false);
    expect(sessionCookieDuplicated({ cookie: '__session=a; __session= a ' }, '__session')).toBe(false);
    expect(sessionCookieDuplicated({ cookie: 'my__session=b; __session=a; __session_2=c' }, '__session')).toBe(false);
    expect(sessionCookieDuplicated({ cookie: '__session=a; other=__session' }, '__session')).toBe(false);
    expect(sessionCookieDuplicated({ cookie: '__session; __session=a' }, '__session')).toBe(false);
    expect(sessionCookieDuplicated({ cookie: '__host-session=b; __Host-session=a' }, '__Host-session')).toBe(false);
    expect(sessionCookieDuplicated({}, '__session')).toBe(false);
    expect(sessionCookieDuplicated(undefined, '__session')).toBe(false);
    expect(sessionCookieDuplicated({ cookie: 5 as never }, '__session')).toBe(false);
  });

  it('makes extractToken take no token from the cookie, and fall through to the next source', () => {
    const tossed = { cookie: '__session=attacker.t.t; __session=victim.t.t' };
    expect(extractToken(tossed, defaults)).toBeNull();
    expect(extractToken({ ...tossed, authorization: 'Bearer h.h.h' }, { ...defaults, tokenSources: ['cookie', 'header'] })).toEqual({
      token: 'h.h.h',
      source: 'header',
    });
    expect(extractToken({ cookie: '__session=same.t.t; __session=same.t.t' }, defaults)).toEqual({ token: 'same.t.t', source: 'cookie' });
    expect(extractToken({ cookie: '__Host-session=h.t.t' }, { ...defaults, cookieName: '__Host-session' })).toEqual({ token: 'h.t.t', source: 'cookie' });
  });
});
