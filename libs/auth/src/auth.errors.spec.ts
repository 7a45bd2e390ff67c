import { describe, expect, it } from '@jest/globals';
import { AuthError, AuthErrorReason, bearerChallenge, isUnavailable } from './auth.errors.js';

describe('bearerChallenge', () => {
  it('has only the realm when no token was sent', () => {
    expect(bearerChallenge({ realm: 'api' })).toBe('Bearer realm="api"');
  });

  it('adds the error code and a description in RFC 6750 characters', () => {
    expect(bearerChallenge({ realm: 'api', error: 'invalid_token', description: 'token-expired' })).toBe(
      'Bearer realm="api", error="invalid_token", error_description="token-expired"',
    );
  });

  it('drops a description with quotes or backslashes, and a realm that would break the header', () => {
    expect(bearerChallenge({ realm: 'a"b', error: 'invalid_token', description: 'x"\\y' })).toBe('Bearer realm="api", error="invalid_token"');
  });

  it('names the scopes of insufficient_scope only when every one is an RFC 6749 scope token', () => {
    const challenge = (scopes: readonly string[]) => bearerChallenge({ realm: 'api', error: 'insufficient_scope', scopes });
    expect(challenge(['a:read', 'b:write'])).toBe('Bearer realm="api", error="insufficient_scope", scope="a:read b:write"');
    // One scope that would break the header drops them all: a partial list would mislead the client.
    expect(challenge(['a:read', 'b"write'])).toBe('Bearer realm="api", error="insufficient_scope"');
    expect(challenge(['a:read', 'b write'])).toBe('Bearer realm="api", error="insufficient_scope"');
    expect(challenge([])).toBe('Bearer realm="api", error="insufficient_scope"');
    expect(bearerChallenge({ realm: 'api', error: 'invalid_token', scopes: ['a:read'] })).toBe('Bearer realm="api", error="invalid_token"');
  });
});

describe('AuthError', () => {
  it('carries its reason', () => {
    const error = new AuthError(AuthErrorReason.TokenExpired, 'expired');
    expect(error).toBeInstanceOf(Error);
    expect(error.reason).toBe('token-expired');
    expect(error.name).toBe('AuthError');
  });
});

describe('isUnavailable', () => {
  it('is true for the five reasons answered 503, false for every other reason and for no error', () => {
    const unavailable = ['keys-unavailable', 'introspection-unavailable', 'revocation-unavailable', 'issuer-unavailable', 'dpop-replay-unavailable'];
    for (const reason of Object.values(AuthErrorReason)) expect([reason, isUnavailable(new AuthError(reason))]).toEqual([reason, unavailable.includes(reason)]);
    expect(isUnavailable(null)).toBe(false);
    expect(isUnavailable(undefined)).toBe(false);
  });
});
