import { describe, expect, it } from '@jest/globals';
import { CURRENT_USER_DEFAULTS, resolveCurrentUserOptions } from './current-user-options.js';
import { expectConfigRefusal } from './config-error.spec-support.js';

const load = () => null;

function expectRefused(loader: unknown, options: unknown, option: string, problem: string): void {
  expectConfigRefusal(() => resolveCurrentUserOptions(loader, options), option, problem);
}

const WHOLE = 'expected a whole number of at least 1';
const NOT_WHOLE: Array<[string, unknown]> = [
  ['0', 0],
  ['negative', -1],
  ['a fraction', 1.5],
  ['a fraction below 1', 0.5],
  ['beyond the safe integers', 2 ** 53],
  ['NaN', Number.NaN],
  ['Infinity', Infinity],
  ['a numeric string', '5000'],
  ['a boolean', true],
  ['an object', {}],
];

describe('CURRENT_USER_DEFAULTS', () => {
  it('are 401, 5 s, and a cache of 60 s and 10000 users', () => {
    expect(CURRENT_USER_DEFAULTS).toStrictEqual({ whenMissing: 401, timeoutInMs: 5000, ttlInMs: 60_000, maxEntries: 10_000 });
  });
});

describe('resolveCurrentUserOptions: loadUser', () => {
  it('is undefined without a loader', () => {
    expect(resolveCurrentUserOptions(undefined, undefined)).toBeUndefined();
  });

  it.each([
    ['settings', {}],
    ['null', null],
    ['false', false],
  ])('refuses currentUser (%s) without a loader', (_, options) => {
    expectRefused(undefined, options, 'currentUser', 'applies only with loadUser');
  });

  it.each([
    ['null', null],
    ['a string', 'loadUser'],
    ['an object', { load }],
    ['true', true],
  ])('refuses a loader that is %s', (_, loader) => {
    expectRefused(loader, undefined, 'loadUser', 'expected a function (auth, context) => user | null');
    expectRefused(loader, { whenMissing: 999 }, 'loadUser', 'expected a function (auth, context) => user | null');
  });

  it('applies the defaults: 401, 5000 ms, no cache, and keeps the loader', () => {
    const resolved = resolveCurrentUserOptions(load, undefined);
    expect(resolved).toStrictEqual({ load, whenMissing: 401, timeoutInMs: 5000, cache: false });
    expect(resolved?.load).toBe(load);
    expect(resolveCurrentUserOptions(load, {})).toStrictEqual({ load, whenMissing: 401, timeoutInMs: 5000, cache: false });
  });

  it('takes an async loader', () => {
    const loadAsync = async () => ({ id: 'u1' });
    expect(resolveCurrentUserOptions(loadAsync, undefined)?.load).toBe(loadAsync);
  });
});

describe('resolveCurrentUserOptions: currentUser', () => {
  it('takes every option', () => {
    expect(resolveCurrentUserOptions(load, { whenMissing: 403, timeoutInMs: 1, cache: { ttlInMs: 2, maxEntries: 3 } })).toStrictEqual({
      load,
      whenMissing: 403,
      timeoutInMs: 1,
      cache: { ttlInMs: 2, maxEntries: 3 },
    });
  });

  it.each([
    ['null', null],
    ['a string', '403'],
    ['a number', 403],
    ['an array', [{ whenMissing: 403 }]],
    ['true', true],
  ])('refuses currentUser: %s', (_, options) => {
    expectRefused(load, options, 'currentUser', 'expected { whenMissing?, timeoutInMs?, cache? }');
  });

  it('refuses an unknown option, naming it with the closest known one', () => {
    expectRefused(load, { whenMising: 403 }, 'currentUser.whenMising', 'unknown option "currentUser.whenMising" (did you mean "currentUser.whenMissing"?)');
    expectRefused(load, { caches: true }, 'currentUser.caches', 'unknown option "currentUser.caches" (did you mean "currentUser.cache"?)');
    expectRefused(load, { timeoutMs: 5 }, 'currentUser.timeoutMs', 'unknown option "currentUser.timeoutMs" (did you mean "currentUser.timeoutInMs"?)');
    expectRefused(load, { ttlInMs: 5 }, 'currentUser.ttlInMs', 'unknown option "currentUser.ttlInMs"');
  });
});

describe('resolveCurrentUserOptions: whenMissing', () => {
  it('takes 401 and 403; 401 when not given', () => {
    expect(resolveCurrentUserOptions(load, { whenMissing: 401 })?.whenMissing).toBe(401);
    expect(resolveCurrentUserOptions(load, { whenMissing: 403 })?.whenMissing).toBe(403);
    expect(resolveCurrentUserOptions(load, { whenMissing: undefined })?.whenMissing).toBe(401);
  });

  it.each([
    ['402', 402],
    ['404', 404],
    ['0', 0],
    ['the string 401', '401'],
    ['the string 403', '403'],
    ['true', true],
  ])('refuses %s', (_, whenMissing) => {
    expectRefused(load, { whenMissing }, 'currentUser.whenMissing', 'expected 401 or 403');
  });
});

describe('resolveCurrentUserOptions: timeoutInMs', () => {
  it('takes whole numbers from 1 to the largest safe integer', () => {
    expect(resolveCurrentUserOptions(load, { timeoutInMs: 1 })?.timeoutInMs).toBe(1);
    expect(resolveCurrentUserOptions(load, { timeoutInMs: 2 })?.timeoutInMs).toBe(2);
    expect(resolveCurrentUserOptions(load, { timeoutInMs: Number.MAX_SAFE_INTEGER })?.timeoutInMs).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each(NOT_WHOLE)('refuses %s', (_, timeoutInMs) => {
    expectRefused(load, { timeoutInMs }, 'currentUser.timeoutInMs', WHOLE);
  });
});

describe('resolveCurrentUserOptions: cache', () => {
  it('is off when not given or false', () => {
    expect(resolveCurrentUserOptions(load, { cache: undefined })?.cache).toBe(false);
    expect(resolveCurrentUserOptions(load, { cache: false })?.cache).toBe(false);
  });

  it('takes true and {} for the default bounds', () => {
    expect(resolveCurrentUserOptions(load, { cache: true })).toStrictEqual({
      load,
      whenMissing: 401,
      timeoutInMs: 5000,
      cache: { ttlInMs: 60_000, maxEntries: 10_000 },
    });
    expect(resolveCurrentUserOptions(load, { cache: {} })?.cache).toStrictEqual({ ttlInMs: 60_000, maxEntries: 10_000 });
  });

  it('takes each bound alone, the other one from the defaults', () => {
    expect(resolveCurrentUserOptions(load, { cache: { ttlInMs: 1 } })?.cache).toStrictEqual({ ttlInMs: 1, maxEntries: 10_000 });
    expect(resolveCurrentUserOptions(load, { cache: { maxEntries: 1 } })?.cache).toStrictEqual({ ttlInMs: 60_000, maxEntries: 1 });
    expect(resolveCurrentUserOptions(load, { cache: { ttlInMs: Number.MAX_SAFE_INTEGER, maxEntries: 2 } })?.cache).toStrictEqual({
      ttlInMs: Number.MAX_SAFE_INTEGER,
      maxEntries: 2,
    });
  });

  it.each([
    ['null', null],
    ['a number', 1000],
    ['a string', 'true'],
    ['an array', [{ ttlInMs: 1 }]],
    ['an empty array', []],
  ])('refuses cache: %s', (_, cache) => {
    expectRefused(load, { cache }, 'currentUser.cache', 'expected true, false or { ttlInMs?, maxEntries? }');
  });

  it('refuses an unknown bound, naming it with the closest known one', () => {
    expectRefused(
      load,
      { cache: { ttlMs: 5 } },
      'currentUser.cache.ttlMs',
      'unknown option "currentUser.cache.ttlMs" (did you mean "currentUser.cache.ttlInMs"?)',
    );
    expectRefused(
      load,
      { cache: { maxEntrie: 5 } },
      'currentUser.cache.maxEntrie',
      'unknown option "currentUser.cache.maxEntrie" (did you mean "currentUser.cache.maxEntries"?)',
    );
    expectRefused(load, { cache: { timeoutInMs: 5 } }, 'currentUser.cache.timeoutInMs', 'unknown option "currentUser.cache.timeoutInMs"');
  });

  it.each(NOT_WHOLE)('refuses a ttlInMs that is %s', (_, ttlInMs) => {
    expectRefused(load, { cache: { ttlInMs } }, 'currentUser.cache.ttlInMs', WHOLE);
  });

  it.each(NOT_WHOLE)('refuses a maxEntries that is %s', (_, maxEntries) => {
    expectRefused(load, { cache: { maxEntries } }, 'currentUser.cache.maxEntries', WHOLE);
  });
});
