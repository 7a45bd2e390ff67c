import { Module, type DynamicModule } from '@nestjs/common';
import { CLERK_WEBHOOKS_OPTIONS, resolveClerkWebhooksOptions, type ClerkWebhooksOptions } from './clerk-webhook-options.js';
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
    const resolved = resolveClerkWebhooksOptions(options);
    return {
      module: ClerkWebhooksModule,
      global: true,
      providers: [
        { provide: CLERK_WEBHOOKS_OPTIONS, useValue: resolved },
        { provide: CLERK_WEBHOOK_SIGNATURE, useFactory: () => createSignatureCheck(resolved.signingSecret) },
        ClerkWebhookGuard,
      ],
      exports: [CLERK_WEBHOOKS_OPTIONS, CLERK_WEBHOOK_SIGNATURE, ClerkWebhookGuard],
    };
  }
}
