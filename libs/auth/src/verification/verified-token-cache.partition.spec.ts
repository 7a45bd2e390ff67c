import { describe, expect, it } from '@jest/globals';
import { VerifiedTokenCache, type CachedVerification } from './verified-token-cache.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const RULES = { clockSkewInMs: 0 };

function verified(token: string, iss: string): CachedVerification {
  return { token, claims: { iss, sub: 'user_1', exp: NOW / 1000 + 3600 } };
}

/** Stores `entry` (offered twice: the admission filter lets a token in on its second sighting). */
function store(cache: VerifiedTokenCache, entry: CachedVerification, thumbprint: string): void {
  cache.set(entry, NOW, cache.generation, thumbprint);
  cache.set(entry, NOW, cache.generation, thumbprint);
}

describe('VerifiedTokenCache partitions (one per issuer)', () => {
  it('share the entries and the bound: any partition finds any entry', () => {
    const cache = new VerifiedTokenCache({ maxEntries: 2 }, RULES);
    const [a, b] = [cache.partition(RULES), cache.partition(RULES)];
    store(a, verified('a.1.x', 'A'), 'ka');
    store(b, verified('b.1.x', 'B'), 'kb');
    expect(cache.get('a.1.x', NOW)?.claims.iss).toBe('A');
    expect(b.get('a.1.x', NOW)?.claims.iss).toBe('A');
    store(b, verified('b.2.x', 'B'), 'kb');
    expect(cache.size).toBe(2);
    // One bound for all: b.1.x was the least recently used, whichever partition stored it.
    expect(cache.get('b.1.x', NOW)).toBeUndefined();
    expect(cache.get('a.1.x', NOW)).toBeDefined();
  });

  it("evict by key only their own entries: a rotation at A keeps B's", () => {
    const cache = new VerifiedTokenCache({}, RULES);
    const [a, b] = [cache.partition(RULES), cache.partition(RULES)];
    store(a, verified('a.1.x', 'A'), 'ka');
    store(b, verified('b.1.x', 'B'), 'kb');
    const generationOfB = b.generation;
    expect(a.evictKeysNotIn(new Set(['ka-new']))).toBe(1);
    expect(cache.get('a.1.x', NOW)).toBeUndefined();
    expect(cache.get('b.1.x', NOW)?.claims.iss).toBe('B');
    // B's verifications in flight may still be stored: its key set did not change.
    expect(b.generation).toBe(generationOfB);
  });

  it('serve no entry of a retired partition, and clear only their own', () => {
    const cache = new VerifiedTokenCache({}, RULES);
    const [a, b] = [cache.partition(RULES), cache.partition(RULES)];
    store(a, verified('a.1.x', 'A'), 'ka');
    store(b, verified('b.1.x', 'B'), 'kb');
    a.retireAt(NOW + 1000);
    expect(cache.get('a.1.x', NOW + 999)).toBeDefined();
    expect(cache.get('a.1.x', NOW + 1000)).toBeUndefined();
    store(a, verified('a.2.x', 'A'), 'ka');
    a.clear();
    expect([cache.get('a.2.x', NOW), cache.size]).toEqual([undefined, 1]);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('apply their own time rules', () => {
    const cache = new VerifiedTokenCache({}, RULES);
    const lenient = cache.partition({ clockSkewInMs: 60_000 });
    const entry = { token: 'l.1.x', claims: { iss: 'L', sub: 'user_1', exp: NOW / 1000 + 1 } };
    store(lenient, entry, 'kl');
    expect(cache.get('l.1.x', NOW + 30_000)).toBeDefined();
    expect(cache.get('l.1.x', NOW + 61_000)).toBeUndefined();
  });
});
