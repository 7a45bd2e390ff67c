import { describe, expect, it } from '@jest/globals';
import { bearerChallenge } from '../auth.errors.js';
import { hasAuthorization } from './auth-object.js';
import { readSessionFields } from './claims.js';

describe('scopes of sessions and the challenge', () => {
  it('has({ scope }) on a session reads scp / scope of the token', () => {
    const fields = { ...readSessionFields({ sub: 'u' }), scopes: ['profile', 'invoices:read'] };
    expect(hasAuthorization({ scope: 'invoices:read' }, fields)).toBe(true);
    expect(hasAuthorization({ scopes: ['profile', 'invoices:read'] }, fields)).toBe(true);
    expect(hasAuthorization({ scope: 'invoices:write' }, fields)).toBe(false);
    expect(hasAuthorization({ scope: 'invoices:read' }, readSessionFields({ sub: 'u' }))).toBe(false);
  });

  it('names the needed scopes in an insufficient_scope challenge, only valid scope tokens', () => {
    expect(bearerChallenge({ realm: 'api', error: 'insufficient_scope', scopes: ['invoices:read'] })).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="invoices:read"',
    );
    expect(bearerChallenge({ realm: 'api', error: 'insufficient_scope', scopes: ['a', 'b'] })).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="a b"',
    );
    expect(bearerChallenge({ realm: 'api', error: 'insufficient_scope', scopes: ['a"b'] })).toBe('Bearer realm="api", error="insufficient_scope"');
    expect(bearerChallenge({ realm: 'api', error: 'invalid_token', scopes: ['a'] })).toBe('Bearer realm="api", error="invalid_token"');
  });
});
