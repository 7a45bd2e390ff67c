import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AUTH_OBSERVER, AUTH_OPTIONS, CURRENT_USER_LOADER } from './auth.constants.js';
import { AUTH_REVOCATION_STORE, authOptionsProviders } from './auth-options.providers.js';
import { AuthRevoker } from './auth-revoker.js';
import { AuthGuard } from './auth.guard.js';
import { AuthBootChecks } from './boot-checks/auth-boot-checks.js';
import { ConfigurableAuthModule, type AUTH_ASYNC_OPTIONS_TYPE, type AUTH_OPTIONS_TYPE } from './auth.module-definition.js';
import type { AuthModuleOptions } from './config/auth-options.js';
import { AuthService } from './auth.service.js';
import { authObserverProvider } from './auth-events.provider.js';
import { userLoadingProvider } from './current-user/user-loading.provider.js';

/** Implement this to supply options through `forRootAsync({ useClass })`. */
export interface AuthOptionsFactory {
  createAuthOptions(): AuthModuleOptions | Promise<AuthModuleOptions>;
}

/**
 * Verifies every request's session JWT. Its providers are global, so `@UseGuards(AuthGuard)` and
 * `AuthService` work in any module; `global: true` also guards every route of the app.
 *
 * @example
 * @Module({ imports: [AuthModule.forRoot({ jwksUrl, issuer, global: true })] })
 * export class AppModule {}
 *
 * @example
 * AuthModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ jwksUrl: config.getOrThrow('AUTH_JWKS_URL') }),
 *   global: true,
 * })
 */
@Module({})
export class AuthModule extends ConfigurableAuthModule {
  /** Configures the module with options known at import time. */
  static override forRoot(options: typeof AUTH_OPTIONS_TYPE): DynamicModule {
    return AuthModule.complete(super.forRoot(options), options.global === true);
  }

  /** Configures the module with options from a factory, a class or an existing provider. */
  static override forRootAsync(options: typeof AUTH_ASYNC_OPTIONS_TYPE): DynamicModule {
    return AuthModule.complete(super.forRootAsync(options), options.global === true);
  }

  private static complete(definition: DynamicModule, guardEverything: boolean): DynamicModule {
    const providers: Provider[] = [
      ...authOptionsProviders(definition.providers ?? []),
      AuthService,
      AuthGuard,
      authObserverProvider,
      userLoadingProvider,
      AuthBootChecks,
      AuthRevoker,
    ];
    if (guardEverything) providers.push({ provide: APP_GUARD, useExisting: AuthGuard });
    return {
      ...definition,
      imports: [...(definition.imports ?? []), DiscoveryModule],
      global: true,
      providers,
      exports: [...(definition.exports ?? []), AUTH_OPTIONS, AUTH_OBSERVER, CURRENT_USER_LOADER, AUTH_REVOCATION_STORE, AuthService, AuthGuard, AuthRevoker],
    };
  }
}
