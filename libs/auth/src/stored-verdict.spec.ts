import { beforeAll, describe, expect, it } from '@jest/globals';
import { signedInResult, signedOutResult } from './auth-object/auth-object.js';
import { AuthError, AuthErrorReason } from './auth.errors.js';
import { type AuthModuleOptions } from './config/auth-options.js';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import { recheckStoredResult } from './stored-verdict.js';
import { createTestIssuer, type TestIssuer } from './testing/index.js';
import { TokenVerifier } from './verification/token-verifier.js';

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

describe('recheckStoredResult', () => {
  it('reuses a signed-in result inside its window as it is, synchronously', async () => {
    const { verifier, clock } = setup();
    const { auth } = await verifier.verify(await issuer.sign({}, { now: NOW, expiresInSeconds: 60 }));
    const stored = signedInResult(auth);
    clock.now = NOW + 61_499;
    expect(recheckStoredResult(stored, verifier)).toBe(stored);
  });

  it('signs out a stored result past exp + skew, to the millisecond', async () => {
    const { verifier, clock } = setup();
    const { auth } = await verifier.verify(await issuer.sign({}, { now: NOW, expiresInSeconds: 60 }));
    clock.now = NOW + 61_500;
    const result = recheckStoredResult(signedInResult(auth), verifier) as ReturnType<typeof signedOutResult>;
    expect(result.auth.isAuthenticated).toBe(false);
    expect([result.error?.reason, result.tokenPresent]).toEqual([AuthErrorReason.TokenExpired, true]);
  });

  it('asks isRevoked again, and signs out a revoked session', async () => {
    let revoked = false;
    const { verifier } = setup({ isRevoked: () => revoked });
    const { auth } = await verifier.verify(await issuer.sign({}, { now: NOW }));
    const stored = signedInResult(auth);
    expect(await recheckStoredResult(stored, verifier)).toBe(stored);
    revoked = true;
    const result = await recheckStoredResult(stored, verifier);
    expect(result.error?.reason).toBe(AuthErrorReason.TokenRevoked);
  });

  it('reuses a signed-out result as it is', () => {
    const { verifier } = setup();
    const stored = signedOutResult(new AuthError(AuthErrorReason.TokenInvalid), true);
    expect(recheckStoredResult(stored, verifier)).toBe(stored);
  });
});
