import { describe, expect, it } from '@jest/globals';
import { AuthError, AuthErrorReason, bearerChallenge } from './auth.errors.js';

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
});

describe('AuthError', () => {
  it('carries its reason', () => {
    const error = new AuthError(AuthErrorReason.TokenExpired, 'expired');
    expect(error).toBeInstanceOf(Error);
    expect(error.reason).toBe('token-expired');
    expect(error.name).toBe('AuthError');
  });
});
