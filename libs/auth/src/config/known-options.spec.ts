import { describe, expect, it } from '@jest/globals';
import { AUTH_DEFAULTS } from './auth-defaults.js';
import { AuthConfigError } from './auth-config-error.js';
import { AUTH_OPTION_NAMES, checkKeys, checkKnownOptions } from './known-options.js';

function refusal(check: () => void): AuthConfigError {
  try {
    check();
  } catch (error) {
    return error as AuthConfigError;
  }
  throw new Error('expected the check to throw');
}

describe('known options', () => {
  it('knows every option that has a default, and the key sources', () => {
    for (const name of [...Object.keys(AUTH_DEFAULTS), 'jwksUrl', 'jwks', 'jwtKey', 'secret', 'bootChecks']) {
      expect(AUTH_OPTION_NAMES).toContain(name);
    }
    expect(() => checkKnownOptions({ secret: 'x', issuer: 'y', cache: false, bootChecks: {} })).not.toThrow();
  });

  it('refuses a key whatever its value, undefined included', () => {
    expect(refusal(() => checkKnownOptions({ audiences: undefined })).option).toBe('audiences');
  });

  it('names nested keys with their prefix', () => {
    const error = refusal(() => checkKeys({ maxByte: 1 }, ['maxEntries', 'maxBytes'], 'cache.'));
    expect(error.option).toBe('cache.maxByte');
    expect(error.message).toContain('unknown option "cache.maxByte" (did you mean "cache.maxBytes"?)');
  });

  it('keeps a key from a config file to one short printable line', () => {
    const error = refusal(() => checkKnownOptions({ [`evil\n\u001b[31m${'x'.repeat(200)}`]: 1 }));
    expect(error.message.includes('\n') || error.message.includes('\u001b')).toBe(false);
    expect(error.message.length).toBeLessThan(200);
  });
});
