import { describe, expect, it } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { TokenType } from '../verification/token-class.js';
import { askedScopes, hasScopes, isScopeToken, readScopes } from './scopes.js';

/** A test title for a string: JSON, with anything outside printable ASCII escaped. */
const printable = (value: string): string =>
  JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The scopes read, or the AuthError thrown. */
function read(claims: JWTPayload, tokenType: TokenType = 'oauth_token'): string[] | AuthError {
  try {
    return readScopes(claims, tokenType);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
}

describe('isScopeToken (RFC 6749 section 3.3)', () => {
  it.each(['invoices:read', 'a', '!', '#', '[', ']', '~', 'x-y_z.1/2'])('takes %p', (value) => {
    expect(isScopeToken(value)).toBe(true);
  });

  it.each(['', ' ', 'a b', '"a', 'a"', 'a\\', '\\a', 'é', '\x7f', '\t', 'a\n'].map((value) => [printable(value), value]))(
    'refuses %s: empty, space, quote, backslash or not printable ASCII, anywhere',
    (_name, value) => {
      expect(isScopeToken(value)).toBe(false);
    },
  );

  it.each([5, null, undefined, ['a']])('refuses the non-string %p', (value) => {
    expect(isScopeToken(value)).toBe(false);
  });
});

describe('readScopes', () => {
  it('reads a space-separated scp or scope without empty entries or duplicates', () => {
    expect(read({ scp: ' a  b a ' })).toEqual(['a', 'b']);
    expect(read({ scope: 'a  b a' })).toEqual(['a', 'b']);
  });

  it('reads scp as a list, dropping empty entries and duplicates', () => {
    expect(read({ scp: ['a', '', 'b', 'a'] })).toEqual(['a', 'b']);
    expect(read({ scp: [] })).toEqual([]);
  });

  it('prefers scp, then scope, then (M2M only) scopes; absent and null claims are skipped', () => {
    expect(read({ scp: ['a'], scope: 'b' })).toEqual(['a']);
    expect(read({ scp: null, scope: 'b' } as JWTPayload)).toEqual(['b']);
    expect(read({ scope: null, scopes: 'c' } as JWTPayload, 'm2m_token')).toEqual(['c']);
    expect(read({ scopes: 'c' }, 'oauth_token')).toEqual([]);
    expect(read({ scopes: 'c' }, 'session_token')).toEqual([]);
    expect(read({ scopes: 'c' }, 'api_key')).toEqual([]);
    expect(read({}, 'm2m_token')).toEqual([]);
  });

  it.each([
    [{ scp: ['a', 1] }, 'scp', 'a list of strings or a string'],
    [{ scp: [1, 'a'] }, 'scp', 'a list of strings or a string'],
    [{ scp: 5 }, 'scp', 'a list of strings or a string'],
    [{ scp: { a: 1 } }, 'scp', 'a list of strings or a string'],
    [{ scope: ['a'] }, 'scope', 'a string'],
    [{ scope: 5 }, 'scope', 'a string'],
    [{ scopes: ['a'] }, 'scopes', 'a string'],
  ])('refuses %j as token-invalid-claims, naming the claim', (claims, name, expected) => {
    const error = read(claims as JWTPayload, 'm2m_token') as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.reason).toBe(AuthErrorReason.TokenInvalidClaims);
    expect(error.message).toBe(`claim "${name}" must be ${expected}`);
  });
});

describe('askedScopes', () => {
  it('is undefined when the check asks no scope', () => {
    expect(askedScopes({})).toBeUndefined();
    expect(askedScopes({ scope: undefined, scopes: undefined })).toBeUndefined();
  });

  it('gathers scope and scopes, in that order', () => {
    expect(askedScopes({ scope: 'a' })).toEqual(['a']);
    expect(askedScopes({ scopes: ['b', 'c'] })).toEqual(['b', 'c']);
    expect(askedScopes({ scope: 'a', scopes: ['b', 'c'] })).toEqual(['a', 'b', 'c']);
  });

  it('keeps an empty scopes list as an ask (which no token meets), not as no ask', () => {
    expect(askedScopes({ scopes: [] })).toEqual([]);
  });

  it('takes a scopes value that is not a list as one (malformed) ask, whole', () => {
    expect(askedScopes({ scopes: 'ab' })).toEqual(['ab']);
    expect(askedScopes({ scopes: 5 })).toEqual([5]);
    expect(askedScopes({ scope: 'a', scopes: 'b c' })).toEqual(['b c']);
  });
});

describe('hasScopes', () => {
  it('needs every asked scope, by exact match', () => {
    expect(hasScopes(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(hasScopes(['a', 'b'], ['b'])).toBe(true);
    expect(hasScopes(['a'], ['a', 'b'])).toBe(false);
    expect(hasScopes(['a:read'], ['a'])).toBe(false);
  });

  it('is false for an empty ask, and for an ask that is not a scope token even when granted', () => {
    expect(hasScopes(['a'], [])).toBe(false);
    expect(hasScopes(['a b'], ['a b'])).toBe(false);
    expect(hasScopes(['5'], [5])).toBe(false);
  });
});
