// One replica of an API rate-limited by caller: AuthModule, @nestjs/throttler with AuthThrottlerGuard,
// in memory or on Redis. Run as its own node process, compiled by compileThrottlerApp(): @nestjs/throttler
// is CommonJS requiring Nest 12's ESM packages, which plain Node 20 loads and Jest on Node 20 cannot.
// REPLICA_CONFIG (JSON): { jwks, issuer, adapter: 'express' | 'fastify', redisUrl?, graphql? }. Prints `READY <port>`.
// With `graphql` (Express): Apollo at /graphql, `{ reports }` under the same guards.
import 'reflect-metadata';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import type { AddressInfo } from 'node:net';
import { OptionalAuth, RequireAuth } from '../../../libs/auth/src/auth.decorators.js';
import { AuthModule } from '../../../libs/auth/src/auth.module.js';
import type { AuthModuleOptions } from '../../../libs/auth/src/config/auth-options.js';
import { AuthThrottlerGuard, callerOf } from '../../../libs/auth/src/integrations/throttler/index.js';

const config = JSON.parse(process.env.REPLICA_CONFIG ?? '{}') as {
  jwks: AuthModuleOptions['jwks'];
  issuer: string;
  adapter: string;
  redisUrl?: string;
  graphql?: boolean;
};
const keys = (): AuthModuleOptions => ({ jwks: config.jwks, issuer: config.issuer });

@Controller()
export class ReportsController {
  @RequireAuth({ acceptsToken: ['session_token', 'm2m_token'] })
  @Get('reports')
  reports() {
    return { ok: true };
  }

  @OptionalAuth()
  @Get('public')
  public() {
    return { ok: true };
  }
}

function appModule(storage?: ThrottlerStorage) {
  @Module({
    imports: [
      AuthModule.forRoot({ ...keys(), global: true }),
      ThrottlerModule.forRoot({
        throttlers: [
          {
            ttl: 60_000,
            // Chosen per caller: machines 5, users on the pro plan 4, other users 3, anonymous callers 2.
            limit: (context) => {
              const caller = callerOf(context);
              if (!caller.isAuthenticated) return 2;
              if (caller.tokenType === 'm2m_token') return 5;
              return caller.has({ plan: 'pro' }) ? 4 : 3;
            },
          },
        ],
        storage, // undefined: in memory; new ThrottlerStorageRedisService(redisUrl) to share counts between replicas
      }),
    ],
    controllers: [ReportsController],
    providers: [{ provide: APP_GUARD, useClass: AuthThrottlerGuard }],
  })
  class AppModule {}
  return AppModule;
}

@Resolver()
class ReportsResolver {
  @Query()
  reports(): boolean {
    return true;
  }
}

const appWithGraphql = (inner: ReturnType<typeof appModule>) => {
  @Module({
    imports: [inner, GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, typeDefs: 'type Query { reports: Boolean }', introspection: false })],
    providers: [ReportsResolver],
  })
  class GraphqlAppModule {}
  return GraphqlAppModule;
};

const rest = appModule(config.redisUrl ? new ThrottlerStorageRedisService(config.redisUrl) : undefined);
const module = config.graphql ? appWithGraphql(rest) : rest;
const app: INestApplication =
  config.adapter === 'fastify'
    ? await NestFactory.create(module, new FastifyAdapter(), { logger: ['error'] })
    : await NestFactory.create(module, { logger: ['error'] });
await app.listen(0, '127.0.0.1');
process.stdout.write(`READY ${(app.getHttpServer().address() as AddressInfo).port}\n`);
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
