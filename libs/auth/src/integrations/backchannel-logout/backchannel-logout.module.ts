import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type OptionalFactoryDependency, type Provider } from '@nestjs/common';
import { BackchannelLogoutGuard } from './backchannel-logout.guard.js';
import { BACKCHANNEL_LOGOUT_OPTIONS, resolveBackchannelLogoutOptions, type BackchannelLogoutOptions } from './logout-options.js';

/**
 * OpenID Connect Back-Channel Logout 1.0: when a user signs out at the identity provider (Keycloak,
 * Auth0, Okta, any OpenID provider), the provider POSTs a logout token to this API, and every replica
 * sharing the revocation store refuses that session's tokens from then on, before they expire. Import
 * it once, beside an AuthModule that trusts the provider (its keys verify the logout tokens) and has a
 * revocation store; then put `@BackchannelLogout()` on the POST handler registered as the client's
 * `backchannel_logout_uri`.
 *
 * @example
 * @Module({
 *   imports: [
 *     AuthModule.forRoot({ issuer: 'https://idp.example.com', audience: 'https://api.example.com', revocation, global: true }),
 *     BackchannelLogoutModule.forRoot({ audience: 'my-client-id' }),
 *   ],
 *   controllers: [LogoutController],
 * })
 * export class AppModule {}
 */
@Module({})
export class BackchannelLogoutModule {
  /** Configures the client ids logout tokens are for, the issuers that may send them, and where sessions are revoked. */
  static forRoot(options: BackchannelLogoutOptions): DynamicModule {
    return BackchannelLogoutModule.build([], { provide: BACKCHANNEL_LOGOUT_OPTIONS, useValue: resolveBackchannelLogoutOptions(options) });
  }

  /** The same, with options from a factory (checked at boot, naming the option). */
  static forRootAsync(options: BackchannelLogoutAsyncOptions): DynamicModule {
    return BackchannelLogoutModule.build(options.imports ?? [], {
      provide: BACKCHANNEL_LOGOUT_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...args: never[]) => resolveBackchannelLogoutOptions(await options.useFactory(...args)),
    });
  }

  private static build(imports: NonNullable<ModuleMetadata['imports']>, optionsProvider: Provider): DynamicModule {
    return {
      module: BackchannelLogoutModule,
      global: true,
      imports,
      providers: [optionsProvider, BackchannelLogoutGuard],
      exports: [BACKCHANNEL_LOGOUT_OPTIONS, BackchannelLogoutGuard],
    };
  }
}

/** Options of `BackchannelLogoutModule.forRootAsync()`. */
export interface BackchannelLogoutAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useFactory: (...args: never[]) => BackchannelLogoutOptions | Promise<BackchannelLogoutOptions>;
}
