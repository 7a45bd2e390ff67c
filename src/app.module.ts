import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AuthModule } from 'nestjs-warden';
import { authOptionsFromEnv } from './auth.config.js';
import { DevIssuerModule } from './dev-issuer/dev-issuer.module.js';
import { demoPort, isDevIssuerMode } from './dev-issuer/dev-issuer.mode.js';
import { DevIssuer } from './dev-issuer/dev-issuer.service.js';
import { FeedController } from './feed.controller.js';
import { HealthController } from './health.controller.js';
import { MeController } from './me.controller.js';
import { OrgController } from './org.controller.js';

/**
 * The demo app: every route is guarded (global guard, default policy 'required'); routes opt out
 * with @OptionalAuth().
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    DevIssuerModule.register({ enabled: isDevIssuerMode(), url: `http://localhost:${demoPort()}` }),
    AuthModule.forRootAsync({
      inject: [ConfigService, DevIssuer],
      useFactory: authOptionsFromEnv,
      global: true,
    }),
  ],
  controllers: [HealthController, MeController, FeedController, OrgController],
})
export class AppModule {}
