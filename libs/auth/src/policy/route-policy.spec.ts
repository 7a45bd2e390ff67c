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
});
