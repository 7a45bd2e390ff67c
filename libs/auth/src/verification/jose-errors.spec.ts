import { describe, expect, it } from '@jest/globals';
import { errors } from 'jose';
import { AuthError } from '../auth.errors.js';
import { toAuthError } from './jose-errors.js';

const claimFailure = (claim: string, reason: 'check_failed' | 'missing' | 'invalid' | 'unparseable') =>
  new errors.JWTClaimValidationFailed(`secret detail of ${claim}`, {}, claim, reason);

describe('toAuthError', () => {
  it('keeps an AuthError as it is', () => {
    const error = new AuthError('token-revoked', 'revoked');
    expect(toAuthError(error)).toBe(error);
  });

  it.each([
    [new errors.JWTExpired('expired', {}, 'exp', 'check_failed'), 'token-expired', 'the token has expired'],
    [new errors.JWTExpired('too old', {}, 'iat', 'check_failed'), 'token-too-old', 'the token is older than maxTokenAgeInMs'],
    [claimFailure('nbf', 'check_failed'), 'token-not-active-yet', 'claim check failed: nbf'],
    [claimFailure('iss', 'check_failed'), 'token-invalid-issuer', 'claim check failed: iss'],
    [claimFailure('aud', 'check_failed'), 'token-invalid-audience', 'claim check failed: aud'],
    [claimFailure('typ', 'check_failed'), 'token-invalid-type', 'claim check failed: typ'],
    [claimFailure('iat', 'check_failed'), 'token-iat-in-the-future', 'claim check failed: iat'],
    [claimFailure('typ', 'invalid'), 'token-invalid-type', 'unexpected typ'],
    [claimFailure('aud', 'missing'), 'token-invalid-audience', 'the token has no aud'],
    [claimFailure('iss', 'missing'), 'token-invalid-issuer', 'the token has no iss'],
    // A wrongly typed time claim is invalid claims, never "expired" or "not active yet".
    [claimFailure('nbf', 'invalid'), 'token-invalid-claims', 'claim nbf is invalid'],
    [claimFailure('iat', 'invalid'), 'token-invalid-claims', 'claim iat is invalid'],
    [claimFailure('aud', 'invalid'), 'token-invalid-claims', 'claim aud is invalid'],
    [claimFailure('iss', 'invalid'), 'token-invalid-claims', 'claim iss is invalid'],
    [claimFailure('sub', 'missing'), 'token-invalid-claims', 'claim sub is missing'],
    [claimFailure('sid', 'check_failed'), 'token-invalid-claims', 'claim sid is check_failed'],
    [new errors.JOSEAlgNotAllowed('alg'), 'token-invalid-algorithm', 'the token algorithm is not allowed'],
    [new errors.JWSSignatureVerificationFailed(), 'token-invalid-signature', 'the token signature is invalid'],
    [new errors.JOSENotSupported('crit'), 'token-invalid', 'the token uses an unsupported feature'],
    [new TypeError('RSA key too small'), 'key-not-found', 'no usable key for the token'],
    [new errors.JWTInvalid('payload is not JSON'), 'token-invalid', 'the token is malformed'],
    [new Error('anything else'), 'token-invalid', 'the token is malformed'],
    ['a string', 'token-invalid', 'the token is malformed'],
  ])('maps %p to %s with a fixed message', (error, reason, message) => {
    const mapped = toAuthError(error);
    expect([mapped.reason, mapped.message]).toEqual([reason, message]);
  });

  it('names only safe claim names: another is "unknown"', () => {
    expect(toAuthError(claimFailure('x-"<script>', 'missing')).message).toBe('claim unknown is missing');
    expect(toAuthError(claimFailure('a'.repeat(33), 'missing')).message).toBe('claim unknown is missing');
    expect(toAuthError(claimFailure('a'.repeat(32), 'missing')).message).toBe(`claim ${'a'.repeat(32)} is missing`);
    expect(toAuthError(claimFailure('', 'missing')).message).toBe('claim unknown is missing');
  });
});
