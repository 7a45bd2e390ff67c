import { beforeEach, describe, expect, it } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { signedInAuthObject, signedOutAuthObject } from '../auth-object/auth-object.js';
import type { AuthResult } from '../auth-object/auth-result.js';
import { readSessionFields } from '../auth-object/claims.js';
import { machineAuthObject } from '../auth-object/machine-auth-object.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import type { IssuerConfig } from '../config/resolved-options.js';
import { buildVerifiedToken, type VerifiedToken } from './verified-token.js';
import { asVerification, presentedVerification, signedOutVerification, verifiedVerification, withClientUat, type Verification } from './verification.js';

const NOW_S = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;
const claims: JWTPayload = { iss: 'https://a.example.com', sub: 'user_1', sid: 'sess_1', iat: NOW_S, exp: NOW_S + 60 };

let issuer: IssuerConfig;
let verified: VerifiedToken;
beforeEach(() => {
  issuer = resolveAuthOptions({ issuer: 'https://a.example.com', secret: 'a-shared-secret-of-at-least-32-bytes!!' }).issuers.entries[0];
  verified = buildVerifiedToken(issuer, 'the.token.jws', 'session_token', { ...claims });
});

describe('signedOutVerification', () => {
  it('with nothing known of the token: nulls everywhere, the error and whether a token was sent; frozen', () => {
    const error = new AuthError(AuthErrorReason.TokenMissing, 'no token');
    const v = signedOutVerification(error, false);
    expect(v).toEqual({
      auth: expect.objectContaining({ isAuthenticated: false, userId: null }),
      error,
      tokenPresent: false,
      token: null,
      source: null,
      issuer: null,
      tokenType: null,
      claims: null,
      cacheHit: false,
      scheme: null,
      proof: null,
      clientUat: null,
    });
    expect(v.auth.isAuthenticated).toBe(false);
    expect(Object.isFrozen(v)).toBe(true);
  });

  it('keeps what is known of the refused token: the token, where it was found, the issuer; a header token is a bearer token', () => {
    const error = new AuthError(AuthErrorReason.TokenExpired, 'expired');
    const v = signedOutVerification(error, true, { token: 't', source: 'header', issuer });
    expect([v.token, v.source, v.issuer, v.scheme, v.tokenPresent, v.error]).toEqual(['t', 'header', issuer, 'bearer', true, error]);
    expect(v.auth.debug()).toMatchObject({ reason: AuthErrorReason.TokenExpired, tokenPresent: true });
  });

  it('a cookie has no scheme; a scheme given wins over the source', () => {
    expect(signedOutVerification(null, true, { token: 't', source: 'cookie' }).scheme).toBeNull();
    expect(signedOutVerification(null, true, { token: 't', source: 'header', scheme: 'dpop' }).scheme).toBe('dpop');
    expect(signedOutVerification(null, true, { scheme: 'dpop' }).scheme).toBe('dpop');
  });
});

describe('verifiedVerification', () => {
  it('the signed-in verification of a verified token, found at its source; frozen', () => {
    const v = verifiedVerification(verified, 'header', false);
    expect(v).toEqual({
      auth: verified.auth,
      error: null,
      tokenPresent: true,
      token: 'the.token.jws',
      source: 'header',
      issuer,
      tokenType: 'session_token',
      claims: verified.claims,
      cacheHit: false,
      scheme: 'bearer',
      proof: null,
      clientUat: null,
    });
    expect(v.auth).toBe(verified.auth);
    expect(Object.isFrozen(v)).toBe(true);
  });

  it('says whether the cache answered, and gives a cookie (or no source) no scheme', () => {
    expect(verifiedVerification(verified, 'cookie', true)).toMatchObject({ cacheHit: true, source: 'cookie', scheme: null });
    expect(verifiedVerification(verified, null, true)).toMatchObject({ cacheHit: true, source: null, scheme: null });
  });
});

describe('presentedVerification', () => {
  let v: Verification;
  beforeEach(() => {
    v = verifiedVerification(verified, 'header', false);
  });

  it('the same object when the scheme and proof do not change (a bearer token)', () => {
    expect(presentedVerification(v, 'bearer', null)).toBe(v);
  });

  it('a new frozen object with the scheme and the proof, the rest unchanged', () => {
    const dpop = presentedVerification(v, 'dpop', 'the.proof');
    expect(dpop).not.toBe(v);
    expect(dpop).toEqual({ ...v, scheme: 'dpop', proof: 'the.proof' });
    expect(Object.isFrozen(dpop)).toBe(true);
  });

  it('a new object when only the scheme, or only the proof, changes', () => {
    expect(presentedVerification(v, 'dpop', null)).toEqual({ ...v, scheme: 'dpop', proof: null });
    const proved = presentedVerification(v, 'dpop', 'p1');
    expect(presentedVerification(proved, 'dpop', 'p2')).toEqual({ ...v, scheme: 'dpop', proof: 'p2' });
    expect(presentedVerification(proved, 'dpop', 'p1')).toBe(proved);
  });
});

describe('withClientUat', () => {
  let v: Verification;
  beforeEach(() => {
    v = verifiedVerification(verified, 'cookie', false);
  });

  it('the same object with no __client_uat to add (undefined or null), or the same one', () => {
    expect(withClientUat(v, undefined)).toBe(v);
    expect(withClientUat(v, null)).toBe(v);
    const with5 = withClientUat(v, 5);
    expect(withClientUat(with5, 5)).toBe(with5);
    expect(withClientUat(with5, null)).toBe(with5);
    expect(withClientUat(with5, undefined)).toBe(with5);
  });

  it('a new frozen object with the value otherwise (0 included: the client is signed out)', () => {
    const with0 = withClientUat(v, 0);
    expect(with0).toEqual({ ...v, clientUat: 0 });
    expect(Object.isFrozen(with0)).toBe(true);
    expect(withClientUat(with0, 7)).toEqual({ ...v, clientUat: 7 });
  });
});

describe('asVerification', () => {
  it('a verification is returned as it is', () => {
    const v = verifiedVerification(verified, 'header', true);
    expect(asVerification(v, 'other', 'cookie', null)).toBe(v);
    const out = signedOutVerification(null, false);
    expect(asVerification(out, 't', 'header')).toBe(out);
  });

  it.each(['cacheHit', 'issuer', 'source', 'tokenType', 'scheme'])('a result without %s is not a verification: one is made from it', (key) => {
    const v = verifiedVerification(verified, 'header', true);
    const partial = Object.fromEntries(Object.entries(v).filter(([name]) => name !== key)) as unknown as AuthResult;
    const made = asVerification(partial, 'guard.token', 'cookie', null);
    expect(made).not.toBe(partial);
    expect([made.token, made.source, made.cacheHit, made.issuer]).toEqual(['guard.token', 'cookie', false, null]);
  });

  it("a guard subclass's signed-in session result: the token and source it knows, the issuer given, its claims; frozen", () => {
    const auth = signedInAuthObject(claims, readSessionFields(claims), 't');
    const v = asVerification({ auth, error: null, tokenPresent: true }, 't', 'header', issuer);
    expect(v).toEqual({
      auth,
      error: null,
      tokenPresent: true,
      token: 't',
      source: 'header',
      issuer,
      tokenType: 'session_token',
      claims,
      cacheHit: false,
      scheme: 'bearer',
      proof: null,
      clientUat: null,
    });
    expect(Object.isFrozen(v)).toBe(true);
    expect(asVerification({ auth, error: null, tokenPresent: true }, 't', 'cookie')).toMatchObject({ issuer: null, scheme: null, source: 'cookie' });
  });

  it('a machine result keeps its class; an auth object without class or claims counts as a session without claims', () => {
    const machine = machineAuthObject('m2m_token', { sub: 'mch_1' }, 't');
    expect(asVerification({ auth: machine, error: null, tokenPresent: true }, 't', 'header')).toMatchObject({
      tokenType: 'm2m_token',
      claims: { sub: 'mch_1' },
    });
    const foreign = asVerification({ auth: { isAuthenticated: true, userId: 'svc' }, error: null, tokenPresent: true } as never, 't', 'header');
    expect([foreign.tokenType, foreign.claims]).toEqual(['session_token', null]);
  });

  it('a signed-out result: no class and no claims, whatever its auth object carries; its error and tokenPresent kept', () => {
    const error = new AuthError(AuthErrorReason.TokenInvalid, 'bad');
    const out = asVerification({ auth: signedOutAuthObject(error, true), error, tokenPresent: true }, 't', 'header');
    expect([out.tokenType, out.claims, out.error, out.tokenPresent, out.token]).toEqual([null, null, error, true, 't']);
    const odd = asVerification(
      { auth: { isAuthenticated: false, tokenType: 'm2m_token', claims: { sub: 'x' } }, error: null, tokenPresent: false } as never,
      null,
      null,
    );
    expect([odd.tokenType, odd.claims, odd.tokenPresent]).toEqual([null, null, false]);
  });
});
