import { describe, expect, it } from '@jest/globals';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import {
  forbiddenDenial,
  GRAPHQL_ERROR_CODES,
  reverificationDenial,
  stepUpDenial,
  unauthorizedDenial,
  unavailableDenial,
  UNAVAILABLE_MESSAGE,
  type RouteChallenge,
} from './denials.js';

const claimsError = (message: string) => new AuthError(AuthErrorReason.TokenInvalidClaims, message);

describe('unauthorizedDenial (401)', () => {
  it('no error: token-missing, a Bearer challenge without an error code', () => {
    expect(unauthorizedDenial(null, 'api', false)).toStrictEqual({
      status: 401,
      reason: 'token-missing',
      headers: { 'WWW-Authenticate': 'Bearer realm="api"' },
    });
  });

  it('without a route challenge: Bearer only, whatever the reason', () => {
    expect(unauthorizedDenial(new AuthError(AuthErrorReason.TokenExpired), 'app', true)).toStrictEqual({
      status: 401,
      reason: 'token-expired',
      headers: { 'WWW-Authenticate': 'Bearer realm="app", error="invalid_token", error_description="token-expired"' },
    });
  });

  it("with a route challenge: its DPoP mode and algorithms, and the request's scheme", () => {
    const challenge: RouteChallenge = { dpop: 'allowed', dpopAlgorithms: ['ES256'], scheme: 'dpop' };
    expect(unauthorizedDenial(new AuthError(AuthErrorReason.TokenExpired), 'api', false, challenge).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", DPoP realm="api", algs="ES256", error="invalid_token"',
    });
    expect(unauthorizedDenial(new AuthError(AuthErrorReason.TokenExpired), 'api', false, { ...challenge, scheme: null }).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", error="invalid_token", DPoP realm="api", algs="ES256"',
    });
  });

  it('debug mode, token-invalid-claims: the detail naming the claim', () => {
    const denial = unauthorizedDenial(claimsError('claim "scopes" must be a string'), 'api', true);
    expect(denial).toStrictEqual({
      detail: 'claim "scopes" must be a string',
      status: 401,
      reason: 'token-invalid-claims',
      headers: { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token", error_description="token-invalid-claims"' },
    });
  });

  it('no detail outside debug mode, nor for another reason', () => {
    expect(unauthorizedDenial(claimsError('claim "scopes" must be a string'), 'api', false)).not.toHaveProperty('detail');
    expect(unauthorizedDenial(new AuthError(AuthErrorReason.TokenExpired, 'the token has expired'), 'api', true)).not.toHaveProperty('detail');
  });

  it('a detail is printable ASCII from 1 to 160 characters, and nothing else', () => {
    const detail = (message: string) => unauthorizedDenial(claimsError(message), 'api', true).detail;
    expect(detail('x')).toBe('x');
    expect(detail(' ~')).toBe(' ~');
    expect(detail('a'.repeat(160))).toBe('a'.repeat(160));
    expect(detail('a'.repeat(161))).toBeUndefined();
    expect(detail('')).toBeUndefined();
    for (const bad of ['claim\n', '\nclaim', 'claim é', 'tab\there', '\x7F', '\x1F']) expect(detail(bad)).toBeUndefined();
  });
});

describe('forbiddenDenial (403)', () => {
  it('insufficient_scope in the realm; the reason in debug mode; the scopes the route needs', () => {
    expect(forbiddenDenial('api', false)).toStrictEqual({
      status: 403,
      reason: 'insufficient-scope',
      headers: { 'WWW-Authenticate': 'Bearer realm="api", error="insufficient_scope"' },
    });
    expect(forbiddenDenial('app', true, ['a:read', 'b:write']).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="app", error="insufficient_scope", error_description="insufficient-scope", scope="a:read b:write"',
    });
  });
});

describe('unavailableDenial (503)', () => {
  const retryAfter = (hint: number | undefined, fallback: number) =>
    unavailableDenial(new AuthError(AuthErrorReason.KeysUnavailable, 'down', hint), fallback).headers['Retry-After'];

  it("the error's hint, else the fallback, in whole seconds rounded up, at least 1", () => {
    expect(unavailableDenial(new AuthError(AuthErrorReason.KeysUnavailable, 'down', 7), 30)).toStrictEqual({
      status: 503,
      reason: 'keys-unavailable',
      headers: { 'Retry-After': '7' },
    });
    expect(retryAfter(undefined, 30)).toBe('30');
    expect(retryAfter(2.1, 30)).toBe('3');
    expect(retryAfter(undefined, 0.2)).toBe('1');
    expect(retryAfter(0, 30)).toBe('1');
    expect(retryAfter(-5, 30)).toBe('1');
  });

  it('a hint that is not a finite number is 1 second', () => {
    expect(retryAfter(Infinity, 30)).toBe('1');
    expect(retryAfter(undefined, NaN)).toBe('1');
  });

  it('the reason is the error reason', () => {
    expect(unavailableDenial(new AuthError(AuthErrorReason.RevocationUnavailable, 'down', 5), 1).reason).toBe('revocation-unavailable');
  });
});

describe('reverificationDenial (403, Clerk)', () => {
  it("Clerk's clerk_error body, no header", () => {
    expect(reverificationDenial({ level: 'multi_factor', afterMinutes: 10 })).toStrictEqual({
      status: 403,
      reason: 'reverification-required',
      headers: {},
      clerkError: { type: 'forbidden', reason: 'reverification-error', metadata: { reverification: { level: 'multi_factor', afterMinutes: 10 } } },
    });
  });
});

describe('stepUpDenial (401, RFC 9470)', () => {
  it('the acr values and max age required, in the challenge and for other transports', () => {
    expect(stepUpDenial('api', { acr: ['mfa', 'phr'], maxAgeSeconds: 0 }, false)).toStrictEqual({
      status: 401,
      reason: 'insufficient-user-authentication',
      headers: { 'WWW-Authenticate': 'Bearer realm="api", error="insufficient_user_authentication", acr_values="mfa phr", max_age=0' },
      stepUp: { acr: ['mfa', 'phr'], maxAgeSeconds: 0 },
    });
  });

  it('only what the route requires; the reason in debug mode', () => {
    expect(stepUpDenial('api', { acr: ['mfa'] }, true)).toStrictEqual({
      status: 401,
      reason: 'insufficient-user-authentication',
      headers: {
        'WWW-Authenticate':
          'Bearer realm="api", error="insufficient_user_authentication", error_description="insufficient-user-authentication", acr_values="mfa"',
      },
      stepUp: { acr: ['mfa'] },
    });
    expect(stepUpDenial('api', { maxAgeSeconds: 60 }, false).stepUp).toStrictEqual({ maxAgeSeconds: 60 });
  });

  it("a copy of the route's acr list", () => {
    const acr = ['mfa'];
    const denial = stepUpDenial('api', { acr }, false);
    expect(denial.stepUp?.acr).not.toBe(acr);
  });
});

describe('transport constants', () => {
  it('the GraphQL codes of each status, and the 503 text', () => {
    expect(GRAPHQL_ERROR_CODES).toStrictEqual({ 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 503: 'SERVICE_UNAVAILABLE' });
    expect(UNAVAILABLE_MESSAGE).toBe('Authentication is temporarily unavailable; retry later');
  });
});
