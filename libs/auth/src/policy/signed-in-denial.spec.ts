import { beforeEach, describe, expect, it } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { signedInAuthObject, type SignedInAuthObject } from '../auth-object/auth-object.js';
import { readSessionFields } from '../auth-object/claims.js';
import { clerkSessionClaims } from '../testing/index.js';
import type { AuthPolicy } from './route-policy.js';
import { signedInDenial, type SignedInRules } from './signed-in-denial.js';

const NOW_S = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;
/** Realm "api", not debug, the time at NOW, a skew of 2 s. */
const rules: SignedInRules = { realm: 'api', debug: false, now: NOW_S * 1000, clockSkewInMs: 2000 };
const FORBIDDEN = 'Bearer realm="api", error="insufficient_scope"';

/** A signed-in session of an org admin, second factor verified 5 minutes ago, authenticated 100 s ago with acr "mfa". */
function session(extra: JWTPayload = {}): SignedInAuthObject {
  const claims = { ...clerkSessionClaims({ org: { id: 'org_1', role: 'admin' } }), fva: [5, 5], auth_time: NOW_S - 100, acr: 'mfa', ...extra };
  return signedInAuthObject(claims, readSessionFields(claims), 't');
}

let auth: SignedInAuthObject;
beforeEach(() => {
  auth = session();
});

describe('signedInDenial: nothing asked', () => {
  it('lets a signed-in caller through on a route that asks nothing more', () => {
    expect(signedInDenial({ mode: 'required' }, auth, rules)).toBeNull();
  });
});

describe('signedInDenial: @RequireAuth(has => …)', () => {
  it('a predicate that returns true lets through; it asks the auth object through has()', () => {
    expect(auth.has({ role: 'org:admin' })).toBe(true);
    expect(signedInDenial({ mode: 'required', predicate: (has) => has({ role: 'org:admin' }) }, auth, rules)).toBeNull();
  });

  it('a predicate that returns false is a 403 without a scope', () => {
    const denial = signedInDenial({ mode: 'required', predicate: (has) => has({ role: 'org:billing' }) }, auth, rules);
    expect(denial).toEqual({ status: 403, reason: 'insufficient-scope', headers: { 'WWW-Authenticate': FORBIDDEN } });
  });

  it('only true lets through: a truthy value that is not true refuses', () => {
    const policy = { mode: 'required', predicate: (() => 1) as never } as AuthPolicy;
    expect(signedInDenial(policy, auth, rules)?.status).toBe(403);
  });

  it('a predicate that throws refuses (403), never a 500 and never a pass', () => {
    const predicate = () => {
      throw new Error('bug in the predicate');
    };
    expect(signedInDenial({ mode: 'required', predicate }, auth, { ...rules, debug: true })).toEqual({
      status: 403,
      reason: 'insufficient-scope',
      headers: { 'WWW-Authenticate': 'Bearer realm="api", error="insufficient_scope", error_description="insufficient-scope"' },
    });
  });

  it('the predicate is asked before the check: its refusal names no scope', () => {
    const policy: AuthPolicy = { mode: 'required', predicate: () => false, check: { scope: 'a:read' }, scopes: ['a:read'] };
    expect(signedInDenial(policy, auth, rules)?.headers['WWW-Authenticate']).toBe(FORBIDDEN);
  });
});

describe('signedInDenial: the check (has())', () => {
  it("a check has() grants lets through; one it refuses is a 403 naming the route's scopes", () => {
    expect(signedInDenial({ mode: 'required', check: { role: 'org:admin' } }, auth, rules)).toBeNull();
    const policy: AuthPolicy = { mode: 'required', check: { scope: 'a:read' }, scopes: ['a:read'] };
    expect(signedInDenial(policy, auth, rules)).toEqual({
      status: 403,
      reason: 'insufficient-scope',
      headers: { 'WWW-Authenticate': 'Bearer realm="api", error="insufficient_scope", scope="a:read"' },
    });
  });
});

describe('signedInDenial: Clerk reverification', () => {
  const strict = { level: 'second_factor' as const, afterMinutes: 10 };

  it('met (second factor 5 minutes ago, under 10): through; not met: 403 with the clerk_error body', () => {
    expect(signedInDenial({ mode: 'required', reverification: strict }, auth, rules)).toBeNull();
    const stale = session({ fva: [30, 30] });
    expect(signedInDenial({ mode: 'required', reverification: strict }, stale, rules)).toEqual({
      status: 403,
      reason: 'reverification-required',
      headers: {},
      clerkError: { type: 'forbidden', reason: 'reverification-error', metadata: { reverification: strict } },
    });
  });

  it('after the check: a refused check is the 403 insufficient_scope, even when reverification is not met either', () => {
    const stale = session({ fva: [30, 30] });
    const denial = signedInDenial({ mode: 'required', check: { role: 'org:billing' }, reverification: strict }, stale, rules);
    expect(denial?.reason).toBe('insufficient-scope');
  });
});

describe('signedInDenial: RFC 9470 step-up', () => {
  it('auth_time exactly maxAgeSeconds ago (at now, in ms) passes; one second more is 401 insufficient_user_authentication', () => {
    expect(signedInDenial({ mode: 'required', stepUp: { maxAgeSeconds: 100 } }, auth, rules)).toBeNull();
    expect(signedInDenial({ mode: 'required', stepUp: { maxAgeSeconds: 99 } }, auth, rules)).toEqual({
      status: 401,
      reason: 'insufficient-user-authentication',
      headers: { 'WWW-Authenticate': 'Bearer realm="api", error="insufficient_user_authentication", max_age=99' },
      stepUp: { maxAgeSeconds: 99 },
    });
  });

  it('an auth_time in the future within the skew (in ms) passes, beyond it is refused', () => {
    const policy: AuthPolicy = { mode: 'required', stepUp: { maxAgeSeconds: 300 } };
    expect(signedInDenial(policy, session({ auth_time: NOW_S + 2 }), rules)).toBeNull();
    expect(signedInDenial(policy, session({ auth_time: NOW_S + 3 }), rules)?.status).toBe(401);
  });

  it('acr: in the list passes, another is refused; the reason in debug mode', () => {
    expect(signedInDenial({ mode: 'required', stepUp: { acr: ['mfa'] } }, auth, rules)).toBeNull();
    expect(signedInDenial({ mode: 'required', stepUp: { acr: ['phr'] } }, auth, { ...rules, debug: true })?.headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="insufficient_user_authentication", error_description="insufficient-user-authentication", acr_values="phr"',
    );
  });

  it('after reverification: reverification not met is the 403 even when step-up is not met either', () => {
    const stale = session({ fva: [30, 30], acr: 'pwd' });
    const policy: AuthPolicy = { mode: 'required', reverification: { level: 'second_factor', afterMinutes: 10 }, stepUp: { acr: ['mfa'] } };
    expect(signedInDenial(policy, stale, rules)?.reason).toBe('reverification-required');
  });
});
