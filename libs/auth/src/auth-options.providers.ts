import { Logger, type FactoryProvider, type InjectionToken, type OptionalFactoryDependency, type Provider } from '@nestjs/common';
import { AUTH_OPTIONS } from './auth.constants.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { bootWarnings } from './config/boot-warnings.js';
import { type AuthModuleOptions } from './config/auth-options.js';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import { type ResolvedAuthOptions } from './config/resolved-options.js';

/**
 * Replaces the step that turns a module's options into its resolved options. It receives the
 * options the app gave (undefined when the app's options factory threw) and returns what the
 * module runs with. Null in an app; `nestjs-warden/testing` overrides it so a test needs neither
 * the app's configuration nor its key source.
 */
export type AuthOptionsOverride = (options: AuthModuleOptions | undefined) => ResolvedAuthOptions;

/**
 * Injection token of the {@link AuthOptionsOverride} of one AuthModule: provided as `null`, so
 * `Test.createTestingModule(...).overrideProvider(AUTH_OPTIONS_OVERRIDE)` can replace it.
 */
export const AUTH_OPTIONS_OVERRIDE = Symbol.for('nestjs-warden:options-override');

const logger = new Logger('nestjs-warden');

const overrideProvider: Provider = { provide: AUTH_OPTIONS_OVERRIDE, useValue: null };

const resolvedOptionsProvider: Provider = {
  provide: AUTH_OPTIONS,
  useFactory: (options: AuthModuleOptions | undefined, override: AuthOptionsOverride | null): ResolvedAuthOptions => {
    if (override) return override(options);
    const resolved = resolveAuthOptions(options);
    for (const warning of bootWarnings(options ?? {}, resolved)) logger.warn(warning);
    return resolved;
  },
  inject: [AUTH_MODULE_OPTIONS, AUTH_OPTIONS_OVERRIDE],
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

/** The module's option providers: the app's (its factory made tolerant), the override slot, the resolved options. */
export function authOptionsProviders(definitionProviders: Provider[]): Provider[] {
  return [
    ...definitionProviders.map((p) => (isOptionsFactory(p) ? tolerantOptionsFactory(p) : p)),
    overrideProvider,
    resolvedOptionsProvider,
  ];
}
