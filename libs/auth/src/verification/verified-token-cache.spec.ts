import { beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { AuthConfigError } from '../config/auth-config-error.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { createTestIssuer, type TestIssuer } from '../testing/index.js';
import { rememberThumbprint } from './key-thumbprint.js';
import { TokenVerifier } from './token-verifier.js';
import { CACHE_DEFAULTS, estimateEntryBytes, VerifiedTokenCache } from './verified-token-cache.js';
import { reasonOf } from './reason-of.spec-support.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const ISS = 'https://issuer.test';

let k1: TestIssuer;
let k2: TestIssuer;
/** RFC 7638 thumbprints by kid: what key-set changes announce. */
const thumbprints: Record<string, string> = {};

beforeAll(async () => {
  [k1, k2] = await Promise.all([createTestIssuer({ issuer: ISS, kid: 'k1', alg: 'ES256' }), createTestIssuer({ issuer: ISS, kid: 'k2', alg: 'ES256' })]);
  for (const issuer of [k1, k2]) thumbprints[issuer.kid] = await calculateJwkThumbprint(issuer.publicJwk);
});

/**
 * A real local key set for k1 and k2 that counts how often the verifier had to look a key up (once
 * per full verification, never on a cache hit) and can announce key-set changes like a remote source.
 */
function countingSource(withKeyEvents = true) {
  const set = createLocalJWKSet({ keys: [k1.publicJwk, k2.publicJwk] });
  const listeners: Array<(kids: ReadonlySet<string>) => void> = [];
  const source = {
    lookups: 0,
    kind: 'jwks' as const,
    algorithms: ['ES256'],
    key: (async (header, token) => {
      source.lookups += 1;
      const key = await set(header, token);
      await rememberThumbprint(key); // as a remote source's resolver does
      return key;
    }) as JWTVerifyGetKey,
    onKeysChanged: withKeyEvents
      ? (listener: (kids: ReadonlySet<string>) => void) => {
          listeners.push(listener);
          return () => listeners.splice(listeners.indexOf(listener), 1);
        }
      : undefined,
    /** Announces a key set by kid: k1 and k2 stand for their keys' thumbprints, any other kid for an unknown key. */
    announce: (kids: string[]) => listeners.forEach((listener) => listener(new Set(kids.map((kid) => thumbprints[kid] ?? kid)))),
    listeners,
  };
  return source;
}

function setup(extra: AuthModuleOptions = {}, source = countingSource()) {
  const clock = { now: NOW };
  const options = resolveAuthOptions({ jwks: { keys: [k1.publicJwk, k2.publicJwk] }, issuer: ISS, ...extra });
  const verifier = new TokenVerifier(options, source, () => clock.now);
  return { verifier, source, clock };
}

const sign = (issuer: TestIssuer, claims: Record<string, unknown> = {}) => issuer.sign({ sid: 'sess_1', ...claims }, { now: NOW });

/** Verifies a token twice: the cache remembers it the first time and stores it the second. */
async function admit(verifier: TokenVerifier, token: string) {
  await verifier.verify(token);
  return verifier.verify(token);
}

describe('the verified-token cache inside TokenVerifier', () => {
  it('stores a token on its second verification and then answers with the same frozen result', async () => {
    const { verifier, source } = setup();
    const token = await sign(k1, { sub: 'user_1' });
    const first = await verifier.verify(token);
    expect([source.lookups, verifier.cache?.size]).toEqual([1, 0]);
    const second = await verifier.verify(token);
    expect([source.lookups, verifier.cache?.size]).toEqual([2, 1]);
    const third = await verifier.verify(token);
    expect(source.lookups).toBe(2);
    expect(third).toBe(second);
    expect(second).not.toBe(first);
    expect(third.fields?.userId).toBe('user_1');
    expect(third.auth.tokenType === 'session_token' && third.auth.userId).toBe('user_1');
    for (const frozen of [first, third]) {
      expect(Object.isFrozen(frozen.claims) && Object.isFrozen(frozen.auth)).toBe(true);
      expect(() => {
        (frozen.claims as Record<string, unknown>).sub = 'admin';
      }).toThrow(TypeError);
    }
  });

  it('gives no entry to tokens verified once, however many', async () => {
    const { verifier, source } = setup();
    const tokens = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((sub) => sign(k1, { sub })));
    for (const token of tokens) await verifier.verify(token);
    expect([source.lookups, verifier.cache?.size]).toEqual([5, 0]);
    // The last one seen is sure to be remembered (another token may have taken an earlier one's slot).
    await verifier.verify(tokens[4]);
    expect(verifier.cache?.size).toBe(1);
  });

  it('remembers only tokens that passed: a refused token counts no sighting', async () => {
    const { verifier, clock } = setup();
    const token = await sign(k1, { nbf: NOW / 1000 + 60 });
    expect(await reasonOf(verifier.verify(token))).toBe('token-not-active-yet');
    clock.now = NOW + 60_000;
    await verifier.verify(token);
    expect(verifier.cache?.size).toBe(0);
    await verifier.verify(token);
    expect(verifier.cache?.size).toBe(1);
  });

  it('serves an entry until exp + skew only, then verifies again (and refuses)', async () => {
    const { verifier, source, clock } = setup();
    const token = await sign(k1, { exp: NOW / 1000 + 10 });
    await admit(verifier, token);
    clock.now = NOW + 10_000 + 5_000 - 1;
    await verifier.verify(token);
    expect(source.lookups).toBe(2);
    clock.now = NOW + 10_000 + 5_000;
    expect(await reasonOf(verifier.verify(token))).toBe('token-expired');
    expect(source.lookups).toBe(3);
    expect(verifier.cache?.size).toBe(0);
  });

  it('honours a zero skew and maxTokenAgeInMs for cached entries', async () => {
    const { verifier, source, clock } = setup({ clockSkewInMs: 0, maxTokenAgeInMs: 30_000 });
    const token = await sign(k1, { exp: NOW / 1000 + 60 });
    await admit(verifier, token);
    clock.now = NOW + 29_999;
    await verifier.verify(token);
    expect(source.lookups).toBe(2);
    // Exactly maxTokenAgeInMs old is still accepted (from the cache); one millisecond more is refused.
    clock.now = NOW + 30_000;
    await verifier.verify(token);
    expect(source.lookups).toBe(2);
    clock.now = NOW + 30_001;
    expect(await reasonOf(verifier.verify(token))).toBe('token-too-old');
    expect(source.lookups).toBe(3);
  });

  it('does not serve an entry when the clock is behind the time it was verified (nbf is checked again)', async () => {
    const { verifier, source, clock } = setup();
    const token = await sign(k1, { nbf: NOW / 1000 + 3 });
    await admit(verifier, token);
    clock.now = NOW - 10_000;
    expect(await reasonOf(verifier.verify(token))).toBe('token-not-active-yet');
    expect(source.lookups).toBe(3);
  });

  it('asks isRevoked on every hit and forgets a revoked token', async () => {
    const revoked = new Set<string>();
    let asked = 0;
    const { verifier, source } = setup({
      isRevoked: async (claims) => {
        asked += 1;
        return revoked.has(claims.sid as string);
      },
    });
    const token = await sign(k1);
    await admit(verifier, token);
    await verifier.verify(token);
    expect([asked, source.lookups]).toEqual([3, 2]);
    revoked.add('sess_1');
    expect(await reasonOf(verifier.verify(token))).toBe('token-revoked');
    expect(verifier.cache?.size).toBe(0);
    expect(await reasonOf(verifier.verify(token))).toBe('token-revoked');
    expect(source.lookups).toBe(3);
  });

  it('caches only successes', async () => {
    const { verifier, source } = setup({ audience: 'api' });
    const token = await sign(k1, { aud: 'other' });
    expect(await reasonOf(verifier.verify(token))).toBe('token-invalid-audience');
    expect(await reasonOf(verifier.verify(token))).toBe('token-invalid-audience');
    expect(source.lookups).toBe(2);
    expect(verifier.cache?.size).toBe(0);
  });

  it('is off with cache: false', async () => {
    const { verifier, source } = setup({ cache: false });
    const token = await sign(k1);
    await verifier.verify(token);
    await verifier.verify(token);
    expect(verifier.cache).toBeNull();
    expect(source.lookups).toBe(2);
  });

  it('is bounded in entries, least recently used out first', async () => {
    const { verifier, source } = setup({ cache: { maxEntries: 2 } });
    const [a, b, c] = await Promise.all([sign(k1, { sub: 'a' }), sign(k1, { sub: 'b' }), sign(k1, { sub: 'c' })]);
    for (const token of [a, b, c]) await admit(verifier, token);
    expect(verifier.cache?.size).toBe(2);
    expect(source.lookups).toBe(6);
    await verifier.verify(b);
    await verifier.verify(c);
    expect(source.lookups).toBe(6);
    // a, used least recently, was pushed out: verified again.
    await verifier.verify(a);
    expect(source.lookups).toBe(7);
  });

  it('is bounded in estimated bytes, and keeps no entry larger than the whole budget', async () => {
    const token = await sign(k1);
    const one = estimateEntryBytes(await setup({ cache: false }).verifier.verify(token));
    const { verifier } = setup({ cache: { maxBytes: one * 2 + 1 } });
    // Same-length subjects: every entry costs the same.
    for (const sub of ['user_a', 'user_b', 'user_c', 'user_d']) await admit(verifier, await sign(k1, { sub }));
    expect(verifier.cache?.size).toBe(2);
    expect(verifier.cache?.bytes).toBeLessThanOrEqual(one * 2 + 1);
    const tiny = setup({ cache: { maxBytes: one - 1 } });
    await admit(tiny.verifier, token);
    expect(tiny.verifier.cache?.size).toBe(0);
  });

  it('estimates an entry from its token, its claims and its header: a longer part costs more', () => {
    const header = { alg: 'RS256', kid: 'k' };
    const base = { token: 'a.b.c', claims: { sub: 'user_1' }, header };
    const bytes = estimateEntryBytes(base);
    const pad = 'x'.repeat(1000);
    expect(estimateEntryBytes({ ...base, token: `a.b.c${pad}` })).toBeGreaterThanOrEqual(bytes + 1000);
    expect(estimateEntryBytes({ ...base, claims: { sub: `user_1${pad}` } })).toBeGreaterThanOrEqual(bytes + 1000);
    expect(estimateEntryBytes({ ...base, header: { ...header, kid: `k${pad}` } })).toBeGreaterThanOrEqual(bytes + 1000);
    expect(estimateEntryBytes({ token: base.token, claims: base.claims })).toBeLessThan(bytes);
  });

  it('drops entries whose key left the key set, keeps the others', async () => {
    const { verifier, source } = setup();
    const [t1, t2] = await Promise.all([sign(k1), sign(k2)]);
    await admit(verifier, t1);
    await admit(verifier, t2);
    expect(source.listeners).toHaveLength(1);
    source.announce(['k2', 'k3']);
    expect(verifier.cache?.size).toBe(1);
    await verifier.verify(t2);
    expect(source.lookups).toBe(4);
    await verifier.verify(t1);
    expect(source.lookups).toBe(5);
  });

  it('does not store a verification that was in flight while the key set changed', async () => {
    const { verifier, source } = setup();
    const token = await sign(k1);
    await verifier.verify(token);
    const pending = verifier.verify(token);
    source.announce(['k2']);
    await pending;
    expect(verifier.cache?.size).toBe(0);
  });

  it('works with key sources that announce nothing', async () => {
    const { verifier, source } = setup({}, countingSource(false));
    const token = await sign(k1);
    await admit(verifier, token);
    await verifier.verify(token);
    expect(source.lookups).toBe(2);
  });

  it('belongs to one verifier: two verifiers never share results', async () => {
    const one = setup();
    const two = setup();
    const token = await sign(k1);
    await admit(one.verifier, token);
    expect(two.verifier.cache?.size).toBe(0);
    await admit(two.verifier, token);
    expect(two.source.lookups).toBe(2);
  });
});

describe('VerifiedTokenCache on its own', () => {
  const verified = (token: string, exp: number, kid?: string) => ({
    token,
    header: kid === undefined ? { alg: 'ES256' } : { alg: 'ES256', kid },
    claims: { sub: 'u', exp },
  });
  /** Offers a verification twice (remembered, then stored), as two requests would; the kid stands for the key's thumbprint. */
  const offer = (cache: VerifiedTokenCache, entry: ReturnType<typeof verified>, at: number) => {
    cache.set(entry, at, cache.generation, entry.header.kid);
    cache.set(entry, at, cache.generation, entry.header.kid);
  };

  it('drops tokens whose key is unknown on any key-set change, and bumps the generation', () => {
    const cache = new VerifiedTokenCache({}, { clockSkewInMs: 0 });
    offer(cache, verified('a', NOW / 1000 + 60), NOW);
    offer(cache, verified('b', NOW / 1000 + 60, 'k1'), NOW);
    const before = cache.generation;
    expect(cache.evictKeysNotIn(new Set(['k1']))).toBe(1);
    expect(cache.get('b', NOW)).toBeDefined();
    expect(cache.get('a', NOW)).toBeUndefined();
    expect(cache.generation).toBe(before + 1);
  });

  it('serves no entry past the time its keys are due for a refresh, and stores none while they are overdue', () => {
    let dueAt = NOW + 1000;
    const cache = new VerifiedTokenCache({}, { clockSkewInMs: 0, keysDueAt: () => dueAt });
    offer(cache, verified('a', NOW / 1000 + 3600, 'k1'), NOW);
    expect(cache.get('a', NOW + 999)).toBeDefined();
    expect(cache.get('a', NOW + 1000)).toBeUndefined();
    offer(cache, verified('b', NOW / 1000 + 3600, 'k1'), NOW + 2000);
    expect(cache.size).toBe(0);
    dueAt = NOW + 5000;
    cache.set(verified('b', NOW / 1000 + 3600, 'k1'), NOW + 2000, cache.generation);
    expect(cache.get('b', NOW + 4999)).toBeDefined();
  });

  it('does not store a token that is already outside its window', () => {
    const cache = new VerifiedTokenCache({}, { clockSkewInMs: 0 });
    offer(cache, verified('a', NOW / 1000), NOW);
    expect(cache.size).toBe(0);
  });
});

describe('the cache option', () => {
  const base = { secret: 'a-test-secret-of-at-least-32-bytes!!' };

  it('defaults to on with documented bounds', () => {
    expect(resolveAuthOptions(base).cache).toEqual({ maxEntries: 10_000, maxBytes: 16 * 1024 * 1024 });
    expect(CACHE_DEFAULTS).toEqual({ maxEntries: 10_000, maxBytes: 16 * 1024 * 1024 });
    expect(resolveAuthOptions({ ...base, cache: true }).cache).toEqual(CACHE_DEFAULTS);
    expect(resolveAuthOptions({ ...base, cache: false }).cache).toBe(false);
    expect(resolveAuthOptions({ ...base, cache: { maxEntries: 5 } }).cache).toEqual({ maxEntries: 5, maxBytes: CACHE_DEFAULTS.maxBytes });
  });

  it.each([
    [{ maxEntries: 0 }, 'cache.maxEntries'],
    [{ maxEntries: 1.5 }, 'cache.maxEntries'],
    [{ maxBytes: -1 }, 'cache.maxBytes'],
    [{ maxBytes: Infinity }, 'cache.maxBytes'],
    [{ maxBytes: '1mb' }, 'cache.maxBytes'],
    [{ size: 3 }, 'cache.size'],
    ['yes', 'cache'],
    [null, 'cache'],
    [[], 'cache'],
  ])('refuses %j naming %s', (cache, option) => {
    expect(() => resolveAuthOptions({ ...base, cache } as unknown as AuthModuleOptions)).toThrow(AuthConfigError);
    try {
      resolveAuthOptions({ ...base, cache } as unknown as AuthModuleOptions);
    } catch (error) {
      expect((error as AuthConfigError).option).toBe(option);
    }
  });
});
