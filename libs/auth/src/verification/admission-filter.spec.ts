import { describe, expect, it } from '@jest/globals';
import { AdmissionFilter } from './admission-filter.js';

const token = (n: number) => `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.signature-${n.toString(36).padStart(8, '0')}`;

describe('AdmissionFilter', () => {
  it('knows a token only after it was remembered', () => {
    const seen = new AdmissionFilter(100);
    expect(seen.has(token(1))).toBe(false);
    seen.sight(token(1));
    expect(seen.has(token(1))).toBe(true);
    expect(seen.has(token(2))).toBe(false);
  });

  it('tells apart tokens that differ only before their last 16 characters by their length', () => {
    const seen = new AdmissionFilter(100);
    const end = 'x'.repeat(16);
    seen.sight(`a.b.${end}`);
    expect(seen.has(`aa.b.${end}`)).toBe(false);
    expect(seen.has(`c.d.${end}`)).toBe(true); // same length and end: one fingerprint, by design
  });

  it('keeps most of a cache-sized working set, and its table stays bounded', () => {
    const seen = new AdmissionFilter(1000);
    for (let i = 0; i < 1000; i += 1) seen.sight(token(i));
    let kept = 0;
    for (let i = 0; i < 1000; i += 1) if (seen.has(token(i))) kept += 1;
    // 4096 slots for 1000 tokens: about 11% share a slot with a later token.
    expect(kept).toBeGreaterThan(800);
    let falsePositives = 0;
    for (let i = 1000; i < 3000; i += 1) if (seen.has(token(i))) falsePositives += 1;
    expect(falsePositives).toBeLessThan(5);
  });

  it('handles tokens shorter than a fingerprint', () => {
    const seen = new AdmissionFilter(1);
    seen.sight('a.b.c');
    expect(seen.has('a.b.c')).toBe(true);
    expect(seen.has('a.b.d')).toBe(false);
  });
});

describe('AdmissionFilter table size', () => {
  /** The fingerprint as documented: FNV-1a over the length and the last 16 characters, never 0. */
  const fingerprint = (value: string) => {
    let hash = Math.imul(0x811c9dc5 ^ value.length, 0x01000193);
    for (let i = Math.max(0, value.length - 16); i < value.length; i += 1) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
    return hash >>> 0 || 1;
  };
  /** Two tokens whose fingerprints agree on their low `bits` bits and differ in the next one: they share a slot in a table of 2^bits, not of 2^(bits+1). */
  const sharingOnly = (bits: number): [string, string] => {
    const seen = new Map<number, string>();
    for (let n = 0; n < 5_000_000; n += 1) {
      const candidate = token(n);
      const print = fingerprint(candidate);
      const low = print % 2 ** bits;
      const other = seen.get(low);
      if (other !== undefined && Math.floor(fingerprint(other) / 2 ** bits) % 2 !== Math.floor(print / 2 ** bits) % 2) return [other, candidate];
      seen.set(low, candidate);
    }
    throw new Error(`no pair for ${bits} bits`);
  };
  /** Whether `a` and `b` share a slot in the filter: remembering `b` pushes `a` out. */
  const share = (filter: AdmissionFilter, [a, b]: [string, string]) => {
    filter.sight(a);
    filter.sight(b);
    return !filter.has(a);
  };
  /** The table holds exactly 2^bits slots. */
  const slots = (capacity: number, bits: number) => [
    share(new AdmissionFilter(capacity), sharingOnly(bits)),
    share(new AdmissionFilter(capacity), sharingOnly(bits - 1)),
  ];

  it('fingerprints as documented', () => {
    const filter = new AdmissionFilter(1000);
    const [a, b] = sharingOnly(12);
    expect(fingerprint(a)).not.toBe(fingerprint(b));
    expect(share(filter, [a, b])).toBe(true);
  });

  it('has 4 to 8 slots per token, at least 256 and at most 2^20', () => {
    expect(slots(0, 8)).toEqual([true, false]);
    expect(slots(64, 8)).toEqual([true, false]);
    expect(slots(65, 9)).toEqual([true, false]);
    expect(slots(1000, 12)).toEqual([true, false]);
    expect(slots(1024, 12)).toEqual([true, false]);
    expect(slots(1 << 18, 20)).toEqual([true, false]);
    expect(slots(1_000_000, 20)).toEqual([true, false]);
  });
});
