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
    expect(byUrl).toMatchObject({ introspection: { endpoint: { url: new URL('https://as.example.com/introspect') }, maxBytes: 65536 }, timeoutInMs: 5000, cooldownInMs: 5000 });
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
