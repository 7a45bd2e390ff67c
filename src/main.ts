import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { demoPort } from './dev-issuer/dev-issuer.mode.js';
import { setupOpenApi } from './openapi.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  await setupOpenApi(app);
  const port = demoPort();
  await app.listen(port);
  new Logger('Demo').log(`Listening on http://localhost:${port} (OpenAPI: http://localhost:${port}/docs)`);
}

void bootstrap();
