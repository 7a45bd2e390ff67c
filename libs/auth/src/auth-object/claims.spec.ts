import { describe, expect, it } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import { readSessionFields, splitByScope } from './claims.js';

const base = { sub: 'user_1', sid: 'sess_1', exp: 2, iat: 1 };

function reason(claims: Record<string, unknown>): string {
  try {
    readSessionFields(claims);
  } catch (error) {
    return (error as AuthError).reason;
  }
  return 'accepted';
}

describe('readSessionFields', () => {
  it('reads a plain session without an org', () => {
    expect(readSessionFields(base)).toEqual({
      userId: 'user_1',
      sessionId: 'sess_1',
      orgId: null,
      orgRole: null,
      orgSlug: null,
      orgPermissions: null,
      actor: null,
      sessionStatus: null,
      features: null,
      plans: null,
      factorVerificationAge: null,
    });
  });

  it('reads Clerk v1 org claims', () => {
    const fields = readSessionFields({
      ...base,
      org_id: 'org_1',
      org_role: 'org:admin',
      org_slug: 'acme',
      org_permissions: ['org:invoices:read', 'org:invoices:write'],
    });
    expect(fields).toMatchObject({
      orgId: 'org_1',
      orgRole: 'org:admin',
      orgSlug: 'acme',
      orgPermissions: ['org:invoices:read', 'org:invoices:write'],
    });
  });

  it('reads Clerk v2 org claims: role gets the org: prefix, permissions come from the feature bit map', () => {
    const fields = readSessionFields({
      ...base,
      v: 2,
      fea: 'o:invoices,o:reports,u:beta',
      o: { id: 'org_2', slg: 'acme', rol: 'admin', per: 'read,write', fpm: '3,1' },
      pla: 'o:pro',
      sts: 'active',
      fva: [3, -1],
      act: { sub: 'user_admin' },
    });
    expect(fields).toMatchObject({
      orgId: 'org_2',
      orgRole: 'org:admin',
      orgSlug: 'acme',
      orgPermissions: ['org:invoices:read', 'org:invoices:write', 'org:reports:read'],
      features: 'o:invoices,o:reports,u:beta',
      plans: 'o:pro',
      sessionStatus: 'active',
      factorVerificationAge: [3, -1],
      actor: { sub: 'user_admin' },
    });
  });

  it('gives a v2 org without permission claims an empty permission list', () => {
    expect(readSessionFields({ ...base, v: 2, o: { id: 'org_3', rol: 'member' } }).orgPermissions).toEqual([]);
  });

  it.each([
    ['sub as number', { sub: 1 }],
    ['sub as object', { sub: { $ne: null } }],
    ['sub as array', { sub: ['user_1'] }],
    ['sub empty', { sub: '' }],
    ['sub missing', { sub: undefined }],
    ['sid as number', { sid: 7 }],
    ['sid empty', { sid: '' }],
    ['org_id as object', { org_id: { $ne: null } }],
    ['org_id empty', { org_id: '' }],
    ['org_permissions not a list', { org_id: 'org_1', org_permissions: 'org:x' }],
    ['org_permissions with a number', { org_id: 'org_1', org_permissions: [1] }],
    ['v2 o as array', { v: 2, o: ['org_1'] }],
    ['v2 o.id missing', { v: 2, o: { rol: 'admin' } }],
    ['v2 o.id number', { v: 2, o: { id: 5 } }],
    ['unknown version', { v: 3 }],
    ['sts unknown', { sts: 'revoked' }],
    ['act without sub', { act: { iss: 'x' } }],
    ['fva not a pair', { fva: [1] }],
  ])('refuses %s before anything reaches the auth object', (_name, patch) => {
    expect(reason({ ...base, ...patch })).toBe('token-invalid-claims');
  });
});

describe('splitByScope', () => {
  it('splits org, user and both scopes, and ignores unscoped elements', () => {
    expect(splitByScope('o:a, u:b,ou:c,uo:d,e')).toEqual({ org: ['a', 'c', 'd'], user: ['b', 'c', 'd'] });
    expect(splitByScope(null)).toEqual({ org: [], user: [] });
  });
});
