import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { Auth, AuthConfigError, AuthModule, OptionalAuth, RequireAuth, type AuthEventContext } from 'nestjs-warden';
import { type MetricsMeter } from 'nestjs-warden/core';
import { AUTH_METRIC_NAMES } from 'nestjs-warden/metrics';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';

@Controller()
class RoutesController {
  @Get('me')
  me(@Auth('userId') userId: string) {
    return { userId };
  }

  @OptionalAuth()
  @Get('feed')
  feed(@Auth('isAuthenticated') signedIn: boolean) {
    return { signedIn };
  }

  @RequireAuth({ permission: 'org:invoices:read' })
  @Get('invoices')
  invoices() {
    return [];
  }
}

/** One exporter's view of the last collection: data points by instrument name. */
async function collect(reader: PeriodicExportingMetricReader, exporter: InMemoryMetricExporter): Promise<Map<string, DataPoint<unknown>[]>> {
  exporter.reset();
  await reader.forceFlush();
  const points = new Map<string, DataPoint<unknown>[]>();
  for (const resource of exporter.getMetrics()) {
    for (const scope of resource.scopeMetrics) {
      for (const metric of scope.metrics) points.set(metric.descriptor.name, [...(points.get(metric.descriptor.name) ?? []), ...metric.dataPoints]);
    }
  }
  return points;
}

const count = (points: DataPoint<unknown>[] | undefined, attributes: Record<string, unknown>): number =>
  (points ?? []).filter((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v)).reduce((sum, p) => sum + (p.value as number), 0);

function newReader(): { exporter: InMemoryMetricExporter; reader: PeriodicExportingMetricReader } {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when the test flushes.
  return { exporter, reader: new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 }) };
}

async function boot(imports: unknown[], logger: LoggerService | false = false): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[], controllers: [RoutesController] }).compile();
  const app = moduleRef.createNestApplication({ logger });
  await app.init();
  return app;
}

describe('metrics with the OpenTelemetry SDK (in-memory exporter)', () => {
  let issuer: TestIssuer;
  let jwksServer: JwksServer;
  let app: INestApplication;
  let provider: MeterProvider;
  let reader: PeriodicExportingMetricReader;
  let exporter: InMemoryMetricExporter;

  beforeAll(async () => {
    issuer = await createTestIssuer({ issuer: 'https://issuer.test', kid: 'k1' });
    jwksServer = await startJwksServer([issuer.publicJwk]);
    ({ exporter, reader } = newReader());
    provider = new MeterProvider({ readers: [reader] });
    const meter: MetricsMeter = provider.getMeter('app');
    app = await boot([
      AuthModule.forRoot({
        jwksUrl: jwksServer.jwksUrl,
        issuer: issuer.issuer,
        jwksCooldownInMs: 0,
        metrics: { meter },
        global: true,
      }),
    ]);
  });
  afterAll(async () => {
    await app?.close();
    await jwksServer?.close();
    await provider?.shutdown();
  });

  it('counts every outcome by result, reason, token type and cache hit, and times only the verifications the cache did not answer', async () => {
    const http = () => request(app.getHttpServer());
    const token = await issuer.sign({ sub: 'user_1', sid: 'sess_1' }, { expiresInSeconds: 600 });
    for (let i = 0; i < 5; i += 1) await http().get('/me').set('Authorization', `Bearer ${token}`).expect(200);
    await http().get('/me').expect(401);
    const expired = await issuer.sign({ sub: 'user_1' }, { now: Date.now() - 3_600_000, expiresInSeconds: 60 });
    await http().get('/me').set('Authorization', `Bearer ${expired}`).expect(401);
    await http().get('/feed').expect(200, { signedIn: false });
    await http()
      .get('/feed')
      .set('Authorization', `Bearer ${token.slice(0, -4)}AAAA`)
      .expect(200, { signedIn: false });
    await http().get('/invoices').set('Authorization', `Bearer ${token}`).expect(403);

    const points = await collect(reader, exporter);
    const outcomes = points.get(AUTH_METRIC_NAMES.outcomes);
    const signedIn = { 'auth.result': 'authenticated', 'auth.reason': 'none', 'auth.token_type': 'session_token' };
    expect(count(outcomes, signedIn)).toBe(5);
    const hits = count(outcomes, { ...signedIn, 'auth.cache_hit': true });
    expect(hits).toBeGreaterThanOrEqual(1);
    expect(count(outcomes, { 'auth.result': 'refused', 'auth.reason': 'token-missing', 'auth.token_type': 'none' })).toBe(1);
    expect(count(outcomes, { 'auth.result': 'refused', 'auth.reason': 'token-expired', 'auth.token_type': 'unknown' })).toBe(1);
    expect(count(outcomes, { 'auth.result': 'anonymous', 'auth.reason': 'none', 'auth.token_type': 'none' })).toBe(1);
    expect(count(outcomes, { 'auth.result': 'anonymous', 'auth.reason': 'token-invalid-signature' })).toBe(1);
    expect(count(outcomes, { 'auth.result': 'forbidden', 'auth.reason': 'insufficient-scope', 'auth.token_type': 'session_token' })).toBe(1);
    expect(count(outcomes, {})).toBe(10);

    // Timed: each request that carried a token the cache did not answer (misses of the good token, the
    // expired one, the tampered one); never a cache hit, never a request without a token.
    const durations = (points.get(AUTH_METRIC_NAMES.verificationDuration) ?? []) as DataPoint<Histogram>[];
    const timed = durations.reduce((sum, p) => sum + p.value.count, 0);
    const misses = count(outcomes, { 'auth.cache_hit': false }) - 2; // less the two requests without a token
    expect(timed).toBe(misses);
    expect(durations.find((p) => p.attributes['auth.reason'] === 'token-expired')?.value.count).toBe(1);
    expect(durations.every((p) => p.value.sum! >= 0 && p.value.sum! < 5)).toBe(true);
  });

  it('counts key fetches (the boot warm-up included) and their failures by problem', async () => {
    const before = await collect(reader, exporter);
    const fetchesBefore = count(before.get(AUTH_METRIC_NAMES.keyFetches), { 'key_fetch.result': 'success' });
    expect(fetchesBefore).toBeGreaterThanOrEqual(1);
    expect(jwksServer.requests).toBe(fetchesBefore);

    jwksServer.behave({ kind: 'status', status: 500 });
    const stranger = await createTestIssuer({ issuer: issuer.issuer, kid: 'unknown-kid' });
    await request(app.getHttpServer())
      .get('/me')
      .set(await stranger.headers({ sub: 'user_2' }))
      .expect(401);
    jwksServer.behave({ kind: 'ok' });

    const after = await collect(reader, exporter);
    expect(count(after.get(AUTH_METRIC_NAMES.keyFetches), { 'key_fetch.result': 'failure' })).toBe(1);
    expect(count(after.get(AUTH_METRIC_NAMES.keyFetchFailures), { 'key_fetch.problem': 'http-status' })).toBe(1);
    expect(count(after.get(AUTH_METRIC_NAMES.keyFetches), { 'key_fetch.result': 'success' })).toBe(fetchesBefore);
  });
});

describe('metrics: true (the global MeterProvider)', () => {
  let app: INestApplication;
  let provider: MeterProvider;
  let reader: PeriodicExportingMetricReader;
  let exporter: InMemoryMetricExporter;
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    ({ exporter, reader } = newReader());
    const { jwks } = issuer;
    const options = { jwks, issuer: issuer.issuer };
    // main.ts, before NestFactory.create(): your OpenTelemetry SDK setup registers the global provider.
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

    // app.module.ts
    const auth = AuthModule.forRoot({ ...options, metrics: true, global: true });
    provider = metrics.getMeterProvider() as MeterProvider;
    app = await boot([auth]);
  });
  afterAll(async () => {
    await app?.close();
    await provider?.shutdown();
    metrics.disable();
  });

  it('reports through the meter of the global provider', async () => {
    await request(app.getHttpServer())
      .get('/me')
      .set(await issuer.headers({ sub: 'user_9' }))
      .expect(200, { userId: 'user_9' });
    const points = await collect(reader, exporter);
    expect(count(points.get(AUTH_METRIC_NAMES.outcomes), { 'auth.result': 'authenticated' })).toBe(1);
    expect(points.get(AUTH_METRIC_NAMES.keyFetches)).toBeUndefined(); // a local JWKS: nothing to fetch
  });
});

describe('onAuthenticated / onRefused hooks', () => {
  let issuer: TestIssuer;
  const apps: INestApplication[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });

  it('report each decision with its context', async () => {
    const audit: Array<{ event: string; context: AuthEventContext }> = [];
    const { jwks } = issuer;
    const auth = AuthModule.forRoot({
      jwks,
      issuer: 'https://issuer.test',
      global: true,
      onAuthenticated: (auth, context) => {
        const who = auth.tokenType === 'session_token' ? auth.userId : auth.subject;
        audit.push({ event: `signed in ${who} (${context.policy} route)`, context });
      },
      onRefused: (reason, context) => {
        audit.push({ event: `refused ${reason} (${context.status ?? 'let through signed out'})`, context });
      },
    });
    const app = await boot([auth]);
    apps.push(app);
    const http = () => request(app.getHttpServer());
    const headers = await issuer.headers({ sub: 'user_1' });
    await http().get('/me').set(headers).expect(200);
    await http().get('/feed').set(headers).expect(200);
    await http().get('/feed').expect(200);
    await http().get('/feed').set('Authorization', 'Bearer not.a.jwt').expect(200);
    await http().get('/me').expect(401);
    await http().get('/invoices').set(headers).expect(403);
    expect(audit.map((a) => a.event)).toEqual([
      'signed in user_1 (required route)',
      'signed in user_1 (optional route)',
      'refused token-invalid (let through signed out)',
      'refused token-missing (401)',
      'refused insufficient-scope (403)',
    ]);
    const contexts = audit.map((a) => a.context);
    expect(contexts.map((c) => [c.transport, c.allowed])).toEqual([
      ['http', true],
      ['http', true],
      ['http', true],
      ['http', false],
      ['http', false],
    ]);
    expect(contexts[4].auth).toMatchObject({ tokenType: 'session_token', userId: 'user_1' });
    expect(contexts[3].auth.isAuthenticated).toBe(false);
    expect(contexts[0].executionContext.switchToHttp().getRequest<{ url: string }>().url).toBe('/me');
  });

  it('never change the outcome, whatever they throw or reject with, and never leak it', async () => {
    const lines: string[] = [];
    const logger: LoggerService = {
      log: (m: unknown) => void lines.push(String(m)),
      error: (m: unknown, ...rest: unknown[]) => void lines.push([m, ...rest].map(String).join(' ')),
      warn: (m: unknown) => void lines.push(String(m)),
    };
    const secret = 'SECRET-IN-HOOK-ERROR';
    const app = await boot(
      [
        AuthModule.forRoot({
          ...issuer.moduleOptions({ global: true }),
          onAuthenticated: () => {
            throw new TypeError(secret);
          },
          onRefused: async () => {
            throw new Error(secret);
          },
        }),
      ],
      logger,
    );
    apps.push(app);
    const http = () => request(app.getHttpServer());
    const headers = await issuer.headers({ sub: 'user_1' });
    for (let i = 0; i < 3; i += 1) {
      const ok = await http().get('/me').set(headers).expect(200);
      expect(ok.body).toEqual({ userId: 'user_1' });
      const refused = await http().get('/me').expect(401);
      expect(JSON.stringify(refused.body)).not.toContain(secret);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines.join('\n')).not.toContain(secret);
    const warnings = lines.filter((l) => l.includes('hook threw'));
    expect(warnings).toEqual([
      "The onAuthenticated hook threw TypeError; the request's outcome is unchanged. Reported once; the message is not logged.",
      "The onRefused hook threw Error; the request's outcome is unchanged. Reported once; the message is not logged.",
    ]);
  });

  it('a malformed option stops the boot and names it', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ metrics: 'yes' }, 'metrics'],
      [{ metrics: { meter: {} } }, 'metrics.meter'],
      [{ onRefused: 'log' }, 'onRefused'],
      [{ onAuthenticated: 42 }, 'onAuthenticated'],
    ];
    for (const [extra, option] of cases) {
      await expect(boot([AuthModule.forRoot({ ...issuer.moduleOptions(), ...extra })])).rejects.toMatchObject({
        name: AuthConfigError.name,
        option,
      });
    }
  });
});
