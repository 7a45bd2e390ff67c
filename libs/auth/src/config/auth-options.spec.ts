import { describe, expect, it } from '@jest/globals';
import { type AuthModuleOptions } from './auth-options.js';
import { AuthConfigError } from './auth-config-error.js';
import { resolveAuthOptions } from './resolve-auth-options.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

function failure(options: unknown): AuthConfigError {
  try {
    resolveAuthOptions(options as AuthModuleOptions);
  } catch (error) {
    return error as AuthConfigError;
  }
  throw new Error('expected resolveAuthOptions to throw');
}

describe('resolveAuthOptions', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveAuthOptions({ secret: SECRET });
    expect(resolved).toMatchObject({
      maxTokenBytes: 8192,
      tokenSources: ['header', 'cookie'],
      headerName: 'authorization',
      cookieName: '__session',
      defaultPolicy: 'required',
      debug: false,
      realm: 'api',
    });
    expect(resolved.issuers.entries[0]).toMatchObject({ clockSkewInMs: 5000, treatPendingAsSignedOut: true, requiredClaims: ['exp', 'sub'] });
    expect(resolved.issuers.entries[0].issuer).toBeUndefined();
  });

  it('normalises single values to lists and keeps exp and sub required', () => {
    const resolved = resolveAuthOptions({ secret: SECRET, issuer: 'https://a', audience: 'api', requiredClaims: ['sid', 'exp'] });
    const [entry] = resolved.issuers.entries;
    expect(entry.issuer).toEqual(['https://a']);
    expect(entry.audience).toEqual(['api']);
    expect(entry.requiredClaims).toEqual(['exp', 'sub', 'sid']);
  });

  it.each([
    [{}, 'jwksUrl', /key source is required/],
    [{ secret: SECRET, jwks: { keys: [] } }, 'jwks, secret', /exactly one key source/],
    [{ jwksUrl: 'not a url' }, 'jwksUrl', /absolute URL/],
    [{ jwksUrl: 'http://issuer.example.com/jwks' }, 'jwksUrl', /https/],
    [{ jwks: { nope: 1 } }, 'jwks', /keys/],
    [{ jwtKey: 'abc' }, 'jwtKey', /PEM/],
    [{ secret: 'short' }, 'secret', /32 bytes/],
    [{ secret: 42 }, 'secret', /string or a Uint8Array/],
    [{ secret: SECRET, clockSkewInMs: -1 }, 'clockSkewInMs', />= 0/],
    [{ secret: SECRET, clockSkewInMs: Number.NaN }, 'clockSkewInMs', /finite/],
    [{ secret: SECRET, maxTokenAgeInMs: 0 }, 'maxTokenAgeInMs', />= 1/],
    [{ secret: SECRET, maxTokenBytes: '8k' }, 'maxTokenBytes', /number/],
    [{ secret: SECRET, tokenSources: ['query'] }, 'tokenSources', /header/],
    [{ secret: SECRET, tokenSources: [] }, 'tokenSources', /non-empty/],
    [{ secret: SECRET, tokenSources: ['cookie', 'cookie'] }, 'tokenSources', /header/],
    [{ secret: SECRET, defaultPolicy: 'public' }, 'defaultPolicy', /required/],
    [{ secret: SECRET, issuer: '' }, 'issuer', /non-empty/],
    [{ secret: SECRET, issuer: [] }, 'issuer', /non-empty/],
    [{ secret: SECRET, audience: [1] }, 'audience', /strings/],
    [{ secret: SECRET, authorizedParties: [''] }, 'authorizedParties', /non-empty/],
    [{ secret: SECRET, cookieName: '' }, 'cookieName', /non-empty/],
    [{ secret: SECRET, treatPendingAsSignedOut: 'yes' }, 'treatPendingAsSignedOut', /true or false/],
    [{ secret: SECRET, isRevoked: true }, 'isRevoked', /function/],
    [{ secret: SECRET, getTokenTemplate: 'x' }, 'getTokenTemplate', /function/],
    [null, 'options', /object/],
  ])('refuses %j naming the option', (options, option, problem) => {
    const error = failure(options);
    expect(error).toBeInstanceOf(AuthConfigError);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`"${option}"`);
    expect(error.message).toMatch(problem);
  });

  it('accepts http for a loopback JWKS URL', () => {
    expect(resolveAuthOptions({ jwksUrl: 'http://127.0.0.1:4000/jwks' }).issuers.entries[0].jwksUrl).toBe('http://127.0.0.1:4000/jwks');
  });

  it('takes one authorized party given as a string as a list of one, never of characters', () => {
    const resolved = resolveAuthOptions({ secret: SECRET, authorizedParties: 'https://app' as unknown as string[] });
    expect(resolved.issuers.entries[0].authorizedParties).toEqual(['https://app']);
  });
});
