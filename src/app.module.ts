import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AuthModule } from 'nestjs-warden';
import { ClerkWebhooksModule } from 'nestjs-warden/clerk-webhooks';
import { authOptionsFromEnv } from './auth.config.js';
import { DevIssuerModule } from './dev-issuer/dev-issuer.module.js';
import { demoPort, isDevIssuerMode } from './dev-issuer/dev-issuer.mode.js';
import { DevIssuer } from './dev-issuer/dev-issuer.service.js';
import { FeedController } from './feed.controller.js';
import { HealthController } from './health.controller.js';
import { MeController } from './me.controller.js';
import { OrgController } from './org.controller.js';
import { REVOCATION_STORE } from './revocation/revocation-store.provider.js';
import { RevocationModule } from './revocation/revocation.module.js';
import { WebhooksController } from './revocation/webhooks.controller.js';

// Clerk webhooks need the endpoint's signing secret; without it the demo has no webhook route.
const webhookSecret = process.env.CLERK_WEBHOOK_SIGNING_SECRET;

/**
 * The demo app: every route is guarded (global guard, default policy 'required'); routes opt out
 * with @OptionalAuth(). Revocation: a memory store, or Redis with REDIS_URL; fed by
 * POST /dev/revoke (dev issuer mode) and Clerk webhooks (CLERK_WEBHOOK_SIGNING_SECRET).
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    DevIssuerModule.register({ enabled: isDevIssuerMode(), url: `http://localhost:${demoPort()}` }),
    RevocationModule,
    AuthModule.forRootAsync({
      inject: [ConfigService, DevIssuer, REVOCATION_STORE],
      useFactory: authOptionsFromEnv,
      global: true,
    }),
    ...(webhookSecret ? [ClerkWebhooksModule.forRoot({ signingSecret: webhookSecret })] : []),
  ],
  controllers: [HealthController, MeController, FeedController, OrgController, ...(webhookSecret ? [WebhooksController] : [])],
})
export class AppModule {}
