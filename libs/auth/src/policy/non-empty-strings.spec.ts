import { describe, expect, it } from '@jest/globals';
import { nonEmptyStrings } from './non-empty-strings.js';

describe('nonEmptyStrings', () => {
  it('wraps one non-empty string in a list', () => {
    expect(nonEmptyStrings('admin')).toStrictEqual(['admin']);
  });

  it('returns a non-empty list of non-empty strings as a new list with the same items', () => {
    const input = ['a', 'b', 'c'];
    const result = nonEmptyStrings(input);
    expect(result).toStrictEqual(['a', 'b', 'c']);
    expect(result).not.toBe(input);
    result?.push('d');
    expect(input).toStrictEqual(['a', 'b', 'c']);
  });

  it('keeps a one-item list as it is (never nested)', () => {
    expect(nonEmptyStrings(['only'])).toStrictEqual(['only']);
  });

  it('refuses the empty string and the empty list', () => {
    expect(nonEmptyStrings('')).toBeNull();
    expect(nonEmptyStrings([])).toBeNull();
  });

  it('refuses a list with an empty string anywhere', () => {
    expect(nonEmptyStrings([''])).toBeNull();
    expect(nonEmptyStrings(['a', ''])).toBeNull();
    expect(nonEmptyStrings(['', 'a'])).toBeNull();
  });

  it('refuses a list with a non-string anywhere', () => {
    expect(nonEmptyStrings([5])).toBeNull();
    expect(nonEmptyStrings(['a', 5])).toBeNull();
    expect(nonEmptyStrings(['a', null])).toBeNull();
    expect(nonEmptyStrings(['a', ['b']])).toBeNull();
  });

  it('refuses anything that is neither a string nor a list', () => {
    for (const value of [undefined, null, 0, 5, true, {}, { length: 1, 0: 'a' }, new Set(['a'])]) {
      expect(nonEmptyStrings(value)).toBeNull();
    }
  });
});
