import { describe, expect, it } from '@jest/globals';
import { cookieOriginAllowed, requestScheme, type OriginRequest } from './cookie-origin.js';
import type { RequestHeaders } from './extract-token.js';

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
    expect(cookieOriginAllowed(over('https', { origin: 'https://api.example.com', host: 'internal:8080', 'x-forwarded-host': 'api.example.com' }), parties)).toBe(true);
  });

  it('compares the scheme: an http page is not the https API, nor the other way round', () => {
    expect(cookieOriginAllowed(over('https', { origin: 'http://api.example.com', host: 'api.example.com' }), undefined)).toBe(false);
    expect(cookieOriginAllowed(over('http', { origin: 'https://api.example.com', host: 'api.example.com' }), undefined)).toBe(false);
    // A listed party is exact, scheme included.
    expect(cookieOriginAllowed(over('https', { origin: 'http://app.example.com', host: 'api.example.com' }), parties)).toBe(false);
  });

  it('compares the port, the scheme\'s default port counting as none, and the host case-insensitively', () => {
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

  it('refuses when the host cannot be an origin\'s, or the scheme is unknown (listed parties still pass)', () => {
    for (const host of ['evil.example@api.example.com', 'api.example.com/x', 'api.example.com?', 'api example.com', 'api.example.com:99999']) {
      expect(cookieOriginAllowed(over('https', { origin: 'https://api.example.com', host }), undefined)).toBe(false);
    }
    const unknown: OriginRequest = { headers: { origin: 'https://api.example.com', host: 'api.example.com' } };
    expect(cookieOriginAllowed(unknown, undefined)).toBe(false);
    expect(cookieOriginAllowed({ headers: { ...unknown.headers, origin: 'https://app.example.com' } }, parties)).toBe(true);
  });
});

describe('requestScheme', () => {
  it('believes the framework\'s protocol (which follows the app\'s trusted-proxy setting) first', () => {
    expect(requestScheme({ protocol: 'https', secure: false })).toBe('https');
    expect(requestScheme({ protocol: 'HTTP', socket: { encrypted: true } })).toBe('http');
    expect(requestScheme({ protocol: ' https ' })).toBe('https');
  });

  it('else the connection: a handshake\'s secure flag, a Node request\'s socket', () => {
    expect(requestScheme({ protocol: 'wss', secure: true })).toBe('https');
    expect(requestScheme({ secure: false, socket: { encrypted: true } })).toBe('http');
    expect(requestScheme({ socket: { encrypted: true } })).toBe('https');
    expect(requestScheme({ socket: {} })).toBe('http');
    expect(requestScheme({ socket: { encrypted: 'yes' } })).toBe('http');
  });

  it('never reads X-Forwarded-Proto itself, and knows nothing without a server\'s word', () => {
    expect(requestScheme({ headers: { 'x-forwarded-proto': 'https' } })).toBeUndefined();
    expect(requestScheme({ headers: { 'x-forwarded-proto': 'https' }, socket: {} })).toBe('http');
    expect(requestScheme({ socket: null, secure: 'true', protocol: 1 })).toBeUndefined();
  });
});
