import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { accessTokenHash, normalisedHtu } from './htu.js';

describe('normalisedHtu (RFC 9449 section 4.3, RFC 3986 section 6.2)', () => {
  it.each([
    ['HTTPS://API.Example.com:443/orders', 'https://api.example.com/orders'],
    ['https://api.example.com/orders?x=1#f', 'https://api.example.com/orders'],
    ['http://api.example.com:80', 'http://api.example.com/'],
    ['http://api.example.com:8080/orders', 'http://api.example.com:8080/orders'],
    ['https://api.example.com:8443/a/./b/../c', 'https://api.example.com:8443/a/c'],
    ['https://api.example.com/%7euser/%2f', 'https://api.example.com/~user/%2F'],
    // Every unreserved kind decoded (letters, digits, - . _ ~), reserved and other bytes kept encoded, in upper case.
    ['https://api.example.com/%41%7A%30%2D%2E%5F%7E', 'https://api.example.com/Az0-._~'],
    ['https://api.example.com/a%2fb%3a%40%25%c3%a4', 'https://api.example.com/a%2Fb%3A%40%25%C3%A4'],
    ['https://api.example.com/%2e%2E', 'https://api.example.com/'],
  ])('%s -> %s', (uri, expected) => expect(normalisedHtu(uri)).toBe(expected));

  it('two spellings of one URI compare equal; two URIs do not', () => {
    expect(normalisedHtu('https://API.example.com/%7Euser')).toBe(normalisedHtu('https://api.example.com:443/~user'));
    expect(normalisedHtu('https://api.example.com/a%2Fb')).not.toBe(normalisedHtu('https://api.example.com/a/b'));
  });

  it.each([
    'ftp://api.example.com/',
    'ws://api.example.com/',
    'javascript:alert(1)',
    'not a url',
    'https://user:pw@api.example.com/',
    'https://user@api.example.com/',
    'https://:pw@api.example.com/',
    '/orders',
    '',
  ])('%p is no htu', (uri) => expect(normalisedHtu(uri)).toBeUndefined());
});

describe('accessTokenHash (RFC 9449 section 4.2)', () => {
  it('is the base64url SHA-256 of the token', () => {
    expect(accessTokenHash('abc')).toBe(createHash('sha256').update('abc').digest('base64url'));
    expect(accessTokenHash('!~')).toBe(createHash('sha256').update('!~').digest('base64url'));
  });

  it.each(['ä', 'a b', '', 'a\nb'])('a token of other characters than visible ASCII (%p) has none', (token) => {
    expect(accessTokenHash(token)).toBeUndefined();
  });
});
