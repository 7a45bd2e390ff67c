import { describe, expect, it } from '@jest/globals';
import type { FactoryProvider, Provider } from '@nestjs/common';
import { AUTH_OPTIONS } from './auth.constants.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { AUTH_OPTIONS_OVERRIDE, AUTH_REVOCATION_STORE, authOptionsProviders, type AuthOptionsOverride } from './auth-options.providers.js';
import { type AuthModuleOptions } from './config/auth-options.js';
import { resolveAuthOptions } from './config/resolve-auth-options.js';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';

function find(providers: Provider[], token: unknown): FactoryProvider {
  const found = providers.find((p) => typeof p === 'object' && 'provide' in p && p.provide === token);
  if (!found || !('useFactory' in found)) throw new Error(`no factory provider for ${String(token)}`);
  return found;
}

const throwing: FactoryProvider = {
  provide: AUTH_MODULE_OPTIONS,
  inject: ['CONFIG'],
  useFactory: (config: { jwksUrl?: string }) => {
    if (!config.jwksUrl) throw new Error('Configuration key "AUTH_JWKS_URL" does not exist');
    return { jwksUrl: config.jwksUrl };
  },
};

describe('authOptionsProviders', () => {
  it("keeps the app's dependencies after the override slot, and leaves other providers as they are", () => {
    const other: Provider = { provide: 'OTHER', useValue: 1 };
    const providers = authOptionsProviders([throwing, other]);
    expect(find(providers, AUTH_MODULE_OPTIONS).inject).toEqual([AUTH_OPTIONS_OVERRIDE, 'CONFIG']);
    expect(providers).toContain(other);
    expect(providers).toContainEqual({ provide: AUTH_OPTIONS_OVERRIDE, useValue: null });
  });

  it("an app's throwing options factory still stops the boot when no override is installed", async () => {
    const factory = find(authOptionsProviders([throwing]), AUTH_MODULE_OPTIONS).useFactory;
    await expect(factory(null, {})).rejects.toThrow(/AUTH_JWKS_URL/);
    await expect(factory(null, { jwksUrl: 'https://issuer.test/jwks' })).resolves.toEqual({ jwksUrl: 'https://issuer.test/jwks' });
  });

  it('with an override, a throwing factory answers undefined and the override decides the options', async () => {
    const providers = authOptionsProviders([throwing]);
    const override: AuthOptionsOverride = (options) => resolveAuthOptions({ ...options, jwksUrl: undefined, secret: SECRET });
    const raw = await find(providers, AUTH_MODULE_OPTIONS).useFactory(override, {});
    expect(raw).toBeUndefined();
    const resolved = await find(providers, AUTH_OPTIONS).useFactory(raw, override);
    expect(resolved).toMatchObject({ defaultPolicy: 'required', issuers: { entries: [{ secret: SECRET }] } });
  });

  it('without an override, the options are resolved and checked as always', async () => {
    const resolve = find(authOptionsProviders([]), AUTH_OPTIONS).useFactory;
    await expect(resolve({ secret: SECRET, issuer: 'https://issuer.test' } satisfies AuthModuleOptions, null)).resolves.toMatchObject({
      issuers: { entries: [{ issuer: ['https://issuer.test'] }] },
    });
    await expect(resolve({}, null)).rejects.toThrow(/jwksUrl/);
  });

  it('builds a declared revocation store; a store the app built is left alone when another option stops the boot', async () => {
    const resolve = find(authOptionsProviders([]), AUTH_OPTIONS).useFactory;
    const resolved = await resolve({ secret: SECRET, issuer: 'https://issuer.test', revocation: { memory: true } } satisfies AuthModuleOptions, null);
    expect(typeof resolved.revocation.isRevoked).toBe('function');
    let closed = 0;
    const store = { revoke: async () => undefined, isRevoked: () => false, close: async () => void (closed += 1) };
    // A store the app built is the app's: a failed boot leaves it alone (the module closes it on shutdown only).
    await expect(resolve({ secret: SECRET, revocation: store, defaultPolicy: 'sometimes' }, null)).rejects.toThrow(/defaultPolicy/);
    expect(closed).toBe(0);
  });

  it('hands the built store out as AUTH_REVOCATION_STORE (null without one)', () => {
    const provide = find(authOptionsProviders([]), AUTH_REVOCATION_STORE).useFactory;
    const store = { revoke: async () => undefined, isRevoked: () => false };
    expect(provide(resolveAuthOptions({ secret: SECRET, revocation: store }))).toBe(store);
    expect(provide(resolveAuthOptions({ secret: SECRET }))).toBeNull();
  });
});
