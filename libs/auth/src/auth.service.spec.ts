import { beforeAll, describe, expect, it } from '@jest/globals';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import { AuthService } from './auth.service.js';
import type { Verification } from './verification/verification.js';
import { clerkM2MClaims, clerkSessionClaims, createTestIssuer, type TestIssuer } from './testing/index.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});

describe('AuthService', () => {
  it('shares one frozen auth object between requests carrying the same token', async () => {
    const service = new AuthService(resolveAuthOptions(issuer.moduleOptions()));
    const token = await issuer.sign({ sub: 'user_1' });
    await service.authenticate(token); // first sighting: verified, not stored
    const first = await service.authenticate(token);
    const second = await service.authenticate(token);
    expect(second.auth).toBe(first.auth);
    expect(first.auth.tokenType === 'session_token' && first.auth.userId).toBe('user_1');
    expect(Object.isFrozen(first.auth)).toBe(true);
    expect(() => {
      (first.auth as { userId: string | null }).userId = 'user_2';
    }).toThrow(TypeError);
    const other = await service.authenticate(await issuer.sign({ sub: 'user_3' }));
    expect(other.auth.tokenType === 'session_token' && other.auth.userId).toBe('user_3');
  });

  it('builds a new object per verification when the cache is off', async () => {
    const service = new AuthService(resolveAuthOptions(issuer.moduleOptions({ cache: false })));
    const token = await issuer.sign({ sub: 'user_1' });
    expect((await service.authenticate(token)).auth).not.toBe((await service.authenticate(token)).auth);
  });

  it('refuses a pending session every time, also once it is cached', async () => {
    const service = new AuthService(resolveAuthOptions(issuer.moduleOptions()));
    const token = await issuer.sign(clerkSessionClaims({ status: 'pending' }));
    // Verified, stored, then served from the cache: refused each time.
    for (let i = 0; i < 3; i += 1) {
      const result = await service.authenticate(token);
      expect(result.auth.isAuthenticated).toBe(false);
      expect(result.error?.reason).toBe('session-pending');
    }
    await expect(service.verifyToken(token)).rejects.toMatchObject({ reason: 'session-pending' });
  });

  it('answers a cached machine token at once, with its class, and never holds it back as a pending session', async () => {
    const service = new AuthService(resolveAuthOptions(issuer.moduleOptions()));
    const token = await issuer.sign({ ...clerkM2MClaims({ machineId: 'mch_1' }), sts: 'pending' });
    await service.authenticate(token);
    await service.authenticate(token); // second sighting: stored
    const cached = service.verification(token, 'header');
    expect(cached).not.toBeInstanceOf(Promise);
    expect((cached as Verification).auth).toMatchObject({ isAuthenticated: true, tokenType: 'm2m_token', machineId: 'mch_1' });
    await expect(service.verifyToken(token, { acceptsToken: 'm2m_token' })).resolves.toBe((cached as Verification).auth);
  });

  it("with several issuers, each token gets its own issuer's defaults: acceptsToken and treatPendingAsSignedOut", async () => {
    const other = await createTestIssuer({ issuer: 'https://other.test' });
    const service = new AuthService(
      resolveAuthOptions({
        issuers: [issuer.moduleOptions({ treatPendingAsSignedOut: false }), other.moduleOptions({ acceptsToken: 'm2m_token' })],
      }),
    );
    const pending = { sub: 'user_1', sid: 'sess_1', sts: 'pending' };
    expect((await service.verifyToken(await issuer.sign(pending))).sessionStatus).toBe('pending');
    await expect(service.verifyToken(await other.sign(pending))).rejects.toMatchObject({ reason: 'token-type-not-accepted' });
    expect((await service.verifyToken(await other.sign(clerkM2MClaims()), { acceptsToken: 'm2m_token' })).tokenType).toBe('m2m_token');
    expect((await service.authenticate(await other.sign(clerkM2MClaims()))).auth.isAuthenticated).toBe(true);
    await expect(service.verifyToken(await issuer.sign(clerkM2MClaims()))).rejects.toMatchObject({ reason: 'token-type-not-accepted' });
  });
});
