import { describe, expect, it } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import { readSessionFields } from './claims.js';

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

  it('reads v2 fpm masks beyond 53 bits (64 permissions in one org feature)', () => {
    const per = Array.from({ length: 64 }, (_, i) => `p${i}`).join(',');
    const mask = ((1n << 63n) | (1n << 53n) | 1n).toString();
    const fields = readSessionFields({ ...base, v: 2, fea: 'o:invoices', o: { id: 'org_1', per, fpm: mask } });
    expect(fields.orgPermissions).toEqual(['org:invoices:p0', 'org:invoices:p53', 'org:invoices:p63']);
  });

  it('aligns fpm with an empty org entry of fea as Clerk does', () => {
    const fields = readSessionFields({ ...base, v: 2, fea: 'o:,o:invoices', o: { id: 'org_1', per: 'read,write', fpm: '3,1' } });
    expect(fields.orgPermissions).toEqual(['org:invoices:read']);
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
    ['v2 o.id number', { v: 2, o: { id: 5 } }],
    ['v2 o.id empty', { v: 2, o: { id: '' } }],
    ['act without sub', { act: { iss: 'x' } }],
    ['act with an empty sub', { act: { sub: '' } }],
    ['act as a string', { act: 'user_admin' }],
    ['act as a list', { act: [{ sub: 'user_admin' }] }],
  ])('refuses %s: identity claims stay strict', (_name, patch) => {
    expect(reason({ ...base, ...patch })).toBe('token-invalid-claims');
  });

  it.each([
    ['unknown sts', { sts: 'revoked' }, { sessionStatus: null }],
    ['sts as a number', { sts: 1 }, { sessionStatus: null }],
    ['fva not a pair', { fva: [1] }, { factorVerificationAge: null }],
    ['fva with a string', { fva: ['1', 2] }, { factorVerificationAge: null }],
    ['fva below -1', { fva: [-2, 0] }, { factorVerificationAge: null }],
    ['fva not finite', { fva: [1, null] }, { factorVerificationAge: null }],
    ['empty fea', { fea: '' }, { features: null }],
    ['fea as a list', { fea: ['o:a'] }, { features: null }],
    ['empty pla', { pla: '' }, { plans: null }],
    ['fea with an unscoped element', { fea: 'o:a,beta' }, { features: null }],
    ['pla with an empty element', { pla: 'u:free,' }, { plans: null }],
    ['v2 fea with an unscoped element', { v: 2, fea: 'o:a,junk', o: { id: 'org_1', per: 'read', fpm: '1' } }, { orgPermissions: [] }],
    ['org_permissions not a list', { org_id: 'org_1', org_permissions: 'org:x' }, { orgId: 'org_1', orgPermissions: null }],
    ['org_permissions with a number', { org_id: 'org_1', org_permissions: [1, 'org:a:b'] }, { orgPermissions: ['org:a:b'] }],
    ['empty org_role and org_slug', { org_id: 'org_1', org_role: '', org_slug: '' }, { orgRole: null, orgSlug: null }],
    ['unknown version read as v1 (Clerk)', { v: 3, org_id: 'org_1', o: { id: 'org_2' } }, { orgId: 'org_1' }],
    ['v as a string read as v1 (Clerk)', { v: '2', o: { id: 'org_2' } }, { orgId: null }],
    ['v2 o as a list', { v: 2, o: ['org_1'] }, { orgId: null, orgRole: null, orgPermissions: null }],
    ['v2 empty rol and slg', { v: 2, o: { id: 'org_1', rol: '', slg: '' } }, { orgId: 'org_1', orgRole: null, orgSlug: null }],
    ['v2 empty per and fpm', { v: 2, fea: 'o:a', o: { id: 'org_1', per: '', fpm: '' } }, { orgPermissions: [] }],
    ['v2 fpm as a number', { v: 2, fea: 'o:a', o: { id: 'org_1', per: 'read', fpm: 1 } }, { orgPermissions: [] }],
  ])('accepts %s and grants nothing from it (Clerk)', (_name, patch, expected) => {
    expect(readSessionFields({ ...base, ...patch })).toMatchObject(expected);
  });

  it('exposes v1 org_role, org_slug and org_permissions without org_id, as Clerk does', () => {
    expect(readSessionFields({ ...base, org_role: 'org:admin', org_slug: 'acme', org_permissions: ['org:a:read'] })).toMatchObject({
      orgId: null,
      orgRole: 'org:admin',
      orgSlug: 'acme',
      orgPermissions: ['org:a:read'],
    });
  });

  it('exposes a v2 org without id as Clerk does: role, slug and permissions, orgId null', () => {
    expect(readSessionFields({ ...base, v: 2, fea: 'o:a', o: { rol: 'admin', slg: 'acme', per: 'read', fpm: '1' } })).toMatchObject({
      orgId: null,
      orgRole: 'org:admin',
      orgSlug: 'acme',
      orgPermissions: ['org:a:read'],
    });
  });

  it('names the refused claim and what it must be', () => {
    expect(() => readSessionFields({ sub: '' })).toThrow('claim "sub" must be a non-empty string');
    expect(() => readSessionFields({ ...base, sid: 7 })).toThrow('claim "sid" must be a non-empty string');
    expect(() => readSessionFields({ ...base, act: { sub: 1 } })).toThrow('claim "act" must be an object with a non-empty string sub');
  });

  it.each([
    ['sid', { sid: null }, { sessionId: null }],
    ['sts', { sts: null }, { sessionStatus: null }],
    ['act', { act: null }, { actor: null }],
    ['fva', { fva: null }, { factorVerificationAge: null }],
    ['org_id', { org_id: null }, { orgId: null }],
    ['org_permissions', { org_id: 'org_1', org_permissions: null }, { orgId: 'org_1', orgPermissions: null }],
    ['fea and pla', { fea: null, pla: null }, { features: null, plans: null }],
    ['v2 o', { v: 2, o: null }, { orgId: null, orgRole: null, orgSlug: null, orgPermissions: null }],
  ])('accepts an explicit null %s as absent', (_name, patch, expected) => {
    expect(readSessionFields({ ...base, ...patch })).toMatchObject(expected);
  });

  it('reads v: 1 and no v as v1, only v: 2 as v2', () => {
    const both = { org_id: 'org_1', o: { id: 'org_2' } };
    expect(readSessionFields({ ...base, ...both, v: 1 }).orgId).toBe('org_1');
    expect(readSessionFields({ ...base, ...both }).orgId).toBe('org_1');
    expect(readSessionFields({ ...base, ...both, v: 2 }).orgId).toBe('org_2');
  });

  it('reads sts active and pending, nothing else', () => {
    expect(readSessionFields({ ...base, sts: 'active' }).sessionStatus).toBe('active');
    expect(readSessionFields({ ...base, sts: 'pending' }).sessionStatus).toBe('pending');
    expect(readSessionFields({ ...base, sts: 'PENDING' }).sessionStatus).toBeNull();
  });

  it('refuses an act that is not a plain object even when it carries a sub (claims from a hook need not be JSON)', () => {
    const fn = Object.assign(() => undefined, { sub: 'user_admin' });
    const list = Object.assign([{ sub: 'user_admin' }], { sub: 'user_admin' });
    expect(reason({ ...base, act: fn })).toBe('token-invalid-claims');
    expect(reason({ ...base, act: list })).toBe('token-invalid-claims');
  });

  it('keeps the act object as sent, extra members included', () => {
    const act = { sub: 'user_admin', iss: 'https://dashboard.clerk.com', sid: 'sess_9' };
    expect(readSessionFields({ ...base, act }).actor).toBe(act);
  });

  it.each([
    ['a non-number second age', ['1', 2]],
    ['a non-number first age', [1, 'x']],
    ['three ages', [1, 2, 3]],
    ['one age', [1]],
    ['no age', []],
    ['a fraction below -1', [-1.5, 0]],
    ['a fraction between -1 and 0', [0, -0.5]],
    ['an infinite age', [Number.POSITIVE_INFINITY, 0]],
    ['NaN', [0, Number.NaN]],
    ['a string', '1,2'],
    ['an object', { 0: 1, 1: 2, length: 2 }],
  ])('grants no factor age from fva with %s', (_name, fva) => {
    expect(readSessionFields({ ...base, fva }).factorVerificationAge).toBeNull();
  });

  it('returns a fresh fva pair, not the claim itself', () => {
    const fva = [3, 7];
    const read = readSessionFields({ ...base, fva }).factorVerificationAge;
    expect(read).toEqual([3, 7]);
    expect(read).not.toBe(fva);
  });

  it('keeps fva edge values: -1 (never) and 0 (just now)', () => {
    expect(readSessionFields({ ...base, fva: [0, -1] }).factorVerificationAge).toEqual([0, -1]);
    expect(readSessionFields({ ...base, fva: [-1, -1] }).factorVerificationAge).toEqual([-1, -1]);
  });
});
