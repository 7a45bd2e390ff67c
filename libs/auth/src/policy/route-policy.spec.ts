import { describe, expect, it } from '@jest/globals';
import { routePolicy } from './route-policy.js';

describe('routePolicy', () => {
  it('stores issuer as a list of exact issuers, and refuses anything else naming the decorator', () => {
    expect(routePolicy('required', { issuer: 'https://a.example.com' })).toEqual({ mode: 'required', issuer: ['https://a.example.com'] });
    const list = ['https://a.example.com', 'https://b.example.com/'];
    const stored = routePolicy('optional', { issuer: list });
    expect(stored).toEqual({ mode: 'optional', issuer: list });
    expect(stored.issuer).not.toBe(list);
    for (const bad of ['', [], [''], [42], 42, { iss: 'x' }]) {
      expect(() => routePolicy('required', { issuer: bad as never })).toThrow(
        'nestjs-warden: @RequireAuth() { issuer } must be an issuer (the exact iss) or a non-empty list of them',
      );
    }
  });

  it('stores acceptsToken, the check, and the scopes for the challenge', () => {
    expect(routePolicy('required', undefined)).toEqual({ mode: 'required' });
    expect(routePolicy('required', { acceptsToken: 'm2m_token' })).toEqual({ mode: 'required', acceptsToken: 'm2m_token' });
    expect(routePolicy('required', { scope: 'a:read', scopes: ['b:write', 'a:read'], role: 'admin' })).toEqual({
      mode: 'required',
      check: { scope: 'a:read', scopes: ['b:write', 'a:read'], role: 'admin' },
      scopes: ['a:read', 'b:write'],
    });
    expect(routePolicy('optional', { acceptsToken: ['session_token', 'api_key'] })).toEqual({ mode: 'optional', acceptsToken: ['session_token', 'api_key'] });
  });

  it('stores the DPoP and mTLS modes of a route', () => {
    expect(routePolicy('required', { dpop: 'required' })).toEqual({ mode: 'required', dpop: 'required' });
    expect(routePolicy('optional', { dpop: 'off', mtls: 'allowed' })).toEqual({ mode: 'optional', dpop: 'off', mtls: 'allowed' });
  });

  it.each([
    ['an empty object', 'required', {}, /empty object/],
    ['an unknown key', 'required', { scopez: 'x' }, /"scopez"/],
    ['a check on @OptionalAuth()', 'optional', { role: 'admin' }, /@OptionalAuth\(\) takes \{ acceptsToken \| issuer \| dpop \| mtls \}/],
    ['a DPoP mode that is not one', 'required', { dpop: 'on' }, /@RequireAuth\(\) \{ dpop \} must be 'off', 'allowed' or 'required'/],
    ['an mTLS mode that is not one', 'optional', { mtls: true }, /@OptionalAuth\(\) \{ mtls \} must be/],
    ['a bad class', 'required', { acceptsToken: 'id_token' }, /acceptsToken/],
    ['an empty class list', 'required', { acceptsToken: [] }, /acceptsToken/],
    ['an empty role', 'required', { role: '' }, /role/],
    ['a scope with a space', 'required', { scope: 'a b' }, /scope tokens/],
    ['a scope with a quote', 'required', { scopes: ['a"b'] }, /scope tokens/],
    ['an empty scope list', 'required', { scopes: [] }, /non-empty list/],
    ['scopes that are not a list', 'required', { scopes: 'a' }, /non-empty list/],
    ['not an object', 'required', 'admin', /options object/],
  ])('refuses %s when the decorator is applied', (_name, mode, options, message) => {
    expect(() => routePolicy(mode as 'required' | 'optional', options as never)).toThrow(message);
  });

  it('a predicate on @RequireAuth() is stored as it is; @OptionalAuth() takes none', () => {
    const predicate = () => true;
    expect(routePolicy('required', predicate)).toEqual({ mode: 'required', predicate });
    expect(routePolicy('required', predicate).predicate).toBe(predicate);
    expect(() => routePolicy('optional', predicate as never)).toThrow('nestjs-warden: @OptionalAuth() takes an options object');
  });

  it('@OptionalAuth() without options, or with an empty object, stores the mode alone', () => {
    expect(routePolicy('optional', undefined)).toEqual({ mode: 'optional' });
    expect(routePolicy('optional', {})).toEqual({ mode: 'optional' });
  });

  it.each([null, ['role'], 42])('refuses %p as options, naming the decorator', (options) => {
    expect(() => routePolicy('required', options as never)).toThrow('nestjs-warden: @RequireAuth() takes an options object');
  });

  it('names every key the decorator takes, and at most 32 characters of the unknown one', () => {
    expect(() => routePolicy('required', { ['k'.repeat(40)]: 1 })).toThrow(
      `nestjs-warden: @RequireAuth() takes { role | permission | feature | plan | scope | scopes | reverification | acr | maxAgeSeconds | acceptsToken | issuer | dpop | mtls }, got "${'k'.repeat(32)}"`,
    );
    expect(() => routePolicy('optional', { role: 'admin' })).toThrow(
      'nestjs-warden: @OptionalAuth() takes { acceptsToken | issuer | dpop | mtls }, got "role"',
    );
    expect(() => routePolicy('required', {})).toThrow(
      'nestjs-warden: @RequireAuth() takes { role | permission | feature | plan | scope | scopes | reverification | acr | maxAgeSeconds | acceptsToken | issuer | dpop | mtls }, got an empty object',
    );
  });

  it('names the decorator and the option in the other messages', () => {
    expect(() => routePolicy('optional', { dpop: 'on' } as never)).toThrow("nestjs-warden: @OptionalAuth() { dpop } must be 'off', 'allowed' or 'required'");
    expect(() => routePolicy('required', { mtls: 'on' } as never)).toThrow("nestjs-warden: @RequireAuth() { mtls } must be 'off', 'allowed' or 'required'");
    expect(() => routePolicy('optional', { acceptsToken: 'id_token' } as never)).toThrow('nestjs-warden: @OptionalAuth() acceptsToken');
    expect(() => routePolicy('required', { permission: 5 } as never)).toThrow('nestjs-warden: @RequireAuth() { permission } must be a non-empty string');
    expect(() => routePolicy('required', { feature: '' })).toThrow('nestjs-warden: @RequireAuth() { feature } must be a non-empty string');
    expect(() => routePolicy('required', { plan: '' })).toThrow('nestjs-warden: @RequireAuth() { plan } must be a non-empty string');
    expect(() => routePolicy('required', { scopes: [] })).toThrow('nestjs-warden: @RequireAuth() { scopes } must be a non-empty list of scopes');
    expect(() => routePolicy('required', { scope: 'a"b' })).toThrow(
      'nestjs-warden: @RequireAuth() { scope, scopes } must be OAuth scope tokens (printable ASCII, no space, quote or backslash)',
    );
  });

  it('stores a reverification requirement (a preset resolved), and refuses one Clerk would not take', () => {
    expect(routePolicy('required', { reverification: 'strict' })).toEqual({ mode: 'required', reverification: { level: 'second_factor', afterMinutes: 10 } });
    expect(routePolicy('required', { reverification: { level: 'first_factor', afterMinutes: 30 } })).toEqual({
      mode: 'required',
      reverification: { level: 'first_factor', afterMinutes: 30 },
    });
    for (const bad of ['strictest', { level: 'first_factor', afterMinutes: 0 }]) {
      expect(() => routePolicy('required', { reverification: bad as never })).toThrow(
        "nestjs-warden: @RequireAuth() { reverification } must be 'strict_mfa', 'strict', 'moderate', 'lax' or { level, afterMinutes > 0 }",
      );
    }
  });

  it('stores a step-up requirement from acr, maxAgeSeconds or both', () => {
    expect(routePolicy('required', { acr: ['mfa'] })).toEqual({ mode: 'required', stepUp: { acr: ['mfa'] } });
    expect(routePolicy('required', { maxAgeSeconds: 0 })).toEqual({ mode: 'required', stepUp: { maxAgeSeconds: 0 } });
    expect(routePolicy('required', { acr: ['mfa'], maxAgeSeconds: 60, role: 'admin' })).toEqual({
      mode: 'required',
      stepUp: { acr: ['mfa'], maxAgeSeconds: 60 },
      check: { role: 'admin' },
    });
    expect(() => routePolicy('required', { maxAgeSeconds: -1 })).toThrow(/maxAgeSeconds/);
  });

  it('keeps a copy of the scopes asked, and the challenge scopes without repeats', () => {
    const scopes = ['b:write', 'b:write'];
    const policy = routePolicy('required', { scopes });
    expect(policy.check).toEqual({ scopes: ['b:write', 'b:write'] });
    expect(policy.check?.scopes).not.toBe(scopes);
    expect(policy.scopes).toEqual(['b:write']);
    expect(routePolicy('required', { permission: 'org:a:read' })).toStrictEqual({ mode: 'required', check: { permission: 'org:a:read' } });
  });
});
