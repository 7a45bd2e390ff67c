import { describe, expect, it } from '@jest/globals';
import { type AuthModuleOptions } from './auth-options.js';
import { resolveAuthOptions } from './resolve-auth-options.js';
import { bootWarnings } from './boot-warnings.js';

const A = { jwksUrl: 'https://a.example.com/jwks', issuer: 'https://a.example.com' };
const B = { jwksUrl: 'https://b.example.com/jwks', issuer: 'https://b.example.com' };

const warningsFor = (options: AuthModuleOptions) => bootWarnings(options, resolveAuthOptions(options));

describe('bootWarnings with several issuers', () => {
  it('checks each entry as a module of its own, naming the entry', () => {
    const warnings = warningsFor({ issuers: [{ ...A, audience: 'api' }, B] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^issuers\[1\]: No "audience", "authorizedParties"/);
  });

  it('counts a top-level default as narrowing every entry', () => {
    expect(warningsFor({ issuers: [A, B], audience: 'api' })).toEqual([]);
  });

  it('never says that no issuer is configured: every entry has one, and resolveIssuer answers at run time', () => {
    expect(warningsFor({ resolveIssuer: () => null })).toEqual([]);
    expect(warningsFor({ issuers: [{ ...A, audience: 'api' }], resolveIssuer: () => null })).toEqual([]);
  });

  it('still warns a module with one issuer', () => {
    expect(warningsFor({ jwksUrl: A.jwksUrl })).toHaveLength(2);
  });
});
