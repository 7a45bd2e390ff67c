import { describe, expect, it } from '@jest/globals';
import { cookieOriginAllowed, requestScheme, sessionCookieRefusal, type OriginRequest } from './cookie-origin.js';
import { extractToken, type RequestHeaders, type TokenExtractionOptions } from './extract-token.js';

/** A request the server received over `protocol` (what Express and Fastify say in `req.protocol`). */
const over = (protocol: string, headers: RequestHeaders): OriginRequest => ({ protocol, headers });

describe('cookieOriginAllowed', () => {
  const parties = ['https://app.example.com'];

  it('allows requests without Origin, from the same origin, and from listed parties', () => {
    expect(cookieOriginAllowed(over('https', { host: 'api.example.com' }), parties)).toBe(true);
    expect(cookieOriginAllowed({ headers: {} }, parties)).toBe(true);
    expect(cookieOriginAllowed({}, parties)).toBe(true);
    expect(cookieOriginAllowed(over('https', { origin: 'https://api.example.com', host: 'api.example.com' }), parties)).toBe(true);
    expect(cookieOriginAllowed(over('http', { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }), undefined)).toBe(true);
    expect(cookieOriginAllowed(over('https', { origin: 'https://app.example.com', host: 'api.example.com' }), parties)).toBe(true);
    expect(
      cookieOriginAllowed(over('https', { origin: 'https://api.example.com', host: 'internal:8080', 'x-forwarded-host': 'api.example.com' }), parties),
    ).toBe(true);
  });

  it('compares the scheme: an http page is not the https API, nor the other way round', () => {
    expect(cookieOriginAllowed(over('https', { origin: 'http://api.example.com', host: 'api.example.com' }), undefined)).toBe(false);
    expect(cookieOriginAllowed(over('http', { origin: 'https://api.example.com', host: 'api.example.com' }), undefined)).toBe(false);
    // A listed party is exact, scheme included.
    expect(cookieOriginAllowed(over('https', { origin: 'http://app.example.com', host: 'api.example.com' }), parties)).toBe(false);
  });

  it("compares the port, the scheme's default port counting as none, and the host case-insensitively", () => {
    expect(cookieOriginAllowed(over('https', { origin: 'https://api.example.com', host: 'api.example.com:443' }), undefined)).toBe(true);
    expect(cookieOriginAllowed(over('https', { origin: 'https://api.example.com:443', host: 'API.example.com' }), undefined)).toBe(true);
    expect(cookieOriginAllowed(over('http', { origin: 'http://api.example.com', host: 'api.example.com:443' }), undefined)).toBe(false);
    expect(cookieOriginAllowed(over('http', { origin: 'http://[::1]:3000', host: '[::1]:3000' }), undefined)).toBe(true);
  });

  it('takes the first X-Forwarded-Host value, trimmed, before Host', () => {
    // Proxies append with ", "; a value with a space before the comma must still name the API.
    const forwarded = (value: string | string[]) => over('https', { origin: 'https://api.example.com', host: 'internal:8080', 'x-forwarded-host': value });
    expect(cookieOriginAllowed(forwarded('api.example.com , internal:8080'), undefined)).toBe(true);
    expect(cookieOriginAllowed(forwarded('api.example.com'), undefined)).toBe(true);
    expect(cookieOriginAllowed(forwarded(['api.example.com', 'other.example']), undefined)).toBe(true);
    expect(cookieOriginAllowed(forwarded('other.example, api.example.com'), undefined)).toBe(false);
    // An empty forwarded value leaves Host.
    expect(cookieOriginAllowed(over('https', { origin: 'https://api.example.com', host: 'api.example.com', 'x-forwarded-host': ' ' }), undefined)).toBe(true);
  });

  it('refuses any other page, another port of the same host included, and Origin: null', () => {
    expect(cookieOriginAllowed(over('https', { origin: 'https://evil.example', host: 'api.example.com' }), parties)).toBe(false);
    expect(cookieOriginAllowed(over('http', { origin: 'http://127.0.0.1:4000', host: '127.0.0.1:3000' }), undefined)).toBe(false);
    expect(cookieOriginAllowed(over('https', { origin: 'null', host: 'api.example.com' }), parties)).toBe(false);
    expect(cookieOriginAllowed(over('https', { origin: 'https://app.example.com.evil.example', host: 'api.example.com' }), parties)).toBe(false);
    expect(cookieOriginAllowed(over('https', { origin: 'https://api.example.com' }), parties)).toBe(false);
  });

  it("refuses when the host cannot be an origin's, or the scheme is unknown (listed parties still pass)", () => {
    for (const host of ['evil.example@api.example.com', 'api.example.com/x', 'api.example.com?', 'api example.com', 'api.example.com:99999']) {
      expect(cookieOriginAllowed(over('https', { origin: 'https://api.example.com', host }), undefined)).toBe(false);
    }
    const unknown: OriginRequest = { headers: { origin: 'https://api.example.com', host: 'api.example.com' } };
    expect(cookieOriginAllowed(unknown, undefined)).toBe(false);
    // A non-special scheme has the opaque origin "null", as would a URL built on an unknown scheme: never a match.
    for (const origin of ['chrome-extension://api.example.com', 'undefined://api.example.com']) {
      expect(cookieOriginAllowed({ headers: { origin, host: 'api.example.com' } }, undefined)).toBe(false);
    }
    expect(cookieOriginAllowed({ headers: { ...unknown.headers, origin: 'https://app.example.com' } }, parties)).toBe(true);
  });
});

describe('requestScheme', () => {
  it("believes the framework's protocol (which follows the app's trusted-proxy setting) first", () => {
    expect(requestScheme({ protocol: 'https', secure: false })).toBe('https');
    expect(requestScheme({ protocol: 'HTTP', socket: { encrypted: true } })).toBe('http');
    expect(requestScheme({ protocol: ' https ' })).toBe('https');
  });

  it("else the connection: a handshake's secure flag, a Node request's socket", () => {
    expect(requestScheme({ protocol: 'wss', secure: true })).toBe('https');
    expect(requestScheme({ secure: false, socket: { encrypted: true } })).toBe('http');
    expect(requestScheme({ socket: { encrypted: true } })).toBe('https');
    expect(requestScheme({ socket: {} })).toBe('http');
    expect(requestScheme({ socket: { encrypted: 'yes' } })).toBe('http');
  });

  it("never reads X-Forwarded-Proto itself, and knows nothing without a server's word", () => {
    expect(requestScheme({ headers: { 'x-forwarded-proto': 'https' } })).toBeUndefined();
    expect(requestScheme({ headers: { 'x-forwarded-proto': 'https' }, socket: {} })).toBe('http');
    expect(requestScheme({ socket: null, secure: 'true', protocol: 1 })).toBeUndefined();
  });
});

describe('sessionCookieRefusal', () => {
  const options: TokenExtractionOptions = { tokenSources: ['header', 'cookie'], headerName: 'authorization', cookieName: '__session' };
  // The source is where the guard found the token: the same extraction it runs once per request.
  const sourceOf = (request: OriginRequest & { token?: string }, opts = options) => extractToken(request.headers, opts, request.token)?.source ?? null;
  const reason = (request: OriginRequest & { token?: string }, opts = options, parties?: string[]) =>
    sessionCookieRefusal(request, sourceOf(request, opts), opts, parties)?.reason;
  const tossed = '__session=a.a.a; __session=b.b.b';

  it('refuses a cookie sent twice with different values, with or without Origin, when no other source has a token', () => {
    expect(reason({ headers: { cookie: tossed } })).toBe('cookie-duplicated');
    expect(reason(over('https', { cookie: tossed, origin: 'https://api.example.com', host: 'api.example.com' }))).toBe('cookie-duplicated');
    expect(reason({ headers: { cookie: tossed, authorization: 'Basic x' } })).toBe('cookie-duplicated');
    expect(sessionCookieRefusal({ headers: { cookie: tossed } }, null, options, undefined)?.message).toBe(
      'the session cookie was sent twice with different values',
    );
  });

  it('leaves a duplicated cookie alone when the header (or a carried token) holds the token, or cookies are no source', () => {
    expect(reason({ headers: { cookie: tossed, authorization: 'Bearer h.h.h' } })).toBeUndefined();
    expect(reason({ headers: { cookie: tossed }, token: 'c.c.c' })).toBeUndefined();
    expect(reason({ headers: { cookie: tossed, authorization: 'Bearer h.h.h' } }, { ...options, tokenSources: ['cookie', 'header'] })).toBeUndefined();
    expect(reason({ headers: { cookie: tossed } }, { ...options, tokenSources: ['header'] })).toBeUndefined();
  });

  it('refuses a cookie token from a foreign origin, and nothing else', () => {
    const foreign = { host: 'api.example.com', origin: 'https://evil.example' };
    expect(reason(over('https', { ...foreign, cookie: '__session=c.c.c' }))).toBe('cookie-cross-origin');
    expect(sessionCookieRefusal(over('https', { ...foreign, cookie: '__session=c.c.c' }), 'cookie', options, undefined)?.message).toBe(
      'a session cookie sent from another origin',
    );
    expect(reason(over('https', { ...foreign, cookie: '__session=c.c.c' }), options, ['https://evil.example'])).toBeUndefined();
    expect(reason(over('https', { ...foreign, cookie: '__session=c.c.c', authorization: 'Bearer h.h.h' }))).toBeUndefined();
    expect(reason(over('https', { ...foreign }))).toBeUndefined();
    expect(reason(over('https', { host: 'api.example.com', origin: 'https://api.example.com', cookie: '__session=c.c.c' }))).toBeUndefined();
    expect(reason({ headers: { cookie: '__session=c.c.c' } })).toBeUndefined();
    expect(reason({})).toBeUndefined();
  });
});
