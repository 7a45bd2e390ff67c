import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, type LoggerService } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AuthModule, RequireAuth } from 'nestjs-warden';
import request from 'supertest';
import { ADAPTERS, type AdapterName } from '../support/http-app.js';
import { expectHygiene, leaksFragmentOf } from '../support/response-hygiene.js';
import { createSecurityFixture, type SecurityFixture } from '../support/security-fixture.js';
import { claimsAt, forge } from '../support/token-forge.js';

const RFC6750_CHARSET = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

describe.each(ADAPTERS)('HTTP rules on %s', (adapter) => {
  let quiet: SecurityFixture;
  let debug: SecurityFixture;
  beforeAll(async () => {
    quiet = await createSecurityFixture(adapter);
    debug = await createSecurityFixture(adapter, { debug: true });
  });
  afterAll(async () => {
    await quiet.close();
    await debug.close();
  });

  it('no token: 401, WWW-Authenticate: Bearer realm="api", nothing else', async () => {
    const res = await quiet.get(null);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(res.body).not.toHaveProperty('reason');
  });

  it('bad token: 401 with error="invalid_token" and no error_description outside debug mode', async () => {
    const token = `${(await quiet.sign()).slice(0, -4)}AAAA`;
    const res = await quiet.get(token);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    expect(res.body).not.toHaveProperty('reason');
  });

  it('debug mode: error_description is one of our reasons, in the RFC 6750 character set', async () => {
    const hostile = [`${(await debug.sign()).slice(0, -4)}AAAA`, 'x.y.z', `${'"\\'.repeat(10)}.a.b`, await debug.sign({ sub: 'é"\\\u0001', exp: 1 })];
    for (const token of hostile) {
      const res = await debug.get(token);
      expect(res.status).toBe(401);
      const description = /error_description="([^"]*)"$/.exec(String(res.headers['www-authenticate']))?.[1];
      expect(description).toMatch(/^[a-z-]+$/);
      expect(description).toMatch(RFC6750_CHARSET);
      expect(description).toBe(res.body.reason);
    }
  });

  it('valid but not allowed: 403 with error="insufficient_scope"; allowed: 200', async () => {
    const plain = await quiet.sign();
    const denied = await quiet.get(plain, '/invoices');
    expect(denied.status).toBe(403);
    expect(denied.headers['www-authenticate']).toBe('Bearer realm="api", error="insufficient_scope"');
    const allowed = await quiet.sign({ org_id: 'org_1', org_role: 'org:member', org_permissions: ['org:invoices:read'] });
    expect((await quiet.get(allowed, '/invoices')).status).toBe(200);
  });

  it('a throwing isRevoked hook is a 503 with Retry-After (not a 401, not a 500), and its message never leaks', async () => {
    const f = await createSecurityFixture(adapter, {
      isRevoked: () => {
        throw new Error('deny-list down at redis://secret-host:6379');
      },
    });
    try {
      const res = await f.get(await f.sign());
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
      expect(res.text).not.toContain('secret-host');
    } finally {
      await f.close();
    }
  });

  it('nothing from the token reaches a log line', async () => {
    const lines: string[] = [];
    const app = await createLoggingApp(adapter, debug.server.jwksUrl, lines);
    try {
      const now = debug.clock.now;
      const tokens = [
        await debug.sign(),
        await debug.sign({ exp: 1 }),
        forge({ alg: 'none', kid: 'key-1-LOGPROBE' }, claimsAt(now), { signature: '' }),
        forge({ alg: 'RS256', kid: '../../etc/passwd-LOGPROBE' }, claimsAt(now), { alg: 'RS256', key: debug.signer.privateKey }),
        'LOGPROBE-not-a-token-at-all-LOGPROBE',
      ];
      for (const token of tokens) {
        const res = await request(app.getHttpServer()).get('/private').set('authorization', `Bearer ${token}`);
        expectHygiene(res, token);
      }
      const log = lines.join('\n');
      for (const token of tokens) expect(leaksFragmentOf(token, log)).toBeNull();
      expect(log).not.toContain('LOGPROBE');
      expect(log).not.toContain(debug.server.origin);
    } finally {
      await app.close();
    }
  });
});

@Controller()
class LoggedController {
  @Get('private')
  @RequireAuth()
  ok(): string {
    return 'ok';
  }
}

/** An app whose Nest logger (every level) writes into `lines`. */
async function createLoggingApp(adapter: AdapterName, jwksUrl: string, lines: string[]): Promise<INestApplication> {
  const record = (...args: unknown[]) => void lines.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
  const logger: LoggerService = { log: record, error: record, warn: record, debug: record, verbose: record, fatal: record };
  const moduleRef = await Test.createTestingModule({
    imports: [AuthModule.forRoot({ jwksUrl, global: true, debug: true })],
    controllers: [LoggedController],
  })
    .setLogger(logger)
    .compile();
  const app =
    adapter === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger })
      : moduleRef.createNestApplication({ logger });
  await app.init();
  if (adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return app;
}
