import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

/** The HTTP adapters every HTTP e2e suite runs on (describe.each(ADAPTERS)). */
export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** How the app's server is set up, as an app would in main.ts. */
export interface HttpAppSettings {
  /** The app trusts a proxy on loopback: Express `app.set('trust proxy', 'loopback')`, Fastify `trustProxy: '127.0.0.1'`. */
  trustProxy?: boolean;
  /** Serve over TLS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

/**
 * Compiles a module and starts it on the given adapter, listening on 127.0.0.1 (port 0), logger off.
 * Use with supertest: `request(app.getHttpServer())`.
 */
export async function createHttpApp(adapter: AdapterName, metadata: ModuleMetadata, settings: HttpAppSettings = {}): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const { trustProxy, tls } = settings;
  let app: INestApplication;
  if (adapter === 'fastify') {
    const fastify = new FastifyAdapter({ ...(trustProxy ? { trustProxy: '127.0.0.1' } : {}), ...(tls ? { https: tls } : {}) });
    app = moduleRef.createNestApplication<NestFastifyApplication>(fastify, { logger: false });
  } else {
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false, ...(tls ? { httpsOptions: tls } : {}) });
    if (trustProxy) (app as NestExpressApplication).set('trust proxy', 'loopback');
  }
  await app.init();
  if (adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return app;
}
