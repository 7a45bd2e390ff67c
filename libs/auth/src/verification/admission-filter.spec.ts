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
