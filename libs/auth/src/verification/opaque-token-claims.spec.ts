import { describe, expect, it } from '@jest/globals';
import { opaqueTokenClassifier, opaqueTokenType, isBearerTokenSyntax } from './opaque-token-type.js';
import { validateOpaqueClaims } from './opaque-token-claims.js';
import type { AuthError } from '../auth.errors.js';
import { toAuthError } from './token-verifier.js';

const NOW = new Date(Date.UTC(2026, 0, 1));
const exp = NOW.getTime() / 1000 + 300;
const rules = {
  issuer: ['https://as.example.com'],
  audience: ['https://api.example.com'],
  requiredClaims: ['exp', 'sub'],
  currentDate: NOW,
  clockTolerance: 5,
};
const good = { active: true, iss: 'https://as.example.com', aud: 'https://api.example.com', sub: 'alice', exp, scope: 'a b', client_id: 'spa' };

/** The AuthError validateOpaqueClaims refused the claims with; null when it accepted them. */
function refusalOf(claims: Record<string, unknown>, options: object): AuthError | null {
  try {
    validateOpaqueClaims(claims, options);
    return null;
  } catch (error) {
    return toAuthError(error);
  }
}

const reason = (claims: Record<string, unknown>, options: object = rules): string => refusalOf(claims, options)?.reason ?? 'accepted';
/** The message a refusal carries: what the 401 and the logs say. */
const messageOf = (claims: Record<string, unknown>, options: object = rules): string => refusalOf(claims, options)?.message ?? 'accepted';

describe('validateOpaqueClaims', () => {
  it('returns the claims without active', () => {
    expect(validateOpaqueClaims(good, rules)).toEqual({ iss: good.iss, aud: good.aud, sub: 'alice', exp, scope: 'a b', client_id: 'spa' });
  });

  it('checks iss, aud, exp, nbf and sub like a JWT', () => {
    expect(reason({ ...good, iss: 'https://other.example.com' })).toBe('token-invalid-issuer');
    expect(reason({ ...good, iss: undefined })).toBe('token-invalid-issuer');
    expect(reason({ ...good, aud: 'https://other.example.com' })).toBe('token-invalid-audience');
    expect(reason({ ...good, aud: ['x', 'https://api.example.com'] })).toBe('accepted');
    expect(reason({ ...good, exp: undefined })).toBe('token-invalid-claims');
    expect(reason({ ...good, exp: String(exp) })).toBe('token-invalid-claims');
    expect(reason({ ...good, exp: NOW.getTime() / 1000 - 10 })).toBe('token-expired');
    expect(reason({ ...good, exp: NOW.getTime() / 1000 - 2 })).toBe('accepted');
    expect(reason({ ...good, nbf: NOW.getTime() / 1000 + 60 })).toBe('token-not-active-yet');
    expect(reason({ ...good, sub: 42 })).toBe('token-invalid-claims');
    expect(reason({ ...good, sub: '' })).toBe('token-invalid-claims');
  });

  it('requires the RFC 7662 string members to be strings', () => {
    for (const name of ['scope', 'client_id', 'username', 'token_type']) {
      expect(reason({ ...good, [name]: ['x'] })).toBe('token-invalid-claims');
      expect(messageOf({ ...good, [name]: ['x'] })).toBe(`claim ${name} is not a string`);
    }
  });

  it('takes client_id as sub for a client-credentials token without sub, and refuses one with neither', () => {
    const { sub: _sub, ...noSub } = good;
    expect(validateOpaqueClaims(noSub, rules).sub).toBe('spa');
    const { client_id: _client, ...neither } = noSub;
    expect(reason(neither)).toBe('token-invalid-claims');
    // Neither, or an empty client_id: refused by the rule that sub is required, not taken as an empty sub.
    expect(messageOf(neither)).toBe('claim sub is missing');
    expect(messageOf({ ...neither, client_id: '' })).toBe('claim sub is missing');
    // Where sub is not required, a token without one passes.
    expect(reason(neither, { ...rules, requiredClaims: ['exp'] })).toBe('accepted');
  });

  it('says which rule refused a sub that is not a non-empty string', () => {
    expect(messageOf({ ...good, sub: 42 })).toBe('claim sub is not a non-empty string');
    expect(messageOf({ ...good, sub: '' })).toBe('claim sub is not a non-empty string');
  });

  it('keeps __proto__ and constructor as plain claims: no prototype pollution', () => {
    const raw = JSON.parse(`{"sub":"alice","exp":${exp},"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}`) as Record<string, unknown>;
    const claims = validateOpaqueClaims(raw, { requiredClaims: ['exp', 'sub'], currentDate: NOW }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
    expect(Object.hasOwn(claims, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect((claims as { admin?: unknown }).admin).toBeUndefined();
  });

  it('refuses claims that are not JSON', () => {
    expect(reason({ ...good, extra: () => 1 })).toBe('token-invalid-claims');
    expect(messageOf({ ...good, extra: 10n })).toBe('the claims are not a JSON object');
  });

  it('needs no iss or aud when none is configured', () => {
    expect(reason({ sub: 'svc', exp }, { requiredClaims: ['exp', 'sub'], currentDate: NOW })).toBe('accepted');
  });
});

describe('opaqueTokenType', () => {
  it("follows Clerk's prefixes, and is oauth_token otherwise", () => {
    expect(opaqueTokenType('mt_1')).toBe('m2m_token');
    expect(opaqueTokenType('ak_1')).toBe('api_key');
    expect(opaqueTokenType('oat_1')).toBe('oauth_token');
    expect(opaqueTokenType('Xk2mQ8-_')).toBe('oauth_token');
    expect(opaqueTokenType('MT_1')).toBe('oauth_token');
  });

  it("reads Clerk's prefixes only where asked to: otherwise every opaque token is an OAuth access token", () => {
    expect(['mt_1', 'ak_1', 'oat_1', 'x'].map(opaqueTokenClassifier(true))).toEqual(['m2m_token', 'api_key', 'oauth_token', 'oauth_token']);
    expect(['mt_1', 'ak_1', 'oat_1', 'x'].map(opaqueTokenClassifier(false))).toEqual(['oauth_token', 'oauth_token', 'oauth_token', 'oauth_token']);
  });

  it('accepts RFC 6750 b64token characters only', () => {
    expect(isBearerTokenSyntax('abc-._~+/9==')).toBe(true);
    for (const bad of ['', 'a b', 'a"b', 'a=b', 'é', 'a,b']) expect(isBearerTokenSyntax(bad)).toBe(false);
  });
});
