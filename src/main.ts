import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { listenDemo } from './listen.js';

async function bootstrap(): Promise<void> {
  // rawBody: webhook signatures are checked over the exact bytes received.
  const app = await NestFactory.create(AppModule, { rawBody: true });
  app.enableShutdownHooks();
  await listenDemo(app);
}

void bootstrap();
