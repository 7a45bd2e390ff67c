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

describe('bootWarnings with one issuer', () => {
  const NO_ISSUER = 'No "issuer" configured: any issuer whose tokens these keys verify is accepted. Set the issuer option.';
  const NOT_NARROWED =
    'No "audience", "authorizedParties", "typ" or "acceptsToken" configured: a token the issuer made for any of its clients is accepted. ' +
    'Set audience (the API identifier in aud) or authorizedParties (the client ids or origins in azp).';

  it('names both open doors of keys without issuer or audience, and neither once both are set', () => {
    expect(warningsFor({ jwksUrl: A.jwksUrl })).toEqual([NO_ISSUER, NOT_NARROWED]);
    expect(warningsFor({ ...A })).toEqual([NOT_NARROWED]);
    expect(warningsFor({ ...A, audience: 'api' })).toEqual([]);
  });

  it('counts each narrowing option, set alone', () => {
    const narrowed: AuthModuleOptions[] = [
      { ...A, audience: 'api' },
      { ...A, authorizedParties: ['https://app.example.com'] },
      { ...A, typ: 'at+jwt' },
      { ...A, acceptsToken: 'session_token' },
      { ...A, checkClaims: () => null },
    ];
    for (const options of narrowed) expect(warningsFor(options)).toEqual([]);
  });

  it('asks no audience of a shared secret, which belongs to this app alone', () => {
    const secret = 'a-test-secret-of-at-least-32-bytes!!';
    expect(warningsFor({ secret, issuer: A.issuer })).toEqual([]);
    expect(warningsFor({ secret })).toEqual([NO_ISSUER]);
  });
});
