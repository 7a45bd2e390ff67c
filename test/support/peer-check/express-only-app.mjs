// An app with only @nestjs/platform-express: imports the compiled library, boots, answers one request.
// argv[2]: the compiled library's index.js; argv[3]: the compiled testing kit's index.js.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const lib = await import(process.argv[2]);
const { createTestIssuer } = await import(process.argv[3]);
const issuer = await createTestIssuer();

class MeController {
  me(auth) {
    return { userId: auth.userId };
  }
}
Controller()(MeController);
Get('me')(MeController.prototype, 'me', Object.getOwnPropertyDescriptor(MeController.prototype, 'me'));
lib.Auth()(MeController.prototype, 'me', 0);

class AppModule {}
Module({ imports: [lib.AuthModule.forRoot(issuer.moduleOptions({ global: true }))], controllers: [MeController] })(AppModule);

const app = await NestFactory.create(AppModule, { logger: false });
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address();
const url = `http://127.0.0.1:${port}/me`;
const signedOut = await fetch(url);
const signedIn = await fetch(url, { headers: await issuer.headers({ sub: 'user_express_only' }) });
const body = await signedIn.json();
await app.close();

// `metrics: true` without @opentelemetry/api: the boot stops and names the option.
class MetricsModule {}
Module({ imports: [lib.AuthModule.forRoot(issuer.moduleOptions({ metrics: true }))] })(MetricsModule);
const metricsWithoutPeer = await NestFactory.createApplicationContext(MetricsModule, { logger: false, abortOnError: false }).then(
  async (context) => {
    await context.close();
    return 'booted';
  },
  (error) => error.option ?? String(error),
);
console.log(JSON.stringify({ signedOut: signedOut.status, signedIn: signedIn.status, body, metricsWithoutPeer }));
