import { Logger, type FactoryProvider, type InjectionToken, type OptionalFactoryDependency, type Provider } from '@nestjs/common';
import { AUTH_OPTIONS } from './auth.constants.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { bootWarnings } from './config/boot-warnings.js';
import { type AuthModuleOptions } from './config/auth-options.js';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import { revocationStoreOf } from './config/revocation-option.js';
import type { RevocationStore } from './revocation/revocation-store.js';
import { type ResolvedAuthOptions } from './config/resolved-options.js';

/**
 * Replaces the step that turns a module's options into its resolved options. It receives the
 * options the app gave (undefined when the app's options factory threw) and returns what the
 * module runs with. Null in an app; `nestjs-warden/testing` overrides it so a test needs neither
 * the app's configuration nor its key source.
 */
export type AuthOptionsOverride = (options: AuthModuleOptions | undefined) => ResolvedAuthOptions | Promise<ResolvedAuthOptions>;

/**
 * Injection token of the {@link AuthOptionsOverride} of one AuthModule: provided as `null`, so
 * `Test.createTestingModule(...).overrideProvider(AUTH_OPTIONS_OVERRIDE)` can replace it.
 */
export const AUTH_OPTIONS_OVERRIDE = Symbol.for('nestjs-warden:options-override');

const logger = new Logger('nestjs-warden');

const overrideProvider: Provider = { provide: AUTH_OPTIONS_OVERRIDE, useValue: null };

/**
 * The options the module runs with. A store declared by its settings (`revocation: { redis }`) is built
 * here, once per module instance, after the override had its say: the testing kit swaps it for a
 * memory store before any connection is opened.
 */
const resolvedOptionsProvider: Provider = {
  provide: AUTH_OPTIONS,
  useFactory: async (options: AuthModuleOptions | undefined, override: AuthOptionsOverride | null): Promise<ResolvedAuthOptions> => {
    if (override) return override(options);
    const revocation = await revocationStoreOf(options?.revocation);
    const built = revocation !== options?.revocation;
    let resolved: ResolvedAuthOptions;
    try {
      resolved = resolveAuthOptions(built ? { ...options, revocation } : options);
    } catch (error) {
      // A store this module opened must not outlive a boot that failed on another option.
      if (built) await revocation?.close?.();
      throw error;
    }
    for (const warning of bootWarnings(options ?? {}, resolved)) logger.warn(warning);
    return resolved;
  },
  inject: [AUTH_MODULE_OPTIONS, AUTH_OPTIONS_OVERRIDE],
};

/**
 * Injection token of the module's revocation store (null without one): the store the guard asks, to
 * revoke from your own code or to hand to other modules. `AuthRevoker` wraps it.
 *
 * @example
 * constructor(@Inject(AUTH_REVOCATION_STORE) private readonly revocation: RevocationStore | null) {}
 */
export const AUTH_REVOCATION_STORE = Symbol.for('nestjs-warden:revocation-store');

const revocationStoreProvider: Provider = {
  provide: AUTH_REVOCATION_STORE,
  useFactory: (resolved: ResolvedAuthOptions): RevocationStore | null => resolved.revocation ?? null,
  inject: [AUTH_OPTIONS],
};

function isOptionsFactory(provider: Provider): provider is FactoryProvider {
  return typeof provider === 'object' && 'useFactory' in provider && provider.provide === AUTH_MODULE_OPTIONS;
}

/**
 * The app's options factory (forRootAsync), made to answer undefined instead of throwing when an
 * override is installed: a test must boot even though the configuration the factory reads is absent.
 * Without an override, a throw stops the boot as before.
 */
function tolerantOptionsFactory(provider: FactoryProvider): FactoryProvider {
  const inject: Array<InjectionToken | OptionalFactoryDependency> = provider.inject ?? [];
  return {
    provide: AUTH_MODULE_OPTIONS,
    inject: [AUTH_OPTIONS_OVERRIDE, ...inject],
    useFactory: async (override: AuthOptionsOverride | null, ...deps: unknown[]) => {
      try {
        return (await provider.useFactory(...deps)) as AuthModuleOptions | undefined;
      } catch (error) {
        if (override) return undefined;
        throw error;
      }
    },
  };
}

/** The module's option providers: the app's (its factory made tolerant), the override slot, the resolved options, the revocation store. */
export function authOptionsProviders(definitionProviders: Provider[]): Provider[] {
  return [
    ...definitionProviders.map((p) => (isOptionsFactory(p) ? tolerantOptionsFactory(p) : p)),
    overrideProvider,
    resolvedOptionsProvider,
    revocationStoreProvider,
  ];
}
