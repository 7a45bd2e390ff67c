import { beforeAll, describe, expect, it } from '@jest/globals';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { createTestIssuer, type TestIssuer } from '../testing/index.js';
import { TokenVerifier } from './token-verifier.js';
import { presentedVerification, signedOutVerification, type Verification } from './verification.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer();
});

function setup(extra: AuthModuleOptions = {}) {
  const clock = { now: NOW };
  const verifier = new TokenVerifier(resolveAuthOptions({ ...issuer.moduleOptions(), clockSkewInMs: 1500, ...extra }), undefined, () => clock.now);
  return { verifier, clock };
}

describe('TokenVerifier.recheck: a verification stored on a carrier', () => {
  it('reuses a signed-in result inside its window as it is, synchronously', async () => {
    const { verifier, clock } = setup();
    const stored = await verifier.authenticate(await issuer.sign({}, { now: NOW, expiresInSeconds: 60 }));
    clock.now = NOW + 61_499;
    expect(verifier.recheck(stored)).toBe(stored);
  });

  it('signs out a stored result past exp + skew, to the millisecond', async () => {
    const { verifier, clock } = setup();
    const stored = await verifier.authenticate(await issuer.sign({}, { now: NOW, expiresInSeconds: 60 }));
    clock.now = NOW + 61_500;
    const result = verifier.recheck(stored) as Verification;
    expect(result.auth.isAuthenticated).toBe(false);
    expect([result.error?.reason, result.tokenPresent]).toEqual([AuthErrorReason.TokenExpired, true]);
  });

  it('asks isRevoked again, and signs out a revoked session', async () => {
    let revoked = false;
    const { verifier } = setup({ isRevoked: () => revoked });
    const stored = await verifier.authenticate(await issuer.sign({}, { now: NOW }));
    expect(await verifier.recheck(stored)).toBe(stored);
    revoked = true;
    const result = await verifier.recheck(stored);
    expect(result.error?.reason).toBe(AuthErrorReason.TokenRevoked);
  });

  it('reuses a signed-out result as it is', () => {
    const { verifier } = setup();
    const stored = signedOutVerification(new AuthError(AuthErrorReason.TokenInvalid), true);
    expect(verifier.recheck(stored)).toBe(stored);
  });

  it('signs out a stored verification once resolveIssuer no longer trusts its issuer, and follows a changed answer', async () => {
    const clock = { now: NOW };
    let answer: { jwks: typeof issuer.jwks; audience?: string } | null = { jwks: issuer.jwks };
    const options = resolveAuthOptions({ resolveIssuer: () => answer, resolveIssuerTtlInMs: 60_000 });
    const verifier = new TokenVerifier(options, undefined, () => clock.now);
    const stored = await verifier.authenticate(await issuer.sign({ aud: 'api' }, { now: NOW, expiresInSeconds: 3600 }));
    expect(stored.auth.isAuthenticated).toBe(true);
    // Inside the TTL the answer stands: nothing is asked, the same verification comes back at once.
    clock.now = NOW + 59_999;
    expect(verifier.recheck(stored)).toBe(stored);
    // Due again and answered differently: judged under the new rules, as a new request would be.
    answer = { jwks: issuer.jwks, audience: 'other' };
    clock.now = NOW + 60_001;
    expect((await verifier.recheck(stored)).error?.reason).toBe(AuthErrorReason.TokenInvalidAudience);
    // No longer trusted at all.
    answer = null;
    clock.now = NOW + 120_002;
    expect((await verifier.recheck(stored)).error?.reason).toBe(AuthErrorReason.TokenInvalidIssuer);
  });

  it('keeps how the token was presented (scheme and DPoP proof) when a changed issuer answer judges it again', async () => {
    const clock = { now: NOW };
    let answer: { jwks: typeof issuer.jwks; audience?: string } = { jwks: issuer.jwks };
    const verifier = new TokenVerifier(resolveAuthOptions({ resolveIssuer: () => answer, resolveIssuerTtlInMs: 60_000 }), undefined, () => clock.now);
    const first = await verifier.authenticate(await issuer.sign({ aud: 'api' }, { now: NOW, expiresInSeconds: 3600 }));
    const stored = presentedVerification(first, 'dpop', 'the.proof.jws');
    answer = { jwks: issuer.jwks, audience: 'api' };
    clock.now = NOW + 60_001;
    const again = await verifier.recheck(stored);
    expect(again).not.toBe(stored);
    expect([again.auth.isAuthenticated, again.scheme, again.proof]).toEqual([true, 'dpop', 'the.proof.jws']);
  });
});
