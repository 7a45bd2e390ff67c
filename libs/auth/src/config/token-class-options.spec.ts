import { describe, expect, it } from '@jest/globals';
import { AuthConfigError } from './auth-config-error.js';
import { resolveAuthOptions } from './resolve-auth-options.js';

const base = { secret: 'x'.repeat(32) };

describe('options acceptsToken and classifyToken', () => {
  it('defaults to sessions, or to OAuth tokens when typ requires at+jwt', () => {
    expect(resolveAuthOptions(base).acceptsToken).toBe('session_token');
    expect(resolveAuthOptions({ ...base, typ: 'at+jwt' }).acceptsToken).toBe('oauth_token');
    expect(resolveAuthOptions({ ...base, typ: 'Application/AT+JWT' }).acceptsToken).toBe('oauth_token');
    expect(resolveAuthOptions({ ...base, typ: 'JWT' }).acceptsToken).toBe('session_token');
    expect(resolveAuthOptions({ ...base, typ: 'at+jwt', acceptsToken: 'any' }).acceptsToken).toBe('any');
    expect(resolveAuthOptions({ ...base, acceptsToken: ['m2m_token', 'api_key'] }).acceptsToken).toEqual(['m2m_token', 'api_key']);
  });

  it.each([['id_token'], [[]], [['session_token', 'nope']], [null], [42]])('refuses acceptsToken %p at boot, naming it', (value) => {
    expect(() => resolveAuthOptions({ ...base, acceptsToken: value as never })).toThrow(AuthConfigError);
    expect(() => resolveAuthOptions({ ...base, acceptsToken: value as never })).toThrow(/"acceptsToken"/);
  });

  it('classifyToken must be a function', () => {
    expect(() => resolveAuthOptions({ ...base, classifyToken: 'clerk' as never })).toThrow(/"classifyToken"/);
  });
});

describe('option scopeClaim', () => {
  it('is unset by default (each class reads its own claim) and kept as given, also per issuer entry', () => {
    expect(resolveAuthOptions(base).issuers.entries[0].scopeClaim).toBeUndefined();
    expect(resolveAuthOptions({ ...base, scopeClaim: 'scp' }).issuers.entries[0].scopeClaim).toBe('scp');
    const several = resolveAuthOptions({
      scopeClaim: 'scope',
      issuers: [
        { ...base, issuer: 'https://a.test' },
        { ...base, issuer: 'https://b.test', scopeClaim: 'scp' },
      ],
    });
    expect(several.issuers?.entries.map((entry) => entry.scopeClaim)).toEqual(['scope', 'scp']);
  });

  it.each([[''], ['a b'], ['scp\n'], [5], [['scp']], [null]])('refuses %p at boot, naming the option', (value) => {
    expect(() => resolveAuthOptions({ ...base, scopeClaim: value as never })).toThrow(/"scopeClaim"/);
  });
});

describe('acceptsTokenOption', () => {
  it('names the option once in the problem, and lists the classes', () => {
    let problem = '';
    try {
      resolveAuthOptions({ ...base, acceptsToken: 'id_token' as never });
    } catch (error) {
      problem = (error as AuthConfigError).problem;
    }
    expect(problem).toBe("expected 'any', one of 'session_token', 'oauth_token', 'm2m_token', 'api_key', or a non-empty list of them");
  });

  it('reads typ as RFC 9068 access tokens with or without application/, in any case, and nothing around it', () => {
    for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt']) expect(resolveAuthOptions({ ...base, typ }).acceptsToken).toBe('oauth_token');
    for (const typ of ['xat+jwt', 'at+jwt2', 'application/at+jwt; x', 'text/at+jwt'])
      expect(resolveAuthOptions({ ...base, typ }).acceptsToken).toBe('session_token');
  });
});
