import { describe, expect, it } from '@jest/globals';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { UseDpopNonceError } from '../verification/dpop/dpop-nonces.js';
import { dpopChallenge, unauthorizedHeaders } from './challenges.js';

const base = { realm: 'api', debug: false, dpopAlgorithms: ['ES256', 'EdDSA'] };
const err = (reason: AuthErrorReason) => new AuthError(reason);

describe('unauthorizedHeaders (RFC 6750 section 3, RFC 9449 section 7.1)', () => {
  it('DPoP off: Bearer alone, as before', () => {
    expect(unauthorizedHeaders(null, null, { ...base, dpop: 'off' })).toEqual({ 'WWW-Authenticate': 'Bearer realm="api"' });
    expect(unauthorizedHeaders(err(AuthErrorReason.TokenExpired), 'bearer', { ...base, dpop: 'off' })).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"',
    });
    expect(unauthorizedHeaders(err(AuthErrorReason.DpopBoundTokenAsBearer), 'bearer', { ...base, dpop: 'off' })).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"',
    });
    expect(unauthorizedHeaders(err(AuthErrorReason.DpopProofInvalid), 'dpop', { ...base, dpop: 'off' })).toEqual({ 'WWW-Authenticate': 'Bearer realm="api"' });
  });

  it('DPoP allowed: both schemes; the error on the one the request used, or on DPoP for a proof', () => {
    const allowed = { ...base, dpop: 'allowed' as const };
    expect(unauthorizedHeaders(null, null, allowed)['WWW-Authenticate']).toBe('Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA"');
    expect(unauthorizedHeaders(err(AuthErrorReason.TokenExpired), 'bearer', allowed)['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", DPoP realm="api", algs="ES256 EdDSA"',
    );
    expect(unauthorizedHeaders(err(AuthErrorReason.TokenExpired), 'dpop', allowed)['WWW-Authenticate']).toBe(
      'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA", error="invalid_token"',
    );
    expect(unauthorizedHeaders(err(AuthErrorReason.DpopProofReplayed), 'dpop', { ...allowed, debug: true })['WWW-Authenticate']).toBe(
      'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA", error="invalid_dpop_proof", error_description="dpop-proof-replayed"',
    );
    expect(unauthorizedHeaders(err(AuthErrorReason.DpopBoundTokenAsBearer), 'bearer', allowed)['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", DPoP realm="api", algs="ES256 EdDSA"',
    );
  });

  it('DPoP required: the DPoP challenge alone; a bearer token there is an unsupported scheme (no error code)', () => {
    const required = { ...base, dpop: 'required' as const };
    expect(unauthorizedHeaders(err(AuthErrorReason.DpopRequired), 'bearer', required)).toEqual({ 'WWW-Authenticate': 'DPoP realm="api", algs="ES256 EdDSA"' });
    expect(unauthorizedHeaders(err(AuthErrorReason.DpopKeyMismatch), 'dpop', required)).toEqual({
      'WWW-Authenticate': 'DPoP realm="api", algs="ES256 EdDSA", error="invalid_token"',
    });
  });

  it('use_dpop_nonce comes with the nonce to retry with', () => {
    expect(unauthorizedHeaders(new UseDpopNonceError('0.abc'), 'dpop', { ...base, dpop: 'required' })).toEqual({
      'WWW-Authenticate': 'DPoP realm="api", algs="ES256 EdDSA", error="use_dpop_nonce"',
      'DPoP-Nonce': '0.abc',
    });
  });

  it.each([
    AuthErrorReason.TokenMissing,
    AuthErrorReason.TokenSchemeNotBearer,
    AuthErrorReason.SessionPending,
    AuthErrorReason.DpopRequired,
    AuthErrorReason.DpopNotAllowed,
  ])('%s says nothing about the token: no error code on either scheme, even in debug mode', (reason) => {
    const settings = { ...base, debug: true };
    expect(unauthorizedHeaders(err(reason), 'dpop', { ...settings, dpop: 'off' })).toEqual({ 'WWW-Authenticate': 'Bearer realm="api"' });
    expect(unauthorizedHeaders(err(reason), 'dpop', { ...settings, dpop: 'allowed' })).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA"',
    });
  });

  it.each([
    AuthErrorReason.DpopProofMissing,
    AuthErrorReason.DpopProofInvalid,
    AuthErrorReason.DpopProofMismatch,
    AuthErrorReason.DpopProofStale,
    AuthErrorReason.DpopProofReplayed,
  ])('%s is about the proof: invalid_dpop_proof on the DPoP challenge, whatever scheme the request used', (reason) => {
    expect(unauthorizedHeaders(err(reason), 'bearer', { ...base, debug: true, dpop: 'allowed' })).toEqual({
      'WWW-Authenticate': `Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA", error="invalid_dpop_proof", error_description="${reason}"`,
    });
  });

  it('DPoP off: no DPoP-Nonce header and no error for a nonce refusal (DPoP is not taken here)', () => {
    expect(unauthorizedHeaders(new UseDpopNonceError('0.abc'), 'dpop', { ...base, debug: true, dpop: 'off' })).toEqual({
      'WWW-Authenticate': 'Bearer realm="api"',
    });
  });

  it('DPoP off, debug: the reason of a token error as error_description', () => {
    expect(unauthorizedHeaders(err(AuthErrorReason.TokenExpired), 'bearer', { ...base, debug: true, dpop: 'off' })).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", error="invalid_token", error_description="token-expired"',
    });
  });

  it('DPoP allowed, debug: a token error of a bearer request carries its description on the Bearer challenge', () => {
    expect(unauthorizedHeaders(err(AuthErrorReason.TokenExpired), 'bearer', { ...base, debug: true, dpop: 'allowed' })['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="token-expired", DPoP realm="api", algs="ES256 EdDSA"',
    );
  });

  it('DPoP required: a token error of a bearer request goes on the DPoP challenge (the only one)', () => {
    expect(unauthorizedHeaders(err(AuthErrorReason.TokenExpired), 'bearer', { ...base, debug: true, dpop: 'required' })).toEqual({
      'WWW-Authenticate': 'DPoP realm="api", algs="ES256 EdDSA", error="invalid_token", error_description="token-expired"',
    });
    expect(unauthorizedHeaders(null, null, { ...base, dpop: 'required' })).toEqual({ 'WWW-Authenticate': 'DPoP realm="api", algs="ES256 EdDSA"' });
  });
});

describe('dpopChallenge', () => {
  it('the realm when it can be quoted, else "api"', () => {
    expect(dpopChallenge('my realm!', ['ES256'])).toBe('DPoP realm="my realm!", algs="ES256"');
    expect(dpopChallenge('', ['ES256'])).toBe('DPoP realm="", algs="ES256"');
    for (const bad of ['a"b', 'a\\b', 'a\nb', 'caf\u00e9', '\x7F']) expect(dpopChallenge(bad, ['ES256'])).toBe('DPoP realm="api", algs="ES256"');
  });

  it('the description only with an error, and only when it can be quoted', () => {
    expect(dpopChallenge('api', ['ES256', 'PS256'], 'invalid_token', 'token-expired')).toBe(
      'DPoP realm="api", algs="ES256 PS256", error="invalid_token", error_description="token-expired"',
    );
    expect(dpopChallenge('api', ['ES256'], undefined, 'token-expired')).toBe('DPoP realm="api", algs="ES256"');
    expect(dpopChallenge('api', ['ES256'], 'invalid_token', 'a"b')).toBe('DPoP realm="api", algs="ES256", error="invalid_token"');
    expect(dpopChallenge('api', ['ES256'], 'invalid_token', '')).toBe('DPoP realm="api", algs="ES256", error="invalid_token"');
  });
});
