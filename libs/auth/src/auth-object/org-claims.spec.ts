import { describe, expect, it } from '@jest/globals';
import { AuthErrorReason } from '../auth.errors.js';
import { lenientString, orgFeatureSlots, orgPermissionsV2, readOrgV1, readOrgV2, scopedListClaim, splitByScope } from './org-claims.js';

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

describe('lenientString and scopedListClaim', () => {
  it('keep a non-empty string and make anything else null', () => {
    expect(lenientString('acme')).toBe('acme');
    for (const value of ['', 1, null, undefined, ['acme'], { acme: 1 }]) expect(lenientString(value)).toBeNull();
  });

  it('keep a scoped list whole only when every element has a colon', () => {
    expect(scopedListClaim('o:a')).toBe('o:a');
    expect(scopedListClaim('o:a,u:b')).toBe('o:a,u:b');
    expect(scopedListClaim('o:a,b')).toBeNull();
    expect(scopedListClaim('b,o:a')).toBeNull();
    expect(scopedListClaim('')).toBeNull();
    expect(scopedListClaim(['o:a'])).toBeNull();
  });
});

describe('readOrgV1', () => {
  it('refuses an org_id that is not a non-empty string as token-invalid-claims, naming it', () => {
    for (const org_id of ['', 5, {}, ['org_1']]) {
      expect(() => readOrgV1({ org_id })).toThrow(
        expect.objectContaining({ reason: AuthErrorReason.TokenInvalidClaims, message: 'claim "org_id" must be a non-empty string' }),
      );
    }
  });

  it('keeps only the non-empty strings of org_permissions', () => {
    expect(readOrgV1({ org_id: 'org_1', org_permissions: ['org:a:read', '', 3, 'org:a:write'] }).orgPermissions).toEqual(['org:a:read', 'org:a:write']);
    expect(readOrgV1({ org_id: 'org_1', org_permissions: [] }).orgPermissions).toEqual([]);
  });
});

describe('readOrgV2', () => {
  it.each([null, 'org_1', ['org_1'], 5])('reads o = %p as no org at all', (o) => {
    expect(readOrgV2({ v: 2, o })).toEqual({ orgId: null, orgRole: null, orgSlug: null, orgPermissions: null });
  });

  it('refuses an o.id that is not a non-empty string as token-invalid-claims, naming it', () => {
    for (const id of ['', 5, {}]) {
      expect(() => readOrgV2({ v: 2, o: { id } })).toThrow(
        expect.objectContaining({ reason: AuthErrorReason.TokenInvalidClaims, message: 'claim "o.id" must be a non-empty string' }),
      );
    }
  });

  it.each([
    ['admin', 'org:admin'],
    ['org:admin', 'org:admin'],
    ['org:org:admin', 'org:admin'],
    ['sorg:admin', 'org:sorg:admin'],
    ['admin:org:x', 'org:admin:org:x'],
  ])('prefixes the role %p once with org: (%p)', (rol, role) => {
    expect(readOrgV2({ v: 2, o: { id: 'org_1', rol } }).orgRole).toBe(role);
  });

  it('reads fea, per and fpm together; a malformed per or fpm grants nothing', () => {
    const claims = (o: Record<string, unknown>) => ({ v: 2, fea: 'o:a,u:b', o: { id: 'org_1', ...o } });
    expect(readOrgV2(claims({ per: 'read,write', fpm: '3' })).orgPermissions).toEqual(['org:a:read', 'org:a:write']);
    expect(readOrgV2(claims({ per: ['read'], fpm: '1' })).orgPermissions).toEqual([]);
    expect(readOrgV2({ v: 2, fea: 'o:a,junk', o: { id: 'org_1', per: 'read', fpm: '1' } }).orgPermissions).toEqual([]);
  });
});

describe('orgPermissionsV2, with spaces and malformed masks', () => {
  it('trims spaces around permissions and masks', () => {
    expect(orgPermissionsV2(['a', 'b'], ' read , write ', ' 2 , 1 ')).toEqual(['org:a:write', 'org:b:read']);
  });

  it.each([['1x'], ['x1'], [' '], [''], ['+1'], ['1 1'], ['0x1']])('grants nothing for the mask %p', (mask) => {
    expect(orgPermissionsV2(['a'], 'read', mask)).toEqual([]);
  });

  it('keeps bit positions for empty permission names and grants nothing for them', () => {
    expect(orgPermissionsV2(['a'], 'read,,write', '7')).toEqual(['org:a:read', 'org:a:write']);
  });

  it('gives an empty feature its mask but no permission', () => {
    expect(orgPermissionsV2(['', 'b'], 'read', '1,1')).toEqual(['org:b:read']);
  });

  it('grants nothing to features past the last mask', () => {
    expect(orgPermissionsV2(['a', 'b', 'c'], 'read', '1,1')).toEqual(['org:a:read', 'org:b:read']);
  });

  it('grants nothing with an empty per or fpm', () => {
    expect(orgPermissionsV2(['a'], '', '1')).toEqual([]);
    expect(orgPermissionsV2(['a'], 'read', '')).toEqual([]);
  });
});

describe('orgFeatureSlots and splitByScope, element by element', () => {
  it('trims elements and skips those without a scope', () => {
    expect(orgFeatureSlots(' o:a , ou:b ,uo:c, u:d, :e, o, x:f')).toEqual(['a', 'b', 'c']);
    expect(splitByScope(' o:a , u:b , :c, o: , ou:d ')).toEqual({ org: ['a', 'd'], user: ['b', 'd'] });
  });

  it('gives no slot or scope to an element without a colon, whatever its letters', () => {
    expect(orgFeatureSlots('oo,ouX,uoo')).toEqual([]);
    expect(splitByScope('oo,uu,ouX')).toEqual({ org: [], user: [] });
  });

  it('keeps what follows the first colon whole', () => {
    expect(orgFeatureSlots('o:a:b')).toEqual(['a:b']);
    expect(splitByScope('u:a:b,uo:c:d')).toEqual({ org: ['c:d'], user: ['a:b', 'c:d'] });
  });

  it('has no elements for an empty claim', () => {
    expect(orgFeatureSlots('')).toEqual([]);
    expect(splitByScope('')).toEqual({ org: [], user: [] });
  });
});
