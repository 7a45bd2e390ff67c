import { describe, expect, it } from '@jest/globals';
import { meetsStepUp, stepUpChallenge, validateStepUpRequirement } from './step-up.js';

const NOW = 1_800_000_000;
const MFA = 'urn:example:mfa';

describe('meetsStepUp', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['the listed acr', { acr: MFA }, true],
    ['another listed acr', { acr: 'urn:example:hwk' }, true],
    ['an acr not listed', { acr: 'urn:example:pwd' }, false],
    ['a near miss', { acr: `${MFA} ` }, false],
    ['no acr', {}, false],
    ['acr as a list', { acr: [MFA] }, false],
  ])('acr: %s', (_name, claims, expected) => {
    expect(meetsStepUp({ acr: [MFA, 'urn:example:hwk'] }, claims, NOW)).toBe(expected);
  });

  it.each<[string, unknown, boolean]>([
    ['just now', NOW, true],
    ['exactly max_age ago', NOW - 300, true],
    ['one second too long ago', NOW - 301, false],
    ['absent', undefined, false],
    ['a string', String(NOW), false],
    ['NaN', Number.NaN, false],
    ['within the clock skew ahead', NOW + 5, true],
    ['beyond the clock skew ahead', NOW + 6, false],
  ])('auth_time %s', (_name, authTime, expected) => {
    expect(meetsStepUp({ maxAgeSeconds: 300 }, { auth_time: authTime }, NOW, 5)).toBe(expected);
  });

  it('needs both when both are asked', () => {
    const requirement = { acr: [MFA], maxAgeSeconds: 60 };
    expect(meetsStepUp(requirement, { acr: MFA, auth_time: NOW - 10 }, NOW)).toBe(true);
    expect(meetsStepUp(requirement, { acr: MFA, auth_time: NOW - 61 }, NOW)).toBe(false);
    expect(meetsStepUp(requirement, { acr: 'urn:example:pwd', auth_time: NOW }, NOW)).toBe(false);
  });

  it('maxAgeSeconds 0 means authenticated this very second', () => {
    expect(meetsStepUp({ maxAgeSeconds: 0 }, { auth_time: NOW }, NOW)).toBe(true);
    expect(meetsStepUp({ maxAgeSeconds: 0 }, { auth_time: NOW - 1 }, NOW)).toBe(false);
  });
});

describe('validateStepUpRequirement', () => {
  it('copies a valid requirement', () => {
    expect(validateStepUpRequirement({ acr: [MFA], maxAgeSeconds: 300 })).toEqual({ acr: [MFA], maxAgeSeconds: 300 });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty acr list', { acr: [] }, 'acr'],
    ['acr as a string', { acr: MFA }, 'acr'],
    ['an acr with a space', { acr: ['urn:a urn:b'] }, 'acr'],
    ['an acr with a quote', { acr: ['urn:"x'] }, 'acr'],
    ['an empty acr', { acr: [''] }, 'acr'],
    ['negative maxAgeSeconds', { maxAgeSeconds: -1 }, 'maxAgeSeconds'],
    ['fractional maxAgeSeconds', { maxAgeSeconds: 1.5 }, 'maxAgeSeconds'],
    ['maxAgeSeconds as a string', { maxAgeSeconds: '300' }, 'maxAgeSeconds'],
  ])('refuses %s, naming the field', (_name, requirement, field) => {
    expect(() => validateStepUpRequirement(requirement as never)).toThrow(field);
  });
});

describe('step-up at the limits', () => {
  it('needs nothing for an empty requirement, and ignores claims it does not ask', () => {
    expect(meetsStepUp({}, {}, NOW)).toBe(true);
    expect(meetsStepUp({ acr: [MFA] }, { acr: MFA, auth_time: 0 }, NOW)).toBe(true);
    expect(meetsStepUp({ maxAgeSeconds: 60 }, { acr: 'anything', auth_time: NOW }, NOW)).toBe(true);
  });

  it('allows no clock skew by default: an auth_time one second ahead is malformed', () => {
    expect(meetsStepUp({ maxAgeSeconds: 60 }, { auth_time: NOW }, NOW)).toBe(true);
    expect(meetsStepUp({ maxAgeSeconds: 60 }, { auth_time: NOW + 1 }, NOW)).toBe(false);
  });

  it('fails an infinite auth_time', () => {
    expect(meetsStepUp({ maxAgeSeconds: 60 }, { auth_time: Number.NEGATIVE_INFINITY }, NOW, 5)).toBe(false);
    expect(meetsStepUp({ maxAgeSeconds: 60 }, { auth_time: Number.POSITIVE_INFINITY }, NOW, 5)).toBe(false);
  });

  it('returns a frozen copy: a later change to the given list changes nothing', () => {
    const acr = [MFA];
    const checked = validateStepUpRequirement({ acr, maxAgeSeconds: 0 });
    expect(checked).toEqual({ acr: [MFA], maxAgeSeconds: 0 });
    expect(checked.acr).not.toBe(acr);
    expect(Object.isFrozen(checked.acr)).toBe(true);
    expect(validateStepUpRequirement({})).toEqual({});
    expect(Object.keys(validateStepUpRequirement({ maxAgeSeconds: 5 }))).toEqual(['maxAgeSeconds']);
  });

  it.each<[string, Record<string, unknown>]>([
    ['acr with a non-string after a good one', { acr: [MFA, 5] }],
    ['acr with a non-ASCII value', { acr: ['urn:é'] }],
    ['acr with a backslash', { acr: ['urn:\\x'] }],
    ['acr as an object', { acr: { 0: MFA, length: 1 } }],
  ])('refuses %s with the acr message', (_name, requirement) => {
    expect(() => validateStepUpRequirement(requirement as never)).toThrow(
      'nestjs-warden: @RequireAuth({ acr }) must be a non-empty list of acr values (printable, no spaces or quotes)',
    );
  });

  it.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['beyond the safe integers', Number.MAX_SAFE_INTEGER + 1],
    ['-1', -1],
  ])('refuses maxAgeSeconds %s with the maxAgeSeconds message', (_name, maxAgeSeconds) => {
    expect(() => validateStepUpRequirement({ maxAgeSeconds } as never)).toThrow(
      'nestjs-warden: @RequireAuth({ maxAgeSeconds }) must be a whole number of seconds, 0 or more',
    );
  });
});

describe('stepUpChallenge (RFC 9470)', () => {
  it('names the error, the acr values and max_age, in that order', () => {
    expect(stepUpChallenge('api', { acr: [MFA, 'urn:example:hwk'], maxAgeSeconds: 300 })).toBe(
      `Bearer realm="api", error="insufficient_user_authentication", acr_values="${MFA} urn:example:hwk", max_age=300`,
    );
  });

  it('leaves out what the requirement does not ask, and keeps max_age 0', () => {
    expect(stepUpChallenge('api', { acr: [MFA] })).toBe(`Bearer realm="api", error="insufficient_user_authentication", acr_values="${MFA}"`);
    expect(stepUpChallenge('api', { maxAgeSeconds: 0 })).toBe('Bearer realm="api", error="insufficient_user_authentication", max_age=0');
    expect(stepUpChallenge('api', { acr: [] })).toBe('Bearer realm="api", error="insufficient_user_authentication"');
  });

  it('adds a description when one is given', () => {
    expect(stepUpChallenge('app', { maxAgeSeconds: 60 }, 'authenticate again')).toBe(
      'Bearer realm="app", error="insufficient_user_authentication", error_description="authenticate again", max_age=60',
    );
    expect(stepUpChallenge('app', { maxAgeSeconds: 60 }, '')).toBe('Bearer realm="app", error="insufficient_user_authentication", max_age=60');
  });
});
