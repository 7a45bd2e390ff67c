import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type OptionalFactoryDependency, type Provider } from '@nestjs/common';
import { CLERK_WEBHOOKS_OPTIONS, resolveClerkWebhooksOptions, type ClerkWebhooksOptions, type ResolvedClerkWebhooksOptions } from './clerk-webhook-options.js';
import { CLERK_WEBHOOK_DELIVERIES, ClerkWebhookDeliveryInterceptor, DeliveryLog } from './clerk-webhook-deliveries.js';
import { CLERK_WEBHOOK_SIGNATURE, ClerkWebhookGuard } from './clerk-webhook.guard.js';
import { createSignatureCheck } from './webhook-signature.js';

/**
 * Clerk webhooks with revocation. Import it once; then put `@ClerkWebhook()` on the POST handler of
 * your choice. Create the app with `rawBody: true`: signatures are over the exact bytes received.
 * The signing secret is checked, and `standardwebhooks` (an optional peer) loaded, at boot.
 *
 * Why a guard and a decorator rather than a ready-made controller: the route stays yours (path,
 * versioning, other guards, interceptors, OpenAPI), the event reaches your handler typed, and a
 * refused delivery never reaches your code.
 *
 * @example
 * @Module({
 *   imports: [
 *     AuthModule.forRoot({ ...keys, revocation: redisRevocationStore({ client }), global: true }),
 *     ClerkWebhooksModule.forRoot({ signingSecret: process.env.CLERK_WEBHOOK_SIGNING_SECRET! }),
 *   ],
 *   controllers: [ClerkWebhooksController],
 * })
 * export class AppModule {}
 */
@Module({})
export class ClerkWebhooksModule {
  /** Configures the signing secret, the timestamp tolerance and where revocations go. */
  static forRoot(options: ClerkWebhooksOptions): DynamicModule {
    return ClerkWebhooksModule.build([], { provide: CLERK_WEBHOOKS_OPTIONS, useValue: resolveClerkWebhooksOptions(options) });
  }

  /**
   * The same, with options from a factory (checked at boot, naming the option).
   *
   * @example
   * ClerkWebhooksModule.forRootAsync({
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ signingSecret: config.getOrThrow('CLERK_WEBHOOK_SIGNING_SECRET') }),
   * })
   */
  static forRootAsync(options: ClerkWebhooksAsyncOptions): DynamicModule {
    return ClerkWebhooksModule.build(options.imports ?? [], {
      provide: CLERK_WEBHOOKS_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...args: never[]) => resolveClerkWebhooksOptions(await options.useFactory(...args)),
    });
  }

  private static build(imports: NonNullable<ModuleMetadata['imports']>, optionsProvider: Provider): DynamicModule {
    return {
      module: ClerkWebhooksModule,
      global: true,
      imports,
      providers: [
        optionsProvider,
        {
          provide: CLERK_WEBHOOK_SIGNATURE,
          inject: [CLERK_WEBHOOKS_OPTIONS],
          useFactory: (resolved: ResolvedClerkWebhooksOptions) => createSignatureCheck(resolved.signingSecret),
        },
        {
          provide: CLERK_WEBHOOK_DELIVERIES,
          inject: [CLERK_WEBHOOKS_OPTIONS],
          // A delivery is accepted while its timestamp is within the tolerance of now: twice the tolerance covers it.
          useFactory: (resolved: ResolvedClerkWebhooksOptions) => new DeliveryLog(2 * resolved.toleranceInSeconds * 1000, resolved.maxRememberedDeliveries),
        },
        ClerkWebhookGuard,
        ClerkWebhookDeliveryInterceptor,
      ],
      exports: [CLERK_WEBHOOKS_OPTIONS, CLERK_WEBHOOK_SIGNATURE, CLERK_WEBHOOK_DELIVERIES, ClerkWebhookGuard, ClerkWebhookDeliveryInterceptor],
    };
  }
}

/** Options of `ClerkWebhooksModule.forRootAsync()`. */
export interface ClerkWebhooksAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useFactory: (...args: never[]) => ClerkWebhooksOptions | Promise<ClerkWebhooksOptions>;
}
