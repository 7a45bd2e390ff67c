import { describe, expect, it } from '@jest/globals';
import { signedOutVerification, type Verification } from '../verification/verification.js';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { sentWithAnotherScheme, withSchemeReason } from './token-scheme.js';

const options = { tokenSources: ['header', 'cookie'] as const, headerName: 'authorization', cookieName: '__session' };

describe('sentWithAnotherScheme', () => {
  it.each([['Token abc'], ['Basic dXNlcjpwYXNz'], ['eyJhbGciOi.x.y'], [['Digest x', 'Bearer y']], ['xBearer abc'], ['Token Bearer abc'], ['\tx Bearer abc']])(
    'is true for %j',
    (value) => {
      expect(sentWithAnotherScheme({ authorization: value }, options)).toBe(true);
    },
  );
  it.each([[undefined], [''], ['   '], ['Bearer'], ['bearer '], ['Bearer abc'], [' \t Bearer abc'], ['BEARER\tabc']])('is false for %j', (value) => {
    expect(sentWithAnotherScheme({ authorization: value }, options)).toBe(false);
  });
  it('is false when the header is not a token source', () => {
    expect(sentWithAnotherScheme({ authorization: 'Token abc' }, { ...options, tokenSources: ['cookie'] })).toBe(false);
  });
});

describe('withSchemeReason', () => {
  it('turns token-missing into token-scheme-not-bearer, still without a token present', () => {
    const result = withSchemeReason(signedOutVerification(new AuthError(AuthErrorReason.TokenMissing), false));
    expect([result.error?.reason, result.error?.message, result.tokenPresent, result.auth.isAuthenticated]).toEqual([
      'token-scheme-not-bearer',
      'the token header does not use the Bearer scheme',
      false,
      false,
    ]);
  });
  it('leaves any other result alone', () => {
    const invalid = signedOutVerification(new AuthError(AuthErrorReason.TokenInvalid), true);
    expect(withSchemeReason(invalid)).toBe(invalid);
    const signedIn = { auth: { isAuthenticated: true }, error: null, tokenPresent: true } as unknown as Verification;
    expect(withSchemeReason(signedIn)).toBe(signedIn);
  });
});
