import { beforeAll, describe, expect, it } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { createTestIssuer, type TestIssuer } from '../testing/index.js';
import { TokenVerifier } from './token-verifier.js';
import { reasonOf } from './reason-of.spec-support.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const EXP = NOW / 1000 + 600;
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: 'https://issuer.test' });
});

/** A verifier whose opaque tokens go to a scripted hook; `calls` lists what the hook was asked. */
function withHook(answer: (token: string) => JWTPayload | null, extra: AuthModuleOptions = {}) {
  let now = NOW;
  const calls: string[] = [];
  const verifier = new TokenVerifier(
    resolveAuthOptions(
      issuer.moduleOptions({
        verifyOpaqueToken: (token) => {
          calls.push(token);
          return answer(token);
        },
        ...extra,
      }),
    ),
    undefined,
    () => now,
  );
  return { verifier, calls, advance: (ms: number) => (now += ms) };
}

describe('TokenVerifier with opaque tokens', () => {
  it('makes the machine verification of the class the prefix names, cached for the synchronous path', async () => {
    const { verifier, calls } = withHook(() => ({ sub: 'mch_billing', exp: EXP, scopes: 'a b', jti: 'mt_id' }));
    const verified = await verifier.verify('mt_abc');
    expect(verified).toMatchObject({
      tokenType: 'm2m_token',
      header: undefined,
      fields: null,
      auth: { tokenType: 'm2m_token', machineId: 'mch_billing', id: 'mt_id', scopes: ['a', 'b'] },
    });
    expect(Object.isFrozen(verified)).toBe(true);
    expect(verifier.verifyCached('mt_abc')).toBe(verified);
    expect(calls).toEqual(['mt_abc']);
  });

  it('checks size first, then bearer syntax, before the hook is asked', async () => {
    const { verifier, calls } = withHook(() => ({ sub: 's', exp: EXP }), { maxTokenBytes: 64 });
    expect(await reasonOf(verifier.verify(`ak_${'x'.repeat(80)}`))).toBe('token-too-large');
    expect(await reasonOf(verifier.verify('ak_a,b'))).toBe('token-invalid');
    expect(await reasonOf(verifier.verify('ak_a b'))).toBe('token-invalid');
    expect(calls).toEqual([]);
  });

  it('a JWS-shaped token never reaches the hook', async () => {
    const { verifier, calls } = withHook(() => ({ sub: 's', exp: EXP }));
    expect(await reasonOf(verifier.verify(await issuer.sign({}, { now: NOW })))).toBe('accepted');
    expect(await reasonOf(verifier.verify('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.x'))).not.toBe('accepted');
    expect(calls).toEqual([]);
  });

  it('applies audience to opaque tokens too; requires exp and sub', async () => {
    const audience = withHook(() => ({ sub: 's', exp: EXP, aud: 'api' }), { audience: 'other' }).verifier;
    expect(await reasonOf(audience.verify('oat_aud'))).toBe('token-invalid-audience');
    const { verifier } = withHook((token) => (token === 'oat_noexp' ? { sub: 's' } : { exp: EXP }));
    expect(await reasonOf(verifier.verify('oat_noexp'))).toBe('token-invalid-claims');
    expect(await reasonOf(verifier.verify('oat_nosub'))).toBe('token-invalid-claims');
  });

  it('asks isRevoked every time, and forgets a revoked token', async () => {
    const revoked = new Set<string>();
    const { verifier, calls } = withHook(() => ({ sub: 'svc', exp: EXP, jti: 'j1' }), { isRevoked: (claims) => revoked.has(claims.jti as string) });
    expect(await reasonOf(verifier.verify('oat_x'))).toBe('accepted');
    expect(verifier.verifyCached('oat_x')).toBeUndefined();
    expect(await reasonOf(verifier.verify('oat_x'))).toBe('accepted');
    expect(calls).toHaveLength(1);
    revoked.add('j1');
    expect(await reasonOf(verifier.verify('oat_x'))).toBe('token-revoked');
    revoked.clear();
    expect(await reasonOf(verifier.verify('oat_x'))).toBe('accepted');
    expect(calls).toHaveLength(2);
  });

  it('serves the cached verdict until exp plus the skew, then asks again', async () => {
    const { verifier, calls, advance } = withHook(() => ({ sub: 'svc', exp: NOW / 1000 + 10 }), { clockSkewInMs: 1000 });
    await verifier.verify('oat_t');
    advance(10_999);
    expect(verifier.verifyCached('oat_t')).toBeDefined();
    advance(1);
    expect(verifier.verifyCached('oat_t')).toBeUndefined();
    expect(await reasonOf(verifier.verify('oat_t'))).toBe('token-expired');
    expect(calls).toHaveLength(2);
  });

  it('serves the cached verdict only while the token is younger than maxTokenAgeInMs (the JWT rule), then refuses it as too old', async () => {
    // Issued now, valid for ten minutes, with a 60 s maximum age and a 1 s skew: too old from iat + 61 s on.
    const { verifier, calls, advance } = withHook(() => ({ sub: 'svc', iat: NOW / 1000, exp: EXP }), { maxTokenAgeInMs: 60_000, clockSkewInMs: 1000 });
    expect(await reasonOf(verifier.verify('oat_age'))).toBe('accepted');
    advance(61_000);
    expect(verifier.verifyCached('oat_age')).toBeDefined();
    advance(1);
    expect(verifier.verifyCached('oat_age')).toBeUndefined();
    advance(80_000 - 61_001);
    expect(await reasonOf(verifier.verify('oat_age'))).toBe('token-too-old');
    expect(calls).toHaveLength(2);
  });
});
