import { beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { AuthError } from '../auth.errors.js';
import { createTestIssuer, type TestIssuer } from '../testing/index.js';
import { TokenVerifier } from './token-verifier.js';
import { reasonOf } from './reason-of.spec-support.js';
import { memoryRevocationStore } from '../revocation/memory-revocation-store.js';
import { RevocationUnavailableError } from '../revocation/revocation-store.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: 'https://issuer.test' });
});

const verifier = (extra: AuthModuleOptions) => new TokenVerifier(resolveAuthOptions(issuer.moduleOptions(extra)), undefined, () => NOW);

describe('TokenVerifier: the isRevoked hook fails closed', () => {
  it.each([
    ['1, as a Redis SISMEMBER answers', 1],
    ['a Map.get() entry', { revokedAt: 1 }],
    ['a database row', [{ sid: 'sess_1' }]],
    ['a non-empty string', 'yes'],
  ])('any truthy answer refuses: %s', async (_label, answer) => {
    const v = verifier({ isRevoked: () => answer });
    expect(await reasonOf(v.verify(await issuer.sign({ sid: 'sess_1' }, { now: NOW })))).toBe('token-revoked');
    const asyncV = verifier({ isRevoked: async () => answer });
    expect(await reasonOf(asyncV.verify(await issuer.sign({ sid: 'sess_1' }, { now: NOW })))).toBe('token-revoked');
  });

  it.each([false, 0, null, undefined, ''])('a falsy answer (%p) accepts', async (answer) => {
    const v = verifier({ isRevoked: () => answer });
    expect(await reasonOf(v.verify(await issuer.sign({}, { now: NOW })))).toBe('accepted');
  });

  it('a hook that throws (sync or async) is revocation-unavailable with a retry hint, never token-invalid', async () => {
    const token = await issuer.sign({}, { now: NOW });
    for (const hook of [
      () => {
        throw new Error('redis://secret-host down');
      },
      async () => Promise.reject(new Error('redis://secret-host down')),
    ]) {
      let caught: unknown;
      try {
        await verifier({ isRevoked: hook }).verify(token);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AuthError);
      expect((caught as AuthError).reason).toBe('revocation-unavailable');
      expect((caught as AuthError).retryAfterSeconds).toBeGreaterThan(0);
      expect((caught as AuthError).message).not.toContain('secret-host');
    }
  });

  it('a hook that never answers times out as revocation-unavailable', async () => {
    const v = verifier({ isRevoked: () => new Promise<boolean>(() => undefined), revocationTimeoutInMs: 50 });
    const started = Date.now();
    expect(await reasonOf(v.verify(await issuer.sign({}, { now: NOW })))).toBe('revocation-unavailable');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a cached token is asked again: verify() and verifyCached() both re-check revocation', async () => {
    let answer: unknown = false;
    const v = verifier({ isRevoked: () => answer });
    const token = await issuer.sign({ sid: 'sess_cached' }, { now: NOW });
    await v.verify(token);
    await v.verify(token);
    // A hook may answer asynchronously: the synchronous path must not answer for it.
    expect(v.verifyCached(token)).toBeUndefined();
    answer = 1;
    expect(await reasonOf(v.verify(token))).toBe('token-revoked');
    answer = false;
    expect(await reasonOf(v.verify(token))).toBe('accepted');
  });
});

describe('TokenVerifier with a revocation store', () => {
  it('a cached token is answered synchronously and asked of the store every time', async () => {
    const store = memoryRevocationStore({ clock: () => NOW });
    const v = verifier({ revocation: store });
    const token = await issuer.sign({ sid: 'sess_store' }, { now: NOW });
    await v.verify(token);
    await v.verify(token); // admitted to the cache on the second verification
    expect(v.verifyCached(token)?.claims.sid).toBe('sess_store');
    await store.revoke({ sid: 'sess_store' });
    expect(() => v.verifyCached(token)).toThrow(expect.objectContaining({ reason: 'token-revoked' }));
    expect(await reasonOf(v.verify(token))).toBe('token-revoked');
  });

  it('a revoked JWT is forgotten by the cache at once: verifyCached answers undefined after the refusal', async () => {
    const store = memoryRevocationStore({ clock: () => NOW });
    const v = verifier({ revocation: store });
    const token = await issuer.sign({ sid: 'sess_forgotten' }, { now: NOW });
    await v.verify(token);
    await v.verify(token); // admitted to the cache on the second verification
    expect(v.verifyCached(token)?.claims.sid).toBe('sess_forgotten');
    await store.revoke({ sid: 'sess_forgotten' });
    expect(() => v.verifyCached(token)).toThrow(expect.objectContaining({ reason: 'token-revoked' }));
    expect(v.verifyCached(token)).toBeUndefined(); // forgotten
  });

  it('without a cache (cache: false), a revoked token is token-revoked all the same', async () => {
    const store = memoryRevocationStore({ clock: () => NOW });
    await store.revoke({ sid: 'sess_uncached' });
    const v = verifier({ revocation: store, cache: false });
    expect(await reasonOf(v.verify(await issuer.sign({ sid: 'sess_uncached' }, { now: NOW })))).toBe('token-revoked');
  });

  it('a store that cannot answer is revocation-unavailable with the store retry hint', async () => {
    const store = {
      revoke: async () => undefined,
      isRevoked: (): boolean => {
        throw new RevocationUnavailableError('not synced', 7);
      },
    };
    const v = verifier({ revocation: store });
    let caught: unknown;
    try {
      await v.verify(await issuer.sign({}, { now: NOW }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ reason: 'revocation-unavailable', retryAfterSeconds: 7 });
  });

  it('store and hook together: either refusing refuses', async () => {
    const store = memoryRevocationStore({ clock: () => NOW });
    await store.revoke({ sid: 'sess_by_store' });
    const v = verifier({ revocation: store, isRevoked: (claims) => claims.sid === 'sess_by_hook' });
    expect(await reasonOf(v.verify(await issuer.sign({ sid: 'sess_by_store' }, { now: NOW })))).toBe('token-revoked');
    expect(await reasonOf(v.verify(await issuer.sign({ sid: 'sess_by_hook' }, { now: NOW })))).toBe('token-revoked');
    expect(await reasonOf(v.verify(await issuer.sign({ sid: 'sess_ok' }, { now: NOW })))).toBe('accepted');
  });

  it('revocation must be a store, named at boot', () => {
    expect(() => resolveAuthOptions(issuer.moduleOptions({ revocation: (() => true) as never }))).toThrow(/revocation/);
  });
});

describe('revocation of opaque tokens', () => {
  const opaqueVerifier = (extra: AuthModuleOptions) =>
    verifier({ verifyOpaqueToken: () => ({ sub: 'mch_billing', exp: NOW / 1000 + 600, jti: 'mt_id' }), ...extra });

  it('the hook fails closed for opaque tokens too: a truthy answer refuses, a throw is 503', async () => {
    expect(await reasonOf(opaqueVerifier({ isRevoked: () => 1 }).verify('mt_abc'))).toBe('token-revoked');
    const failing = () => {
      throw new Error('down');
    };
    expect(await reasonOf(opaqueVerifier({ isRevoked: failing }).verify('mt_abc'))).toBe('revocation-unavailable');
  });

  it('a store refuses a cached opaque token on the synchronous path once its jti is revoked', async () => {
    const store = memoryRevocationStore({ clock: () => NOW });
    const v = opaqueVerifier({ revocation: store });
    await v.verify('mt_abc');
    expect(v.verifyCached('mt_abc')?.claims.jti).toBe('mt_id');
    await store.revoke({ jti: 'mt_id' });
    expect(() => v.verifyCached('mt_abc')).toThrow(expect.objectContaining({ reason: 'token-revoked' }));
    expect(v.verifyCached('mt_abc')).toBeUndefined(); // forgotten
  });
});

describe('revocation outages are reported', () => {
  it('once when they start (a fixed text, nothing of the error), again after a recovery', async () => {
    const reports: string[] = [];
    let mode: 'throw' | 'ok' = 'throw';
    const hook = () => {
      if (mode === 'throw') throw new Error('redis://secret-host down');
      return false;
    };
    const v = new TokenVerifier(resolveAuthOptions(issuer.moduleOptions({ isRevoked: hook })), undefined, () => NOW, {
      onRevocationFailure: (m) => reports.push(m),
    });
    const token = await issuer.sign({}, { now: NOW });
    for (let i = 0; i < 3; i += 1) expect(await reasonOf(v.verify(token))).toBe('revocation-unavailable');
    expect(reports).toEqual(['the isRevoked hook failed']);
    mode = 'ok';
    expect(await reasonOf(v.verify(token))).toBe('accepted');
    mode = 'throw';
    expect(await reasonOf(v.verify(token))).toBe('revocation-unavailable');
    expect(reports).toHaveLength(2);
    expect(reports.join()).not.toContain('secret-host');
  });
});
