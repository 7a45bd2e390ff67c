import { describe, expect, it } from '@jest/globals';
import { extractToken, type TokenExtractionOptions } from './extract-token.js';

const defaults: TokenExtractionOptions = { tokenSources: ['header', 'cookie'], headerName: 'authorization', cookieName: '__session' };

describe('extractToken', () => {
  it('reads a Bearer header, scheme case-insensitive', () => {
    expect(extractToken({ authorization: 'Bearer a.b.c' }, defaults)).toEqual({ token: 'a.b.c', source: 'header' });
    expect(extractToken({ authorization: 'bearer   a.b.c ' }, defaults)).toEqual({ token: 'a.b.c', source: 'header' });
  });

  it.each([[''], ['Bearer'], ['Bearer '], ['Basic dXNlcjpwYXNz'], ['Bearer a b'], ['Token a.b.c'], ['a.b.c']])(
    'treats %j as no token',
    (authorization) => {
      expect(extractToken({ authorization }, defaults)).toBeNull();
    },
  );

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
