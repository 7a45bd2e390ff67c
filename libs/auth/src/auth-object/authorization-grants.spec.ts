import { describe, expect, it } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import { hasAuthorization } from './has-authorization.js';
import { readGrants, scopeList, stringList } from './authorization-grants.js';
import { readSessionFields } from './claims.js';

describe('authorization grants', () => {
  it('keeps only lists of non-empty strings and dedupes them', () => {
    const grants = readGrants(() => ({ roles: ['admin', 'admin'], permissions: ['read:messages'] }), { sub: 'u' });
    expect(grants).toEqual({ roles: ['admin'], permissions: ['read:messages'], features: [], plans: [] });
  });

  it.each([
    ['a throwing mapper', () => { throw new Error('boom'); }],
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
});
