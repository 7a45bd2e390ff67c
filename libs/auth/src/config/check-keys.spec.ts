import { describe, expect, it } from '@jest/globals';
import { AuthConfigError } from './auth-config-error.js';
import { resolveBootChecks } from './boot-checks-option.js';
import { checkKeys } from './check-keys.js';
import { AUTH_OPTION_NAMES, checkKnownOptions } from './known-options.js';

/** [option, problem] of the AuthConfigError `check` throws. */
function refused(check: () => unknown): [string, string] {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return [(error as AuthConfigError).option, (error as AuthConfigError).problem];
  }
  throw new Error('expected the check to throw');
}

describe('checkKeys', () => {
  const known = ['maxEntries', 'maxBytes'];

  it('takes known keys and no keys', () => {
    expect(() => checkKeys({ maxEntries: 1, maxBytes: 2 }, known, 'cache.')).not.toThrow();
    expect(() => checkKeys({}, known, 'cache.')).not.toThrow();
  });

  it('names one unknown key, with the closest known one when it is close', () => {
    expect(refused(() => checkKeys({ maxByte: 1 }, known, 'cache.'))).toEqual([
      'cache.maxByte',
      'unknown option "cache.maxByte" (did you mean "cache.maxBytes"?)',
    ]);
    expect(refused(() => checkKeys({ ttl: 1 }, known, 'cache.'))).toEqual(['cache.ttl', 'unknown option "cache.ttl"']);
  });

  it('names every unknown key', () => {
    expect(refused(() => checkKeys({ maxEntries: 1, maxByte: 1, ttl: 2 }, known, 'cache.'))).toEqual([
      'cache.maxByte, cache.ttl',
      'unknown options "cache.maxByte" (did you mean "cache.maxBytes"?), "cache.ttl"',
    ]);
  });

  it('says where global goes at the top level only', () => {
    const hint = 'it is not an option of the verifier: pass it to forRoot({ ..., global: true }) or forRootAsync({ global: true, useFactory })';
    expect(refused(() => checkKnownOptions({ secret: 'x', global: true }))).toEqual(['global', `unknown option "global": ${hint}`]);
    expect(refused(() => checkKeys({ global: true }, known, 'cache.'))).toEqual(['cache.global', 'unknown option "cache.global"']);
    expect(refused(() => checkKnownOptions({ global: true, audiences: 'x' }))[1]).toBe(
      `unknown options "global": ${hint}, "audiences" (did you mean "audience"?)`,
    );
  });

  it('keeps keys to 64 printable characters, in the option and the message', () => {
    const key = `a\u0000b\u00e9${'c'.repeat(100)}`;
    const printed = `a?b?${'c'.repeat(60)}`;
    expect(refused(() => checkKeys({ [key]: 1 }, known, ''))).toEqual([printed, `unknown option "${printed}"`]);
    expect(refused(() => checkKeys({ ' ~': 1 }, known, ''))).toEqual([' ~', 'unknown option " ~"']);
  });
});

describe('checkKnownOptions', () => {
  it('takes every option name, whatever its value', () => {
    expect(() => checkKnownOptions(Object.fromEntries(AUTH_OPTION_NAMES.map((name) => [name, undefined])))).not.toThrow();
    expect(AUTH_OPTION_NAMES).toEqual(expect.arrayContaining(['jwksUrl', 'issuers', 'resolveIssuerAddresses', 'onRefused', 'bootChecks', 'introspection']));
  });
});

describe('resolveBootChecks', () => {
  it("defaults uncoveredHandlers to 'error', and takes 'warn'", () => {
    expect(resolveBootChecks(undefined)).toEqual({ uncoveredHandlers: 'error' });
    expect(resolveBootChecks({})).toEqual({ uncoveredHandlers: 'error' });
    expect(resolveBootChecks({ uncoveredHandlers: undefined })).toEqual({ uncoveredHandlers: 'error' });
    expect(resolveBootChecks({ uncoveredHandlers: 'error' })).toEqual({ uncoveredHandlers: 'error' });
    expect(resolveBootChecks({ uncoveredHandlers: 'warn' })).toEqual({ uncoveredHandlers: 'warn' });
  });

  it('refuses anything else, naming bootChecks or its key', () => {
    for (const value of [null, false, 'warn', ['warn']]) {
      expect(refused(() => resolveBootChecks(value))).toEqual(['bootChecks', "expected { uncoveredHandlers?: 'error' | 'warn' }"]);
    }
    expect(refused(() => resolveBootChecks({ uncoveredHandlers: 'off' }))).toEqual(['bootChecks.uncoveredHandlers', "expected 'error' or 'warn'"]);
    expect(refused(() => resolveBootChecks({ uncoveredHandler: 'warn' }))).toEqual([
      'bootChecks.uncoveredHandler',
      'unknown option "bootChecks.uncoveredHandler" (did you mean "bootChecks.uncoveredHandlers"?)',
    ]);
  });
});
