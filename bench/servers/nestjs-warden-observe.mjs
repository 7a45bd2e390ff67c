// nestjs-warden in a NestJS 12 app set up as `nest new` sets one up today: `@nestjs/observe` in the
// app module and its `ObserveInstrument` given to NestFactory.create, which wraps every provider's
// methods in tracing proxies. The agent ships to a collector on 127.0.0.1 that takes everything.
import 'reflect-metadata';
import { createServer } from 'node:http';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createObserveModule } from '@nestjs/observe';
import { Auth, AuthModule } from '../.build/nestjs-warden/index.js';
import { config, decorate } from './app.mjs';

const collector = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(202).end());
});
await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${collector.address().port}`;

const { ObserveModule, ObserveInstrument } = createObserveModule();

class MeController {
  me(auth) {
    return { userId: auth.userId };
  }
}
Auth()(MeController.prototype, 'me', 0);
decorate([Get('me')], MeController, 'me');
decorate([Controller()], MeController);

class AppModule {}
decorate(
  [
    Module({
      imports: [
        ObserveModule.forRoot({ appKey: 'YOUR_APP_KEY', appSecret: 'YOUR_APP_SECRET', serviceId: 'bench', endpoint, runtimeMetrics: false }),
        AuthModule.forRoot({ jwksUrl: config.jwksUrl, issuer: config.issuer, audience: config.audience, global: true }),
      ],
      controllers: [MeController],
    }),
  ],
  AppModule,
);

const app = await NestFactory.create(AppModule, { logger: false, instrument: ObserveInstrument });
await app.listen(0, '127.0.0.1');
process.stdout.write(`READY ${app.getHttpServer().address().port}\n`);
const stop = async () => {
  await app.close();
  collector.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
