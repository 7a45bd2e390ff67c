// One replica of an app: the compiled library (argv[2]), a JWKS and issuer, a Redis revocation store,
// and Clerk webhooks. Plain ESM, so it runs as its own node process. Prints `READY <port>`.
// REPLICA_CONFIG (JSON): { jwks, issuer, redisUrl, signingSecret, staleWindowInMs }.
import 'reflect-metadata';
import { Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

// argv[2]: the compiled main entry; Clerk webhooks come from their own entry beside it.
const lib = { ...(await import(process.argv[2])), ...(await import(new URL('integrations/clerk-webhooks/index.js', `file://${process.argv[2]}`).href)) };
const config = JSON.parse(process.env.REPLICA_CONFIG ?? '{}');

const method = (decorators, target, key) => {
  const descriptor = Object.getOwnPropertyDescriptor(target.prototype, key);
  for (const decorate of decorators) decorate(target.prototype, key, descriptor);
};

class MeController {
  me(sessionId) {
    return { sessionId };
  }
}
lib.Auth('sessionId')(MeController.prototype, 'me', 0);
method([Get('me'), lib.RequireAuth()], MeController, 'me');
Controller()(MeController);

class WebhookController {
  receive(event) {
    return { received: event.type };
  }
}
lib.ClerkEvent()(WebhookController.prototype, 'receive', 0);
method([Post('webhooks/clerk'), lib.ClerkWebhook()], WebhookController, 'receive');
Controller()(WebhookController);

const revocation = lib.redisRevocationStore({ url: config.redisUrl, staleWindowInMs: config.staleWindowInMs, log: () => undefined });
class AppModule {}
Module({
  imports: [
    lib.AuthModule.forRoot({ jwks: config.jwks, issuer: config.issuer, revocation, global: true }),
    lib.ClerkWebhooksModule.forRoot({ signingSecret: config.signingSecret }),
  ],
  controllers: [MeController, WebhookController],
})(AppModule);

const app = await NestFactory.create(AppModule, { logger: ['error'], rawBody: true });
await app.listen(0, '127.0.0.1');
process.stdout.write(`READY ${app.getHttpServer().address().port}\n`);
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
