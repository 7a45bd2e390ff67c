import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { applyAuthToOpenApi } from 'nestjs-warden/openapi';

/** The demo's OpenAPI document: what Swagger sees, plus each route's nestjs-warden policy. */
export async function createOpenApiDocument(app: INestApplication): Promise<OpenAPIObject> {
  const config = new DocumentBuilder().setTitle('nestjs-warden demo').setVersion('1.0').build();
  const document = SwaggerModule.createDocument(app, config);
  return applyAuthToOpenApi(document, app);
}

/** Serves the document at /docs (Swagger UI) and /docs-json. */
export async function setupOpenApi(app: INestApplication): Promise<void> {
  SwaggerModule.setup('docs', app, await createOpenApiDocument(app));
}
