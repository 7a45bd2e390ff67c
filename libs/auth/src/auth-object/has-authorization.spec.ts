import { describe, expect, it } from '@jest/globals';
import type { SessionFields } from './claims.js';
import { hasAuthorization, type AuthorizationCheck } from './has-authorization.js';

// has() as Clerk decides it, on the fields of a session: each dimension asked must hold, at least
// one must be asked, missing data fails.

function fields(overrides: Partial<SessionFields> = {}): SessionFields {
  return {
    userId: 'user_1',
    sessionId: 'sess_1',
    orgId: 'org_1',
    orgRole: 'org:admin',
    orgSlug: 'acme',
    orgPermissions: ['org:invoices:read'],
    actor: null,
    sessionStatus: 'active',
    features: 'o:reports,u:beta,ou:both,o::odd',
    plans: 'u:pro,o:team',
    factorVerificationAge: [5, 5],
    ...overrides,
  };
}
const grants = (roles: string[]) => ({ roles, permissions: [], features: [], plans: [] });

describe('hasAuthorization', () => {
  it('is false for a check that is not an object, and for an empty one', () => {
    for (const check of [null, undefined, 'org:admin', 42]) expect(hasAuthorization(check as unknown as AuthorizationCheck, fields())).toBe(false);
    // A function carrying the fields of a check (from plain JavaScript) is not read as one.
    const callable = Object.assign(() => undefined, { role: 'org:admin' });
    expect(hasAuthorization(callable as unknown as AuthorizationCheck, fields())).toBe(false);
    expect(hasAuthorization({ role: 'org:admin' }, fields())).toBe(true);
    expect(hasAuthorization({}, fields())).toBe(false);
  });

  it('grants a scope or reverification asked alone', () => {
    expect(hasAuthorization({ scope: 'invoices:read' }, fields({ scopes: ['invoices:read'] }))).toBe(true);
    expect(hasAuthorization({ scopes: ['a', 'b'] }, fields({ scopes: ['b', 'a'] }))).toBe(true);
    expect(hasAuthorization({ reverification: 'strict' }, fields())).toBe(true);
  });

  it('refuses a scope the token does not grant, or any scope when the token has none', () => {
    expect(hasAuthorization({ scope: 'invoices:write' }, fields({ scopes: ['invoices:read'] }))).toBe(false);
    expect(hasAuthorization({ scope: 'invoices:read' }, fields())).toBe(false);
    expect(hasAuthorization({ scope: 'invoices:read', role: 'admin' }, fields({ scopes: [] }))).toBe(false);
  });

  it('refuses when reverification fails, whatever else holds, grants included', () => {
    const stale = fields({ factorVerificationAge: [60, 60] });
    expect(hasAuthorization({ reverification: 'strict' }, stale)).toBe(false);
    expect(hasAuthorization({ reverification: 'strict', role: 'admin' }, stale)).toBe(false);
    expect(hasAuthorization({ reverification: 'strict', role: 'admin' }, { ...stale, grants: grants(['admin']) })).toBe(false);
    expect(hasAuthorization({ reverification: 'strict', role: 'admin' }, fields())).toBe(true);
  });

  it('refuses an asked value that is empty or not a string, even where a grant list holds it', () => {
    for (const check of [{ role: '' }, { permission: '' }, { feature: '' }, { plan: '' }]) {
      expect(hasAuthorization(check, { ...fields(), grants: { roles: [''], permissions: [''], features: [''], plans: [''] } })).toBe(false);
    }
    // Without grants too, where the fields hold nothing but the org: prefix that an empty value is compared as.
    expect(hasAuthorization({ role: '' }, fields({ orgRole: 'org:' }))).toBe(false);
    expect(hasAuthorization({ permission: '' }, fields({ orgPermissions: ['org:'] }))).toBe(false);
    expect(hasAuthorization({ role: 'org:' }, fields({ orgRole: 'org:' }))).toBe(true);
    expect(hasAuthorization({ role: 42 as unknown as string, permission: 'org:invoices:read' }, fields())).toBe(false);
    expect(hasAuthorization({ permission: 'org:invoices:read', role: null as unknown as string }, fields())).toBe(false);
  });

  it('asks for an organization for a role or a permission, not for features and plans', () => {
    const personal = fields({ orgId: null });
    expect(hasAuthorization({ role: 'admin' }, personal)).toBe(false);
    expect(hasAuthorization({ permission: 'org:invoices:read' }, personal)).toBe(false);
    expect(hasAuthorization({ feature: 'u:beta' }, personal)).toBe(true);
    expect(hasAuthorization({ plan: 'u:pro' }, personal)).toBe(true);
  });

  it('compares roles and permissions with or without the org: prefix, repeated prefixes too', () => {
    expect(hasAuthorization({ role: 'admin' }, fields())).toBe(true);
    expect(hasAuthorization({ role: 'org:org:admin' }, fields())).toBe(true);
    expect(hasAuthorization({ role: 'admin' }, fields({ orgRole: 'admin' }))).toBe(true);
    expect(hasAuthorization({ role: 'member' }, fields())).toBe(false);
    expect(hasAuthorization({ role: 'xorg:admin' }, fields({ orgRole: 'org:xorg:admin' }))).toBe(true);
    expect(hasAuthorization({ role: 'admin' }, fields({ orgRole: null }))).toBe(false);
    expect(hasAuthorization({ permission: 'invoices:read' }, fields())).toBe(true);
    expect(hasAuthorization({ permission: 'invoices:write' }, fields())).toBe(false);
    expect(hasAuthorization({ permission: 'invoices:read' }, fields({ orgPermissions: null }))).toBe(false);
  });

  it('reads the scope of a feature or plan: o, org, organization; u, user; either when none is named', () => {
    for (const feature of ['reports', 'o:reports', 'org:reports', 'organization:reports', 'both', 'u:both', 'o:both']) {
      expect([feature, hasAuthorization({ feature }, fields())]).toEqual([feature, true]);
    }
    for (const feature of ['beta', 'u:beta', 'user:beta']) expect([feature, hasAuthorization({ feature }, fields())]).toEqual([feature, true]);
    for (const feature of ['u:reports', 'user:reports', 'o:beta', 'x:reports', 'reports:o', ':odd', 'odd', 'missing']) {
      expect([feature, hasAuthorization({ feature }, fields())]).toEqual([feature, false]);
    }
    expect(hasAuthorization({ plan: 'user:pro' }, fields())).toBe(true);
    expect(hasAuthorization({ plan: 'organization:team' }, fields())).toBe(true);
    expect(hasAuthorization({ plan: 'org:pro' }, fields())).toBe(false);
    expect(hasAuthorization({ feature: 'reports' }, fields({ features: null }))).toBe(false);
  });

  it('needs every dimension asked to hold', () => {
    expect(hasAuthorization({ role: 'admin', feature: 'reports', plan: 'u:pro' }, fields())).toBe(true);
    expect(hasAuthorization({ role: 'admin', feature: 'reports', plan: 'o:pro' }, fields())).toBe(false);
    expect(hasAuthorization({ role: 'admin', permission: 'invoices:write' }, fields())).toBe(false);
    expect(hasAuthorization({ role: 'member', feature: 'reports' }, fields())).toBe(false);
  });

  it('with grants, checks them instead of the org-scoped fields', () => {
    expect(hasAuthorization({ role: 'editor' }, { ...fields({ orgId: null }), grants: grants(['editor']) })).toBe(true);
    expect(hasAuthorization({ role: 'admin' }, { ...fields(), grants: grants(['editor']) })).toBe(false);
  });
});
