import { describe, expect, it } from '@jest/globals';
import { orgFeatureSlots, orgPermissionsV2, readOrgV2, splitByScope } from './org-claims.js';

/** 64 permission names and the decimal mask of the given bit positions (beyond 2^53). */
const names = Array.from({ length: 64 }, (_, i) => `p${i}`);
const maskOf = (...bits: number[]): string => bits.reduce((m, b) => m | (1n << BigInt(b)), 0n).toString();

describe('orgPermissionsV2', () => {
  it('reads masks of any length: bits 0, 52, 53 and 63 of a 64-permission org', () => {
    const granted = orgPermissionsV2(['invoices'], names.join(','), maskOf(0, 52, 53, 63));
    expect(granted).toEqual(['org:invoices:p0', 'org:invoices:p52', 'org:invoices:p53', 'org:invoices:p63']);
  });

  it('reads a mask with every one of 200 bits set', () => {
    const many = Array.from({ length: 200 }, (_, i) => `q${i}`);
    const all = ((1n << 200n) - 1n).toString();
    expect(all.length).toBeGreaterThan(53);
    expect(orgPermissionsV2(['f'], many.join(','), all)).toHaveLength(200);
  });

  it('ignores bits beyond the permission list and leading zeros', () => {
    expect(orgPermissionsV2(['a'], 'read,write', maskOf(1, 5))).toEqual(['org:a:write']);
    expect(orgPermissionsV2(['a'], 'read,write', '0003')).toEqual(['org:a:read', 'org:a:write']);
  });

  it('grants nothing for a malformed mask and keeps the others aligned', () => {
    expect(orgPermissionsV2(['a', 'b', 'c'], 'read', '1,x,1')).toEqual(['org:a:read', 'org:c:read']);
    expect(orgPermissionsV2(['a', 'b'], 'read', '-1,1')).toEqual(['org:b:read']);
    expect(orgPermissionsV2(['a', 'b'], 'read', '1.0,1')).toEqual(['org:b:read']);
  });

  it('grants nothing for features without a mask, and without per or fpm', () => {
    expect(orgPermissionsV2(['a', 'b'], 'read', '1')).toEqual(['org:a:read']);
    expect(orgPermissionsV2(['a'], null, '1')).toEqual([]);
    expect(orgPermissionsV2(['a'], 'read', null)).toEqual([]);
  });
});

describe('orgFeatureSlots', () => {
  it('gives every org-scoped element a slot in order, empty ones included (Clerk alignment)', () => {
    expect(orgFeatureSlots('o:,u:beta,o:invoices,ou:reports,uo:,x:other,plain')).toEqual(['', 'invoices', 'reports', '']);
    expect(orgFeatureSlots(null)).toEqual([]);
  });
});

describe('readOrgV2 with empty fea entries', () => {
  it("aligns fpm with Clerk's slots: an empty org entry takes a mask and grants nothing itself", () => {
    const org = readOrgV2({ v: 2, fea: 'o:,o:invoices', o: { id: 'org_1', per: 'read,write', fpm: '3,1' } });
    expect(org.orgPermissions).toEqual(['org:invoices:read']);
  });

  it('lets user-only features hold no slot', () => {
    const org = readOrgV2({ v: 2, fea: 'u:beta,o:invoices', o: { id: 'org_1', per: 'read', fpm: '1' } });
    expect(org.orgPermissions).toEqual(['org:invoices:read']);
  });
});

describe('splitByScope', () => {
  it('splits org, user and both scopes, and ignores unscoped and empty elements', () => {
    expect(splitByScope('o:a, u:b,ou:c,uo:d,e,o:')).toEqual({ org: ['a', 'c', 'd'], user: ['b', 'c', 'd'] });
    expect(splitByScope(null)).toEqual({ org: [], user: [] });
  });
});
