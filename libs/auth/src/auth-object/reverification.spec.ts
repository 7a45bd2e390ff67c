import { describe, expect, it } from '@jest/globals';
import { meetsReverification, reverificationErrorBody, reverificationRequirement, type ReverificationConfig } from './reverification.js';

/**
 * `fva` edge values against a 10-minute requirement: fresh is strictly below the limit; -1 is a
 * factor the user never enrolled. The expected answers are Clerk's (`@clerk/shared` authorization).
 */
const TEN_MINUTES: Array<[string, [number, number], { first: boolean; second: boolean; multi: boolean }]> = [
  ['both just verified', [0, 0], { first: true, second: true, multi: true }],
  ['both 9 minutes ago', [9, 9], { first: true, second: true, multi: true }],
  ['both 9.99 minutes ago', [9.99, 9.99], { first: true, second: true, multi: true }],
  ['both exactly 10 minutes ago', [10, 10], { first: false, second: false, multi: false }],
  ['first fresh, second stale', [9, 10], { first: true, second: false, multi: false }],
  ['first stale, second fresh', [10, 9], { first: false, second: true, multi: false }],
  ['first long ago, second just now', [600, 0], { first: false, second: true, multi: false }],
  ['no second factor, first fresh', [9, -1], { first: true, second: true, multi: true }],
  ['no second factor, first stale', [10, -1], { first: false, second: false, multi: false }],
  ['no first factor, second fresh', [-1, 9], { first: false, second: true, multi: false }],
  ['no first factor, second stale', [-1, 10], { first: false, second: false, multi: false }],
  ['no second factor, first 1 minute ago', [1, -1], { first: true, second: true, multi: true }],
  ['no first factor, second 1 minute ago', [-1, 1], { first: false, second: true, multi: false }],
  ['first 1 minute ago, second 1 minute ago', [1, 1], { first: true, second: true, multi: true }],
  ['nothing enrolled', [-1, -1], { first: false, second: false, multi: false }],
];

describe('meetsReverification', () => {
  it.each(TEN_MINUTES)('%s (fva %j)', (_name, fva, expected) => {
    const at = (level: 'first_factor' | 'second_factor' | 'multi_factor') => meetsReverification({ level, afterMinutes: 10 }, fva);
    expect({ first: at('first_factor'), second: at('second_factor'), multi: at('multi_factor') }).toEqual(expected);
    // strict_mfa is multi_factor within 10 minutes, strict second_factor within 10 minutes.
    expect(meetsReverification('strict_mfa', fva)).toBe(expected.multi);
    expect(meetsReverification('strict', fva)).toBe(expected.second);
  });

  it.each<[ReverificationConfig, [number, number], boolean]>([
    ['moderate', [59, 59], true],
    ['moderate', [0, 60], false],
    ['moderate', [60, 59], true],
    ['moderate', [59, -1], true],
    ['moderate', [60, -1], false],
    ['moderate', [-1, 59], true],
    ['lax', [1439, 1439], true],
    ['lax', [0, 1440], false],
    ['lax', [1439, -1], true],
    ['lax', [1440, -1], false],
    ['lax', [-1, -1], false],
    ['strict_mfa', [11, 0], false],
    ['strict', [11, 0], true],
  ])('%s with fva %j: %s', (config, fva, expected) => {
    expect(meetsReverification(config, fva)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['absent', undefined],
    ['null', null],
    ['empty', []],
    ['one age', [0]],
    ['three ages', [0, 0, 0]],
    ['a string age', ['0', 0]],
    ['an age below -1', [-2, 0]],
    ['NaN', [Number.NaN, 0]],
    ['Infinity', [0, Number.POSITIVE_INFINITY]],
  ])('fails closed on a %s fva', (_name, fva) => {
    expect(meetsReverification('lax', fva as number[])).toBe(false);
  });

  it.each<[string, unknown]>([
    ['an unknown preset', 'strictest'],
    ['an empty string', ''],
    ['null', null],
    ['a number', 10],
    ['an unknown level', { level: 'third_factor', afterMinutes: 10 }],
    ['zero minutes', { level: 'first_factor', afterMinutes: 0 }],
    ['negative minutes', { level: 'first_factor', afterMinutes: -5 }],
    ['NaN minutes', { level: 'first_factor', afterMinutes: Number.NaN }],
    ['minutes as a string', { level: 'first_factor', afterMinutes: '10' }],
    ['no minutes', { level: 'first_factor' }],
    ['an inherited preset name', 'toString'],
    ['a function carrying a level and minutes', Object.assign(() => undefined, { level: 'first_factor', afterMinutes: 10 })],
  ])('fails closed on %s as config', (_name, config) => {
    expect(reverificationRequirement(config)).toBeNull();
    expect(meetsReverification(config, [0, 0])).toBe(false);
  });
});

describe('reverificationRequirement', () => {
  it("resolves Clerk's presets", () => {
    expect(reverificationRequirement('strict_mfa')).toEqual({ level: 'multi_factor', afterMinutes: 10 });
    expect(reverificationRequirement('strict')).toEqual({ level: 'second_factor', afterMinutes: 10 });
    expect(reverificationRequirement('moderate')).toEqual({ level: 'second_factor', afterMinutes: 60 });
    expect(reverificationRequirement('lax')).toEqual({ level: 'second_factor', afterMinutes: 1440 });
  });

  it('keeps only level and afterMinutes of an object config', () => {
    expect(reverificationRequirement({ level: 'first_factor', afterMinutes: 5, extra: true })).toEqual({ level: 'first_factor', afterMinutes: 5 });
  });
});

describe('reverificationErrorBody', () => {
  it("is Clerk's body with the requirement spelled out", () => {
    expect(reverificationErrorBody('strict')).toEqual({
      clerk_error: { type: 'forbidden', reason: 'reverification-error', metadata: { reverification: { level: 'second_factor', afterMinutes: 10 } } },
    });
    expect(reverificationErrorBody({ level: 'multi_factor', afterMinutes: 3 }).clerk_error.metadata.reverification).toEqual({
      level: 'multi_factor',
      afterMinutes: 3,
    });
  });

  it('refuses a config that is not one', () => {
    expect(() => reverificationErrorBody('nope' as ReverificationConfig)).toThrow(new TypeError('nestjs-warden: not a reverification config'));
  });
});
