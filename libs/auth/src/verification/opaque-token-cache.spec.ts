import { describe, expect, it } from '@jest/globals';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { OpaqueTokenCache } from './opaque-token-cache.js';

const big = { maxEntries: 100, maxBytes: 1 << 20 };
const refusal = () => new AuthError(AuthErrorReason.TokenInvalid, 'the token is not active');
/** The estimate of an accepted entry: (token + claims JSON) * 2 + 512. */
const acceptedSize = (token: string, claimsBytes: number) => (token.length + claimsBytes) * 2 + 512;

describe('OpaqueTokenCache', () => {
  it('serves an accepted verdict from when it was made until just before it expires, then forgets it', () => {
    const cache = new OpaqueTokenCache<{ sub: string }>(big);
    const verified = { sub: 'user_1' };
    cache.accept('tok', verified, 1000, 2000, 10);
    expect(cache.get('tok', 1000)).toEqual({ verified });
    expect(cache.get('tok', 1999)).toEqual({ verified });
    expect(cache.size).toEqual({ accepted: 1, refused: 0 });
    expect(cache.get('tok', 2000)).toBeUndefined();
    expect(cache.size).toEqual({ accepted: 0, refused: 0 });
  });

  it('never serves a verdict before the time it was made (a clock set back), and forgets it', () => {
    const cache = new OpaqueTokenCache<object>(big);
    cache.accept('a', {}, 1000, 2000, 10);
    cache.refuse('r', refusal(), 1000, 2000);
    expect(cache.get('a', 999)).toBeUndefined();
    expect(cache.get('r', 999)).toBeUndefined();
    expect(cache.size).toEqual({ accepted: 0, refused: 0 });
  });

  it('repeats a refusal until just before it expires', () => {
    const cache = new OpaqueTokenCache<object>(big);
    const error = refusal();
    cache.refuse('tok', error, 1000, 1500);
    expect(cache.get('tok', 1000)).toEqual({ error });
    expect(cache.get('tok', 1499)).toEqual({ error });
    expect(cache.get('tok', 1500)).toBeUndefined();
    expect(cache.size.refused).toBe(0);
  });

  it('keeps nothing that expires at once or has expired', () => {
    const cache = new OpaqueTokenCache<object>(big);
    cache.accept('a', {}, 1000, 1000, 10);
    cache.accept('b', {}, 1000, 999, 10);
    cache.accept('n', {}, 1000, Number.NaN, 10);
    cache.refuse('r', refusal(), 1000, 1000);
    cache.refuse('s', refusal(), 1000, Number.NaN);
    expect(cache.size).toEqual({ accepted: 0, refused: 0 });
  });

  it('a new verdict replaces the other kind', () => {
    const cache = new OpaqueTokenCache<object>(big);
    cache.refuse('tok', refusal(), 1000, 5000);
    cache.accept('tok', { ok: true }, 1100, 5000, 10);
    expect(cache.size).toEqual({ accepted: 1, refused: 0 });
    expect(cache.get('tok', 1200)).toEqual({ verified: { ok: true } });
    cache.refuse('tok', refusal(), 1300, 5000);
    expect(cache.size).toEqual({ accepted: 0, refused: 1 });
    expect(cache.get('tok', 1400)).toHaveProperty('error');
  });

  it('forgets one token of either kind', () => {
    const cache = new OpaqueTokenCache<object>(big);
    cache.accept('a', {}, 0, 10, 1);
    cache.refuse('r', refusal(), 0, 10);
    cache.delete('a');
    cache.delete('r');
    expect(cache.size).toEqual({ accepted: 0, refused: 0 });
  });

  it('holds at most maxEntries of each kind, least recently used out first, and refusals never push out accepted tokens', () => {
    const cache = new OpaqueTokenCache<object>({ maxEntries: 2, maxBytes: 1 << 20 });
    cache.accept('a', {}, 0, 10, 1);
    cache.accept('b', {}, 0, 10, 1);
    expect(cache.get('a', 1)).toBeDefined();
    cache.accept('c', {}, 0, 10, 1);
    expect([cache.get('a', 1), cache.get('b', 1), cache.get('c', 1)].map((v) => v !== undefined)).toEqual([true, false, true]);
    for (const token of ['r1', 'r2', 'r3', 'r4']) cache.refuse(token, refusal(), 0, 10);
    expect(cache.size).toEqual({ accepted: 2, refused: 2 });
    expect(cache.get('r4', 1)).toHaveProperty('error');
    expect(cache.get('r1', 1)).toBeUndefined();
  });

  it('bounds accepted tokens by their estimated bytes: (token + claims) * 2 + 512 each', () => {
    const size = acceptedSize('tok1', 100);
    const exact = new OpaqueTokenCache<object>({ maxEntries: 10, maxBytes: 2 * size });
    exact.accept('tok1', {}, 0, 10, 100);
    exact.accept('tok2', {}, 0, 10, 100);
    expect(exact.size.accepted).toBe(2);
    exact.accept('tok3', {}, 0, 10, 100);
    expect(exact.size.accepted).toBe(2);
    expect(exact.get('tok1', 1)).toBeUndefined();
    const short = new OpaqueTokenCache<object>({ maxEntries: 10, maxBytes: 2 * size - 1 });
    short.accept('tok1', {}, 0, 10, 100);
    short.accept('tok2', {}, 0, 10, 100);
    expect(short.size.accepted).toBe(1);
  });

  it('bounds refused tokens by their length: token * 2 + 512 each', () => {
    const size = 'tok1'.length * 2 + 512;
    const exact = new OpaqueTokenCache<object>({ maxEntries: 10, maxBytes: 2 * size });
    for (const token of ['tok1', 'tok2']) exact.refuse(token, refusal(), 0, 10);
    expect(exact.size.refused).toBe(2);
    const short = new OpaqueTokenCache<object>({ maxEntries: 10, maxBytes: 2 * size - 1 });
    for (const token of ['tok1', 'tok2']) short.refuse(token, refusal(), 0, 10);
    expect(short.size.refused).toBe(1);
  });
});
