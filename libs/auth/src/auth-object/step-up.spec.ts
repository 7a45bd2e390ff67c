import { describe, expect, it } from '@jest/globals';
import { meetsStepUp, validateStepUpRequirement } from './step-up.js';

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
    expect(meetsStepUp({ maxAgeSeconds: 300 }, { auth_time: authTime } as never, NOW, 5)).toBe(expected);
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
