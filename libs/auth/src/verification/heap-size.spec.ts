import { describe, expect, it } from '@jest/globals';
import { estimateHeapBytes } from './heap-size.js';

describe('estimateHeapBytes', () => {
  it('costs small objects many times their JSON length', () => {
    const objects = Array.from({ length: 100 }, () => ({}));
    expect(estimateHeapBytes(objects) / JSON.stringify(objects).length).toBeGreaterThan(15);
  });

  it('counts two bytes a character for strings beyond Latin-1', () => {
    expect(estimateHeapBytes('✓'.repeat(64))).toBe(estimateHeapBytes('a'.repeat(128)));
    expect(estimateHeapBytes('é'.repeat(64))).toBe(estimateHeapBytes('a'.repeat(64)));
  });

  it('charges a hidden class once per distinct key set, and more for keys unique to a value', () => {
    const shared = Array.from({ length: 50 }, (_, i) => ({ id: i }));
    const unique = Array.from({ length: 50 }, (_, i) => ({ [`k${i}`]: i }));
    expect(estimateHeapBytes(unique)).toBeGreaterThan(estimateHeapBytes(shared) * 4);
  });

  it('counts boxed doubles, not small integers', () => {
    expect(estimateHeapBytes([0.5])).toBeGreaterThan(estimateHeapBytes([1]));
  });

  it('stays bounded on a value far too large to walk', () => {
    const huge = Array.from({ length: 300_000 }, () => ({}));
    expect(estimateHeapBytes(huge)).toBeGreaterThan(300_000 * 56);
  });
});
