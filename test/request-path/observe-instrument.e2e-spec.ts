import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createObserveModule } from '@nestjs/observe';
import { Auth, AuthModule, RequireAuth } from 'nestjs-warden';
import { createTestIssuer, type ServedTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';

/**
 * A NestJS 12 app set up the way `nest new` sets one up today: `@nestjs/observe` in the app module
 * and its `ObserveInstrument` given to `NestFactory.create`, which wraps every provider's methods in
 * tracing proxies. The verified-token cache must still answer repeated tokens.
 */

// Created once, as the starter's app.module.ts does at module level.
const { ObserveModule, ObserveInstrument } = createObserveModule();

@Controller()
class AppController {
  @RequireAuth()
  @Get('me')
  me(@Auth('userId') userId: string): { userId: string } {
    return { userId };
  }
}

/** Where the agent would ship telemetry: a collector on 127.0.0.1 that takes everything and says nothing. */
async function startCollector(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(202).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a Nest 12 starter with the @nestjs/observe instrument', () => {
  let issuer: TestIssuer;
  let served: ServedTestIssuer;
  let collector: { url: string; close(): Promise<void> };
  let app: INestApplication;
  const cacheHits: boolean[] = [];

  beforeAll(async () => {
    issuer = await createTestIssuer();
    served = await issuer.serve();
    collector = await startCollector();
    @Module({
      imports: [
        ObserveModule.forRoot({ appKey: 'YOUR_APP_KEY', appSecret: 'YOUR_APP_SECRET', serviceId: 'starter', endpoint: collector.url, runtimeMetrics: false }),
        AuthModule.forRoot(served.moduleOptions({ global: true, onAuthenticated: (_auth, context) => void cacheHits.push(context.cacheHit) })),
      ],
      controllers: [AppController],
    })
    class AppModule {}
    app = await NestFactory.create(AppModule, { instrument: ObserveInstrument, logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await served?.close();
    await collector?.close();
  });

  it('answers a repeated token from the cache', async () => {
    const token = await issuer.sign({ sub: 'user_observed' });
    for (let i = 0; i < 5; i += 1) {
      const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
      expect(res.body).toEqual({ userId: 'user_observed' });
    }
    // The first sighting is only remembered, the second stored (admission filter): the rest are hits.
    expect(cacheHits).toEqual([false, false, true, true, true]);
  });
});
