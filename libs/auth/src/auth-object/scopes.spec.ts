import { describe, expect, it } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { TokenType } from '../verification/token-class.js';
import { askedScopes, hasScopes, isScopeToken, readScopes } from './scopes.js';

/** A test title for a string: JSON, with anything outside printable ASCII escaped. */
const printable = (value: string): string => JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

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
  it('reads a space-separated scope without empty entries or duplicates', () => {
    expect(read({ scope: 'a  b a' })).toEqual(['a', 'b']);
    expect(read({ scopes: ' a  b a ' }, 'm2m_token')).toEqual(['a', 'b']);
  });

  it('reads the claim the class defines and no other: M2M scopes (Clerk), OAuth, session and API key scope (RFC 9068)', () => {
    // A calling machine can add custom claims to its own M2M token: scope and scp are never promoted.
    expect(read({ scp: ['a'], scope: 'b', scopes: 'c' }, 'm2m_token')).toEqual(['c']);
    expect(read({ scp: ['a'], scope: 'b' }, 'm2m_token')).toEqual([]);
    expect(read({ scp: ['a'], scope: 'b', scopes: 'c' }, 'oauth_token')).toEqual(['b']);
    expect(read({ scp: ['a'], scopes: 'c' }, 'oauth_token')).toEqual([]);
    expect(read({ scp: ['a'], scopes: 'c' }, 'session_token')).toEqual([]);
    expect(read({ scope: 'b' }, 'session_token')).toEqual(['b']);
    expect(read({ scp: ['a'], scopes: 'c', scope: 'b' }, 'api_key')).toEqual(['b']);
    // Clerk falls back to aud for M2M tokens without scopes; aud is an audience, never a scope here.
    expect(read({ aud: ['mch_2'] }, 'm2m_token')).toEqual([]);
    expect(read({}, 'm2m_token')).toEqual([]);
    expect(read({ scopes: null }, 'm2m_token')).toEqual([]);
  });

  it('ignores a malformed claim the class does not read (it grants nothing and refuses nothing)', () => {
    expect(read({ scope: 5, scopes: 'c' }, 'm2m_token')).toEqual(['c']);
    expect(read({ scp: 5, scope: 'b' }, 'oauth_token')).toEqual(['b']);
  });

  it("reads the issuer's scopeClaim instead, for every class: a list or a space-separated string", () => {
    for (const type of ['session_token', 'oauth_token', 'm2m_token', 'api_key'] as const) {
      expect(readScopes({ scp: ['a', '', 'b', 'a'], scope: 'x', scopes: 'y' }, type, 'scp')).toEqual(['a', 'b']);
      expect(readScopes({ scp: ' a  b ', scope: 'x', scopes: 'y' }, type, 'scp')).toEqual(['a', 'b']);
      expect(readScopes({ scope: 'x', scopes: 'y' }, type, 'scp')).toEqual([]);
    }
    expect(readScopes({ scp: [] }, 'oauth_token', 'scp')).toEqual([]);
  });

  it.each([
    [{ scope: ['a'] }, 'oauth_token', undefined, 'scope', 'a string'],
    [{ scope: 5 }, 'session_token', undefined, 'scope', 'a string'],
    [{ scopes: ['a'] }, 'm2m_token', undefined, 'scopes', 'a string'],
    [{ scope: 5 }, 'api_key', undefined, 'scope', 'a string'],
    [{ scp: ['a', 1] }, 'oauth_token', 'scp', 'scp', 'a list of strings or a string'],
    [{ scp: [1, 'a'] }, 'm2m_token', 'scp', 'scp', 'a list of strings or a string'],
    [{ scp: 5 }, 'oauth_token', 'scp', 'scp', 'a list of strings or a string'],
    [{ scp: { a: 1 } }, 'oauth_token', 'scp', 'scp', 'a list of strings or a string'],
  ])('refuses %j (%s) as token-invalid-claims, naming the claim', (claims, type, scopeClaim, name, expected) => {
    let error: unknown;
    try {
      readScopes(claims, type as TokenType, scopeClaim);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).reason).toBe(AuthErrorReason.TokenInvalidClaims);
    expect((error as AuthError).message).toBe(`claim "${name}" must be ${expected}`);
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
