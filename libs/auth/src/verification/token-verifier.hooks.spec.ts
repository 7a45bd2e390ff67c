import { beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { AuthConfigError } from '../config/auth-config-error.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { createTestIssuer, type TestIssuer } from '../testing/index.js';
import { TokenVerifier } from './token-verifier.js';
import { reasonOf } from './reason-of.spec-support.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: 'https://issuer.test' });
});

const verifier = (extra: AuthModuleOptions) => new TokenVerifier(resolveAuthOptions(issuer.moduleOptions(extra)), undefined, () => NOW);

describe('TokenVerifier extension points', () => {
  it('checkClaims sees the verified claims and header; its reason refuses the token', async () => {
    const seen: unknown[] = [];
    const v = verifier({
      checkClaims: (claims, header) => {
        seen.push([claims.token_use, header.kid]);
        return claims.token_use === 'access' ? null : 'token-invalid-type';
      },
    });
    const access = await issuer.sign({ token_use: 'access' }, { now: NOW });
    const id = await issuer.sign({ token_use: 'id' }, { now: NOW });
    expect(await reasonOf(v.verify(access))).toBe('accepted');
    expect(await reasonOf(v.verify(id))).toBe('token-invalid-type');
    expect(seen).toEqual([
      ['access', issuer.kid],
      ['id', issuer.kid],
    ]);
  });

  it('an async checkClaims works; a throw is token-invalid; an unknown reason is token-invalid-claims', async () => {
    const token = await issuer.sign({}, { now: NOW });
    expect(await reasonOf(verifier({ checkClaims: async () => 'token-invalid-audience' as const }).verify(token))).toBe('token-invalid-audience');
    expect(
      await reasonOf(
        verifier({
          checkClaims: () => {
            throw new Error('boom');
          },
        }).verify(token),
      ),
    ).toBe('token-invalid');
    expect(await reasonOf(verifier({ checkClaims: () => 'nonsense' as never }).verify(token))).toBe('token-invalid-claims');
  });

  it('checkClaims never runs for a token that failed the standard checks', async () => {
    let calls = 0;
    const v = verifier({
      checkClaims: () => {
        calls += 1;
        return null;
      },
    });
    const expired = await issuer.sign({}, { now: NOW - 3_600_000 });
    expect(await reasonOf(v.verify(expired))).toBe('token-expired');
    expect(calls).toBe(0);
  });

  it('authorization attaches type-checked grants to the fields', async () => {
    const token = await issuer.sign({ groups: ['admin', 7] }, { now: NOW });
    const result = await verifier({ authorization: (c) => ({ roles: (c.groups as unknown[]).filter((g): g is string => typeof g === 'string') }) }).verify(
      token,
    );
    expect(result.fields?.grants).toEqual({ roles: ['admin'], permissions: [], features: [], plans: [] });
    expect((await verifier({}).verify(token)).fields?.grants).toBeUndefined();
    expect(await reasonOf(verifier({ authorization: (c) => ({ roles: c.groups as string[] }) }).verify(token))).toBe('token-invalid-claims');
  });

  it('both options must be functions, named at boot', () => {
    for (const option of ['checkClaims', 'authorization'] as const) {
      let caught: unknown;
      try {
        resolveAuthOptions(issuer.moduleOptions({ [option]: 'yes' }));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AuthConfigError);
      expect((caught as AuthConfigError).option).toBe(option);
    }
  });
});
