import { beforeAll, describe, expect, it } from '@jest/globals';
import type { JWTVerifyGetKey } from 'jose';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { AuthError } from '../auth.errors.js';
import { memoryRevocationStore } from '../revocation/memory-revocation-store.js';
import { createTestIssuer, type TestIssuer } from '../testing/index.js';
import type { KeySource } from './key-sources.js';
import { rememberThumbprint } from './key-thumbprint.js';
import { admitted } from './reason-of.spec-support.js';
import { TokenVerifier } from './token-verifier.js';
import { asVerification, type Verification } from './verification.js';

// The edges of TokenVerifier: exact limits, the messages that go with each reason, and the paths a
// regression would slip through (a cached token and revocation, a retired issuer, boot warm-up).

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const ISS = 'https://issuer.test';
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: ISS, kid: 'k1' });
});

const verifier = (extra: AuthModuleOptions = {}, now = () => NOW) => new TokenVerifier(resolveAuthOptions(issuer.moduleOptions(extra)), undefined, now);
const sign = (claims: Record<string, unknown> = {}) => issuer.sign({ sid: 'sess_1', ...claims }, { now: NOW });

/** The reason and the (fixed) message a verification was refused with, or 'accepted'. */
async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<[string, string] | 'accepted'> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return [(error as AuthError).reason, (error as AuthError).message];
  }
}

async function admit(v: TokenVerifier, token: string) {
  await v.verify(token);
  return v.verify(token);
}

describe('TokenVerifier at its edges', () => {
  it('calls an empty or missing token token-missing, not token-invalid', async () => {
    expect(await refusal(verifier().verify(''))).toEqual(['token-missing', 'no token']);
    expect(await refusal(verifier().verify(42 as never))).toEqual(['token-missing', 'no token']);
    expect(await refusal(verifier().verify(undefined as never))).toEqual(['token-missing', 'no token']);
  });

  it('accepts a token exactly maxTokenBytes long and refuses one byte more', async () => {
    const token = await sign();
    expect(await refusal(verifier({ maxTokenBytes: token.length }).verify(token))).toBe('accepted');
    expect(await refusal(verifier({ maxTokenBytes: token.length - 1 }).verify(token))).toEqual(['token-too-large', 'the token is larger than maxTokenBytes']);
  });

  it('takes an opaque token exactly maxTokenBytes long to the hook, and refuses one byte more unseen', async () => {
    const seen: string[] = [];
    const opaque = { verifyOpaqueToken: (token: string) => (seen.push(token), { sub: 'mch_1', exp: NOW / 1000 + 60 }) };
    expect(await refusal(verifier({ ...opaque, maxTokenBytes: 10 }).verify('mt_1234567'))).toBe('accepted');
    expect(await refusal(verifier({ ...opaque, maxTokenBytes: 9 }).verify('mt_1234567'))).toEqual([
      'token-too-large',
      'the token is larger than maxTokenBytes',
    ]);
    expect(seen).toEqual(['mt_1234567']);
    expect(await refusal(verifier(opaque).verify('mt 123'))).toEqual(['token-invalid', 'the token is not a bearer token']);
  });

  it('refuses anything but exactly three base64url parts before parsing', async () => {
    const token = await sign();
    for (const bad of [`${token}.x`, `${token} `, `${token}\n`, `${token}=`, 'a.b']) {
      expect(await refusal(verifier().verify(bad))).toEqual(['token-invalid', 'the token is not a compact JWS']);
    }
  });

  it('tells a header without alg from a malformed one', async () => {
    const [, payload, signature] = (await sign()).split('.');
    const noAlg = Buffer.from(JSON.stringify({ typ: 'JWT' })).toString('base64url');
    expect(await refusal(verifier().verify(`${noAlg}.${payload}.${signature}`))).toEqual(['token-invalid-algorithm', 'the token algorithm is not allowed']);
    expect(await refusal(verifier().verify(`bm90anNvbg.${payload}.${signature}`))).toEqual(['token-invalid', 'the token header is not a JSON object']);
  });

  it('accepts a token whose checkClaims returns undefined or null, and says why it refused one', async () => {
    const token = await sign();
    expect(await refusal(verifier({ checkClaims: () => undefined }).verify(token))).toBe('accepted');
    expect(await refusal(verifier({ checkClaims: async () => null }).verify(token))).toBe('accepted');
    const refused = ['token-invalid-type', 'the claims check refused the token'];
    expect(await refusal(verifier({ checkClaims: () => 'token-invalid-type' }).verify(token))).toEqual(refused);
    expect(await refusal(verifier({ checkClaims: () => 'made-up' as never }).verify(token))).toEqual(['token-invalid-claims', refused[1]]);
    expect(await refusal(verifier({ checkClaims: () => Promise.reject(new Error('x')) }).verify(token))).toEqual(['token-invalid', refused[1]]);
  });

  it('says which azp rule refused a session', async () => {
    // Decided on the route (an acceptance rule), from the verification: the same reason and message.
    expect(await refusal(admitted(verifier({ authorizedParties: ['https://app'] }), await sign({ azp: 'https://evil' })))).toEqual([
      'token-invalid-authorized-party',
      'the token azp is not an authorized party',
    ]);
  });
});

describe('TokenVerifier: cached tokens and revocation', () => {
  it('never answers a cached token synchronously while an isRevoked hook must be asked', async () => {
    const v = verifier({ isRevoked: () => false });
    const token = await sign();
    await admit(v, token);
    expect(v.cache?.size).toBe(1);
    expect(v.verifyCached(token)).toBeUndefined();
    expect(v.verifyCached(42 as never)).toBeUndefined();
  });

  it('keeps a cached token through a revocation outage, and drops it once revoked', async () => {
    let answer: () => boolean = () => false;
    const v = verifier({ isRevoked: () => answer() });
    const token = await sign();
    await admit(v, token);
    answer = () => {
      throw new Error('redis down');
    };
    expect((await refusal(v.verify(token)))[0]).toBe('revocation-unavailable');
    expect(v.cache?.size).toBe(1);
    answer = () => true;
    expect((await refusal(v.verify(token)))[0]).toBe('token-revoked');
    expect(v.cache?.size).toBe(0);
  });

  it('checks a stored verdict again: its time window when it has exp, and revocation (hook or store)', async () => {
    let revoked = false;
    const hooked = verifier({ isRevoked: () => revoked });
    const first = await hooked.authenticate(await sign());
    expect((await hooked.recheck(first)).error).toBeNull();
    revoked = true;
    expect((await hooked.recheck(first)).error?.reason).toBe('token-revoked');
    const store = memoryRevocationStore();
    const stored = verifier({ revocation: store });
    const verified = await stored.authenticate(await sign({ sid: 'sess_9' }));
    expect(stored.recheck(verified)).toBe(verified);
    await store.revoke({ sid: 'sess_9' });
    expect((stored.recheck(verified) as Verification).error?.reason).toBe('token-revoked');
    // Claims without exp (an opaque token's may lack one) have no time window to check.
    const opaque = asVerification({ auth: { isAuthenticated: true, claims: { sub: 'mch_1' } }, error: null, tokenPresent: true } as never, 'opaque', 'header');
    expect(verifier().recheck(opaque)).toBe(opaque);
  });
});

describe('TokenVerifier: key sources', () => {
  /** A local key set that says when its keys were fetched, like a remote one. */
  function fetchedSource(fetchedAt: () => number | null): KeySource {
    const key: JWTVerifyGetKey = async () => {
      const found = issuer.jwks.keys[0];
      const { importJWK } = await import('jose');
      const imported = await importJWK(found, 'RS256');
      await rememberThumbprint(imported);
      return imported;
    };
    return { kind: 'jwksUrl', algorithms: ['RS256'], key, keysFetchedAt: fetchedAt, warmUp: async () => undefined };
  }

  it('serves no cached token once the keys it was verified with are due for a refresh', async () => {
    const clock = { now: NOW };
    const options = resolveAuthOptions({ ...issuer.moduleOptions(), jwksCacheMaxAgeInMs: 60_000 });
    const v = new TokenVerifier(
      options,
      fetchedSource(() => NOW - 10_000),
      () => clock.now,
    );
    const token = await sign();
    await admit(v, token);
    clock.now = NOW + 49_999;
    expect(v.verifyCached(token)).toBeDefined();
    clock.now = NOW + 50_000;
    expect(v.verifyCached(token)).toBeUndefined();
  });

  it('caches nothing verified with remote keys before they were ever fetched', async () => {
    const v = new TokenVerifier(
      resolveAuthOptions(issuer.moduleOptions()),
      fetchedSource(() => null),
      () => NOW,
    );
    await admit(v, await sign());
    expect(v.cache?.size).toBe(0);
  });

  it('warms every key source at boot: the one issuer, or each entry of issuers', async () => {
    const warmed: string[] = [];
    const source = { ...fetchedSource(() => null), warmUp: async () => void warmed.push('single') };
    await new TokenVerifier(resolveAuthOptions(issuer.moduleOptions()), source, () => NOW).warmUp();
    expect(warmed).toEqual(['single']);
    const several = new TokenVerifier(
      resolveAuthOptions({ issuers: [issuer.moduleOptions(), { jwks: issuer.jwks, issuer: 'https://b.test' }] }),
      undefined,
      () => NOW,
    );
    await expect(several.warmUp()).resolves.toBeUndefined();
  });

  it('refuses a key source given to a module with several issuers', () => {
    const options = resolveAuthOptions({ issuers: [issuer.moduleOptions()] });
    expect(
      () =>
        new TokenVerifier(
          options,
          fetchedSource(() => null),
        ),
    ).toThrow('nestjs-warden: a module with several issuers builds a key source per issuer');
  });

  it('drops the cached tokens of an issuer resolveIssuer no longer holds (least recently used), and of every one on close', async () => {
    const tenants = [issuer.issuer, 'https://t2.test', 'https://t3.test'];
    const options = resolveAuthOptions({ resolveIssuer: (iss) => (tenants.includes(iss) ? { jwks: issuer.jwks } : null), maxIssuers: 1 });
    const v = new TokenVerifier(options, undefined, () => NOW);
    const first = await sign();
    await admit(v, first);
    expect(v.verifyCached(first)).toBeDefined();
    await admit(v, await sign({ iss: 'https://t2.test' }));
    expect(v.verifyCached(first)).toBeUndefined();
    expect(v.issuers?.resolvedCount).toBe(1);
    v.close();
    expect([v.issuers?.resolvedCount, v.cache?.size]).toEqual([0, 0]);
  });
});
