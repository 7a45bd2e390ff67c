import { describe, expect, it } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import { hasAuthorization } from './has-authorization.js';
import { grantsAllow, readGrants, scopeList, stringList } from './authorization-grants.js';
import { readSessionFields } from './claims.js';

describe('authorization grants', () => {
  it('keeps only lists of non-empty strings and dedupes them', () => {
    const grants = readGrants(() => ({ roles: ['admin', 'admin'], permissions: ['read:messages'] }), { sub: 'u' });
    expect(grants).toEqual({ roles: ['admin'], permissions: ['read:messages'], features: [], plans: [] });
  });

  it.each([
    [
      'a throwing mapper',
      () => {
        throw new Error('boom');
      },
    ],
    ['a non-object', () => 'admin'],
    ['roles that are not a list', () => ({ roles: 'admin' })],
    ['an empty role', () => ({ roles: [''] })],
    ['a non-string permission', () => ({ permissions: [1] })],
  ])('refuses %s as token-invalid-claims', (_name, mapper) => {
    let caught: unknown;
    try {
      readGrants(mapper as never, { sub: 'u' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AuthError);
    expect((caught as AuthError).reason).toBe('token-invalid-claims');
  });

  it('reads OAuth scope strings and lists, ignoring junk', () => {
    expect(scopeList('openid  read:messages write:messages')).toEqual(['openid', 'read:messages', 'write:messages']);
    expect(scopeList(['a', 2, ''])).toEqual(['a']);
    expect(scopeList(undefined)).toEqual([]);
    expect(stringList({ 0: 'x' })).toEqual([]);
  });

  it('has() matches grants exactly and ANDs the dimensions', () => {
    const fields = { ...readSessionFields({ sub: 'u' }), grants: readGrants(() => ({ roles: ['admin'], permissions: ['read'] }), {}) };
    expect(hasAuthorization({ role: 'admin' }, fields)).toBe(true);
    expect(hasAuthorization({ role: 'org:admin' }, fields)).toBe(false);
    expect(hasAuthorization({ role: 'admin', permission: 'read' }, fields)).toBe(true);
    expect(hasAuthorization({ role: 'admin', permission: 'write' }, fields)).toBe(false);
    expect(hasAuthorization({ feature: 'reports' }, fields)).toBe(false);
    expect(hasAuthorization({}, fields)).toBe(false);
  });

  it('leaves Clerk semantics alone when no grants are mapped', () => {
    const fields = readSessionFields({ sub: 'u', org_id: 'org_1', org_role: 'org:admin', org_permissions: [] });
    expect(hasAuthorization({ role: 'admin' }, fields)).toBe(true);
    expect(hasAuthorization({ role: 'org:admin' }, fields)).toBe(true);
  });

  it('hands the mapper the verified claims as they are', () => {
    const claims = { sub: 'u', groups: ['a'] };
    const seen: unknown[] = [];
    readGrants((given) => {
      seen.push(given);
      return {};
    }, claims);
    expect(seen).toEqual([claims]);
    expect(seen[0]).toBe(claims);
  });

  it('reads every dimension, features and plans included, and skips undefined and null ones', () => {
    const grants = readGrants(() => ({ roles: null, permissions: undefined, features: ['reports', 'reports'], plans: ['pro'] }) as never, {});
    expect(grants).toEqual({ roles: [], permissions: [], features: ['reports'], plans: ['pro'] });
  });

  it.each([
    [
      'a throwing mapper',
      () => {
        throw new Error('boom');
      },
      'the authorization mapping refused the claims',
    ],
    ['null', () => null, 'the authorization mapping returned no grants'],
    ['undefined', () => undefined, 'the authorization mapping returned no grants'],
    ['a string', () => 'admin', 'the authorization mapping returned no grants'],
    ['roles that are not a list', () => ({ roles: 'admin' }), 'the authorization mapping returned bad roles'],
    ['a list with an empty permission after a good one', () => ({ permissions: ['read', ''] }), 'the authorization mapping returned bad permissions'],
    ['a list with a number after a good one', () => ({ features: ['reports', 1] }), 'the authorization mapping returned bad features'],
    ['plans as an object', () => ({ plans: { pro: true } }), 'the authorization mapping returned bad plans'],
  ])('says why it refuses %s', (_name, mapper, message) => {
    expect(() => readGrants(mapper as never, {})).toThrow(expect.objectContaining({ reason: 'token-invalid-claims', message }));
  });

  it('stringList keeps only the non-empty strings of a list', () => {
    expect(stringList(['a', '', 'b', null, 3])).toEqual(['a', 'b']);
    expect(stringList('a')).toEqual([]);
  });

  it('scopeList splits on single spaces only (RFC 6749), dropping empty entries', () => {
    expect(scopeList(' a  b ')).toEqual(['a', 'b']);
    expect(scopeList('')).toEqual([]);
    expect(scopeList('a\tb')).toEqual(['a\tb']);
  });

  describe('grantsAllow', () => {
    const grants = { roles: ['admin'], permissions: ['read'], features: ['reports'], plans: ['pro'] };

    it.each([
      [{ role: 'admin' }, true],
      [{ permission: 'read' }, true],
      [{ feature: 'reports' }, true],
      [{ plan: 'pro' }, true],
      [{ plan: 'free' }, false],
      [{ feature: 'beta' }, false],
      [{ role: 'admin', permission: 'read', feature: 'reports', plan: 'pro' }, true],
      [{ role: 'admin', permission: 'read', feature: 'reports', plan: 'free' }, false],
      [{ role: 'guest', plan: 'pro' }, false],
      [{}, false],
      [{ role: undefined }, false],
      [{ role: '' }, false],
      [{ role: 5 }, false],
      [{ plan: null }, false],
    ])('%j -> %s', (check, expected) => {
      expect(grantsAllow(check, grants)).toBe(expected);
    });

    it('does not match an empty ask against an empty grant', () => {
      expect(grantsAllow({ role: '' }, { ...grants, roles: [''] })).toBe(false);
    });
  });
});
