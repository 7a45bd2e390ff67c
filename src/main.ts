import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { demoPort } from './dev-issuer/dev-issuer.mode.js';

async function bootstrap(): Promise<void> {
  // rawBody: webhook signatures are checked over the exact bytes received.
  const app = await NestFactory.create(AppModule, { rawBody: true });
  app.enableShutdownHooks();
  const port = demoPort();
  await app.listen(port);
  new Logger('Demo').log(`Listening on http://localhost:${port}`);
}

void bootstrap();
