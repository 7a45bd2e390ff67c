import { describe, expect, it } from '@jest/globals';
import { cookieOriginAllowed } from './cookie-origin.js';

describe('cookieOriginAllowed', () => {
  const parties = ['https://app.example.com'];

  it('allows requests without Origin, from the same host, and from listed parties', () => {
    expect(cookieOriginAllowed({ host: 'api.example.com' }, parties)).toBe(true);
    expect(cookieOriginAllowed({ origin: 'https://api.example.com', host: 'api.example.com' }, parties)).toBe(true);
    expect(cookieOriginAllowed({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }, undefined)).toBe(true);
    expect(cookieOriginAllowed({ origin: 'https://app.example.com', host: 'api.example.com' }, parties)).toBe(true);
    expect(cookieOriginAllowed({ origin: 'https://api.example.com', host: 'internal:8080', 'x-forwarded-host': 'api.example.com' }, parties)).toBe(true);
  });

  it('refuses any other page, another port of the same host included, and Origin: null', () => {
    expect(cookieOriginAllowed({ origin: 'https://evil.example', host: 'api.example.com' }, parties)).toBe(false);
    expect(cookieOriginAllowed({ origin: 'http://127.0.0.1:4000', host: '127.0.0.1:3000' }, undefined)).toBe(false);
    expect(cookieOriginAllowed({ origin: 'null', host: 'api.example.com' }, parties)).toBe(false);
    expect(cookieOriginAllowed({ origin: 'https://app.example.com.evil.example', host: 'api.example.com' }, parties)).toBe(false);
    expect(cookieOriginAllowed({ origin: 'https://api.example.com' }, parties)).toBe(false);
  });
});
