import { describe, expect, it } from '@jest/globals';
import { type AuthModuleOptions } from './auth-options.js';
import { AuthConfigError } from './auth-config-error.js';
import { resolveAuthOptions } from './resolve-auth-options.js';
import { resolveOpaqueTokenOptions } from './opaque-token-options.js';
import { clerk } from '../presets/clerk.preset.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const credentials = { clientId: 'api', clientSecret: 's3cret-value' };

function optionNamed(options: Partial<AuthModuleOptions>): string {
  try {
    resolveAuthOptions({ secret: SECRET, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    expect((error as Error).message).not.toContain('s3cret-value');
    return (error as AuthConfigError).option;
  }
  return 'accepted';
}

describe('opaque token options', () => {
  it('are off by default', () => {
    expect(resolveAuthOptions({ secret: SECRET }).opaque).toBeUndefined();
  });

  it('take the endpoint from url, or from a single issuer by discovery, with defaults', () => {
    const byUrl = resolveAuthOptions({ secret: SECRET, introspection: { url: 'https://as.example.com/introspect', ...credentials } }).opaque;
    expect(byUrl).toMatchObject({
      introspection: { endpoint: { url: new URL('https://as.example.com/introspect') }, maxBytes: 65536 },
      timeoutInMs: 5000,
      cooldownInMs: 5000,
    });
    const byIssuer = resolveAuthOptions({ secret: SECRET, issuer: ['https://as.example.com'], introspection: credentials }).opaque;
    expect(byIssuer?.introspection?.endpoint).toEqual({ issuer: 'https://as.example.com' });
  });

  it("let Clerk's prefixes name the class with the hook and under the clerk() preset only", () => {
    const url = 'https://as.example.com/introspect';
    expect(resolveAuthOptions({ secret: SECRET, verifyOpaqueToken: () => null }).opaque?.classesByPrefix).toBe(true);
    expect(resolveAuthOptions({ secret: SECRET, introspection: { url, ...credentials } }).opaque?.classesByPrefix).toBe(false);
    const clerkOptions = clerk({ frontendApi: 'clerk.example.com', jwtKey: '-----BEGIN PUBLIC KEY-----' });
    expect(resolveOpaqueTokenOptions({ ...clerkOptions, introspection: { url, ...credentials } })?.classesByPrefix).toBe(true);
    const ownClassifier = { ...clerkOptions, classifyToken: () => 'session_token' as const };
    expect(resolveOpaqueTokenOptions({ ...ownClassifier, introspection: { url, ...credentials } })?.classesByPrefix).toBe(false);
  });

  it('name the bad option at boot', () => {
    expect(optionNamed({ introspection: credentials })).toBe('introspection.url');
    expect(optionNamed({ issuer: ['https://a.example.com', 'https://b.example.com'], introspection: credentials })).toBe('introspection.url');
    expect(optionNamed({ introspection: { ...credentials, url: 'http://as.example.com/introspect' } })).toBe('introspection.url');
    expect(optionNamed({ introspection: { ...credentials, url: 'not a url' } })).toBe('introspection.url');
    expect(optionNamed({ introspection: { url: 'https://as.example.com/i', clientId: '', clientSecret: 's3cret-value' } })).toBe('introspection.clientId');
    expect(optionNamed({ introspection: { url: 'https://as.example.com/i', clientId: 'api' } as never })).toBe('introspection.clientSecret');
    expect(optionNamed({ introspection: { url: 'https://as.example.com/i', ...credentials, clientSecrett: 'x' } as never })).toBe('introspection');
    expect(optionNamed({ introspection: 'https://as.example.com/i' as never })).toBe('introspection');
    expect(optionNamed({ verifyOpaqueToken: 'yes' as never })).toBe('verifyOpaqueToken');
    expect(optionNamed({ verifyOpaqueToken: () => null, introspection: { url: 'https://as.example.com/i', ...credentials } })).toBe('verifyOpaqueToken');
    expect(optionNamed({ opaqueTokens: { timeoutInMs: 100 } })).toBe('opaqueTokens');
    expect(optionNamed({ verifyOpaqueToken: () => null, opaqueTokens: { timeoutInMs: 0 } })).toBe('opaqueTokens.timeoutInMs');
    expect(optionNamed({ verifyOpaqueToken: () => null, opaqueTokens: { maxEntries: 1.5 } })).toBe('opaqueTokens.maxEntries');
    expect(optionNamed({ verifyOpaqueToken: () => null, opaqueTokens: { ttl: 1 } as never })).toBe('opaqueTokens');
    expect(optionNamed({ verifyOpaqueToken: () => null, opaqueTokens: { maxConcurrent: 0 } })).toBe('opaqueTokens.maxConcurrent');
    expect(optionNamed({ verifyOpaqueToken: () => null, opaqueTokens: { cacheMaxAgeInMs: 60_000, refusedTtlInMs: 0 } })).toBe('accepted');
  });
});

describe('resolveOpaqueTokenOptions, bound by bound', () => {
  const url = 'https://as.example.com/introspect';
  const hook = () => null;
  /** [option, problem] of the AuthConfigError the options are refused with. */
  const refused = (options: Parameters<typeof resolveOpaqueTokenOptions>[0]): [string, string] => {
    try {
      resolveOpaqueTokenOptions(options);
    } catch (error) {
      expect(error).toBeInstanceOf(AuthConfigError);
      return [(error as AuthConfigError).option, (error as AuthConfigError).problem];
    }
    throw new Error('expected a refusal');
  };
  const withHook = (opaqueTokens: unknown) => resolveOpaqueTokenOptions({ verifyOpaqueToken: hook, opaqueTokens: opaqueTokens as never });

  it('resolves the hook with every default', () => {
    expect(resolveOpaqueTokenOptions({})).toBeUndefined();
    expect(withHook(undefined)).toEqual({
      verify: hook,
      classesByPrefix: true,
      timeoutInMs: 5000,
      cooldownInMs: 5000,
      refusedTtlInMs: 60_000,
      cacheMaxAgeInMs: undefined,
      maxEntries: 10_000,
      maxBytes: 16 * 1024 * 1024,
      maxConcurrent: 64,
    });
    expect(withHook({ timeoutInMs: null })?.timeoutInMs).toBe(5000);
  });

  it('resolves introspection by url, keeping the credentials', () => {
    expect(resolveOpaqueTokenOptions({ introspection: { url: 'http://localhost:4000/i', ...credentials, maxBytes: 1024 } })?.introspection).toEqual({
      endpoint: { url: new URL('http://localhost:4000/i') },
      clientId: 'api',
      clientSecret: 's3cret-value',
      maxBytes: 1024,
    });
  });

  it('takes the endpoint by discovery from one issuer, as a string or a list of one', () => {
    for (const issuer of ['https://as.example.com', ['https://as.example.com']]) {
      expect(resolveOpaqueTokenOptions({ issuer, introspection: credentials })?.introspection?.endpoint).toEqual({ issuer: 'https://as.example.com' });
    }
    for (const issuer of [undefined, [], ['https://a.example.com', 'https://b.example.com']]) {
      expect(refused({ issuer, introspection: credentials })).toEqual([
        'introspection.url',
        'set the url, or issuer as one URL so its discovery document names the endpoint',
      ]);
    }
  });

  it('refuses each setting past its bound, with the bound', () => {
    const bounds: Array<[string, number]> = [
      ['timeoutInMs', 1],
      ['cooldownInMs', 0],
      ['refusedTtlInMs', 0],
      ['cacheMaxAgeInMs', 0],
      ['maxEntries', 1],
      ['maxBytes', 1024],
      ['maxConcurrent', 1],
    ];
    for (const [name, min] of bounds) {
      expect(withHook({ [name]: min })).toMatchObject({ [name]: min });
      for (const value of [min - 1, min + 0.5, String(min)]) {
        expect(refused({ verifyOpaqueToken: hook, opaqueTokens: { [name]: value } })).toEqual([`opaqueTokens.${name}`, `expected a whole number >= ${min}`]);
      }
    }
    expect(refused({ introspection: { url, ...credentials, maxBytes: 1023 } })).toEqual(['introspection.maxBytes', 'expected a whole number >= 1024']);
  });

  it('names what is wrong with introspection and the hook', () => {
    expect(refused({ opaqueTokens: {} })).toEqual(['opaqueTokens', 'set introspection or verifyOpaqueToken as well']);
    expect(refused({ introspection: { url, ...credentials }, verifyOpaqueToken: hook })).toEqual([
      'verifyOpaqueToken',
      'set either introspection or verifyOpaqueToken, not both',
    ]);
    expect(refused({ verifyOpaqueToken: {} as never })).toEqual(['verifyOpaqueToken', 'expected a function (token, tokenType) => claims | null']);
    for (const introspection of [null, [], 'https://as.example.com/i']) {
      expect(refused({ introspection: introspection as never })).toEqual(['introspection', 'expected an object']);
    }
    expect(refused({ verifyOpaqueToken: hook, opaqueTokens: null as never })).toEqual(['opaqueTokens', 'expected an object']);
    expect(refused({ introspection: { url, ...credentials, [`clientSecrett${'x'.repeat(40)}`]: 'x' } })).toEqual([
      'introspection',
      `unknown setting "clientSecrett${'x'.repeat(19)}"; expected url, clientId, clientSecret, maxBytes`,
    ]);
    expect(refused({ verifyOpaqueToken: hook, opaqueTokens: { ttl: 1 } as never })).toEqual([
      'opaqueTokens',
      'unknown setting "ttl"; expected timeoutInMs, cooldownInMs, refusedTtlInMs, cacheMaxAgeInMs, maxEntries, maxBytes, maxConcurrent',
    ]);
    expect(refused({ introspection: { url, clientId: 42, clientSecret: 's' } as never })).toEqual(['introspection.clientId', 'expected a non-empty string']);
    expect(refused({ introspection: { url, clientId: 'api', clientSecret: '' } })).toEqual(['introspection.clientSecret', 'expected a non-empty string']);
    expect(refused({ introspection: { url: 'as.example.com/i', ...credentials } })).toEqual(['introspection.url', 'expected an absolute URL']);
    expect(refused({ introspection: { url: 'http://as.example.com/i', ...credentials } })).toEqual([
      'introspection.url',
      'must use https (plain http is allowed for localhost only)',
    ]);
  });
});
