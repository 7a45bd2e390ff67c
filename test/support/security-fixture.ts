import { afterEach } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { AuthService, type AuthModuleOptions } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import type { AdapterName } from './http-app.js';
import { startJwksServer, type JwksServer } from './jwks-server.js';
import { expectHygiene, type CheckedResponse } from './response-hygiene.js';
import { createSecurityApp } from './security-app.js';

/** A controllable clock for cooldowns, cache ages and token times. */
export interface TestClock {
  now: number;
  advance(ms: number): void;
  read: () => number;
}

/** Starts at a fixed, whole-second time so token times are exact. */
export function createTestClock(start = 1_900_000_000_000): TestClock {
  const clock: TestClock = {
    now: start,
    advance(ms) {
      clock.now += ms;
    },
    read: () => clock.now,
  };
  return clock;
}

/** A real Nest app trusting a misbehaving JWKS server, with a controlled clock. */
export interface SecurityFixture {
  app: INestApplication;
  server: JwksServer;
  signer: TestIssuer;
  clock: TestClock;
  authService: AuthService;
  /** Signs with the fixture's issuer at the fixture's clock. */
  sign(claims?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  /** GET `path` with `Bearer <token>` (none when null); every response passes the hygiene check. */
  get(token: string | null, path?: string): Promise<CheckedResponse & { body: Record<string, unknown> }>;
  /** GET `path` with raw headers; `token` is what the hygiene check looks for. */
  send(headers: Record<string, string>, token: string | null, path?: string): Promise<CheckedResponse & { body: Record<string, unknown> }>;
  close(): Promise<void>;
}

// RSA key generation dominates a fixture's cost: one signer per test file is enough.
let sharedSigner: Promise<TestIssuer> | null = null;

/**
 * Boots a fixture: a JWKS server with one RS256 key, an app with `jwksUrl` pointing at it and
 * `issuer`, plus any extra options. `beforeBoot` may make the server misbehave before warm-up.
 */
export async function createSecurityFixture(
  adapter: AdapterName,
  extra: Partial<AuthModuleOptions> = {},
  beforeBoot?: (server: JwksServer) => void,
): Promise<SecurityFixture> {
  const clock = createTestClock();
  const server = await startJwksServer();
  sharedSigner ??= createTestIssuer({ issuer: 'https://issuer.test', kid: 'key-1' });
  const signer = await sharedSigner;
  server.setKeys([signer.publicJwk]);
  beforeBoot?.(server);
  const app = await createSecurityApp(adapter, { jwksUrl: server.jwksUrl, issuer: signer.issuer, clock: clock.read, ...extra });
  return {
    app,
    server,
    signer,
    clock,
    authService: app.get(AuthService),
    sign: (claims = {}, header = {}) => signer.sign(claims, { now: clock.now, header }),
    async get(token, path = '/private') {
      const req = request(app.getHttpServer()).get(path);
      const res = await (token === null ? req : req.set('authorization', `Bearer ${token}`));
      expectHygiene(res, token);
      return res;
    },
    async send(headers, token, path = '/private') {
      const res = await request(app.getHttpServer()).get(path).set(headers);
      expectHygiene(res, token);
      return res;
    },
    async close() {
      await app.close();
      await server.close();
    },
  };
}

/**
 * For a describe block: creators of fixtures and bare JWKS servers that are all closed after each
 * test, so a failing test never leaks a server into the next.
 */
export function useSecurityFixtures(adapter: AdapterName): {
  fixture: (extra?: Partial<AuthModuleOptions>, beforeBoot?: (server: JwksServer) => void) => Promise<SecurityFixture>;
  server: () => Promise<JwksServer>;
} {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((x) => x.close()));
  });
  const track = <T extends { close(): Promise<void> }>(item: T): T => {
    open.push(item);
    return item;
  };
  return {
    fixture: async (extra, beforeBoot) => track(await createSecurityFixture(adapter, extra, beforeBoot)),
    server: async () => track(await startJwksServer()),
  };
}
