import type { INestApplication } from '@nestjs/common';
import { AUTH_OPTIONS } from 'nestjs-warden';
import { type ResolvedAuthOptions } from 'nestjs-warden/core';
import { setupOpenApi } from './openapi.js';

/**
 * What main.ts does to the app before it listens: CORS for the frontends the auth options trust,
 * and the OpenAPI document at /docs.
 */
export async function configureDemoApp(app: INestApplication): Promise<void> {
  const { authorizedParties } = app.get<ResolvedAuthOptions>(AUTH_OPTIONS).issuers;
  // Browsers may call the API with its session cookie from exactly the origins the auth options trust
  // (docs/browser-sessions.md; test/browser.e2e-spec.ts runs the same lines).
  app.enableCors({ origin: authorizedParties ?? false, credentials: true });
  await setupOpenApi(app);
}
