import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { configureDemoApp } from './demo-app.setup.js';
import { listenDemo } from './listen.js';

async function bootstrap(): Promise<void> {
  // rawBody: webhook signatures are checked over the exact bytes received.
  const app = await NestFactory.create(AppModule, { rawBody: true });
  app.enableShutdownHooks();
  await configureDemoApp(app);
  await listenDemo(app);
  new Logger('Demo').log('OpenAPI document at /docs');
}

void bootstrap();
