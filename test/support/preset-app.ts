import type { INestApplication } from '@nestjs/common';
import { SignJWT, type JWTPayload } from 'jose';
import { AuthModule, type AuthModuleOptions } from 'nestjs-warden';
import type { TestIssuer } from 'nestjs-warden/testing';
import { createHttpApp, type AdapterName } from './http-app.js';
import { ProbeController } from './probe.controller.js';
import { serveProvider, type ProviderServer } from './provider-server.js';

/** A provider's JWKS on 127.0.0.1 and a Nest app configured by a preset pointing at it. */
export interface PresetApp {
  server: ProviderServer;
  app: INestApplication;
  close(): Promise<void>;
}

/**
 * Serves the issuer's JWKS at `jwksPath` (the real provider's path) and starts the probe app with
 * `options(origin)`, in debug mode so refusals carry their reason.
 */
export async function startPresetApp(
  adapter: AdapterName,
  issuer: TestIssuer,
  jwksPath: string,
  options: (origin: string) => AuthModuleOptions,
): Promise<PresetApp> {
  const server = await serveProvider(() => ({ [jwksPath]: issuer.jwks }));
  const app = await createHttpApp(adapter, {
    imports: [AuthModule.forRoot({ ...options(server.origin), debug: true, global: true })],
    controllers: [ProbeController],
  });
  return {
    server,
    app,
    close: async () => {
      await app.close();
      await server.close();
    },
  };
}

/** Signs exactly the given header and claims (no defaults added), like the provider would. */
export function mintRs256(issuer: TestIssuer, header: Record<string, unknown>, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: issuer.kid, ...header }).sign(issuer.privateKey);
}

/** Unix seconds now. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The Authorization header of a bearer token. */
export const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
