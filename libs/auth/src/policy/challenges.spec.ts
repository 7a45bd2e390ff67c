import { describe, expect, it } from '@jest/globals';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { UseDpopNonceError } from '../verification/dpop/dpop-nonces.js';
import { unauthorizedHeaders } from './challenges.js';

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
});
