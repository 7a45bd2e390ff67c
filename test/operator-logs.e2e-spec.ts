import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Auth, AuthModule, RequireAuth, type AuthModuleOptions } from 'nestjs-warden';
import { AUTH_DEFAULTS } from 'nestjs-warden/core';
import { createTestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { createTestClock } from './support/security-fixture.js';

/**
 * Issue 12, defect 10: failures an operator must see are logged, through Nest's Logger (so through
 * the app's own LoggerService), without tokens, keys, URLs or their query secrets; with
 * `debug: true`, every refusal's reason at debug level. A token sent with another scheme than Bearer
 * has its own reason.
 */
interface LogLine {
  level: string;
  text: string;
}

/** A LoggerService that keeps every line (message and context) it is given. */
class CapturingLogger implements LoggerService {
  readonly lines: LogLine[] = [];
  private keep(level: string, message: unknown, rest: unknown[]): void {
    this.lines.push({ level, text: [message, ...rest].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ') });
  }
  log(message: unknown, ...rest: unknown[]) {
    this.keep('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.keep('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.keep('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.keep('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.keep('verbose', message, rest);
  }
  /** Lines of nestjs-warden at `level` (the library logs under the context 'nestjs-warden'). */
  of(level: string): string[] {
    return this.lines.filter((line) => line.level === level && line.text.includes('nestjs-warden')).map((line) => line.text);
  }
}

@Controller()
class ProbeController {
  @Get('private')
  @RequireAuth()
  who(@Auth('userId') userId: string): { userId: string } {
    return { userId };
  }
}

const SECRET_QUERY = 'api_key=s3cr3t-in-the-query';
const issuerPromise = createTestIssuer({ issuer: 'https://issuer.test', kid: 'key-1' });

describe('operator logs (Nest Logger, custom LoggerService)', () => {
  const open: Array<{ close(): unknown }> = [];
  afterEach(async () => {
    for (const item of open.splice(0).reverse()) await item.close();
  });

  async function boot(options: AuthModuleOptions): Promise<{ app: INestApplication; logs: CapturingLogger }> {
    const logs = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ ...options, global: true })],
      controllers: [ProbeController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: logs });
    await app.init();
    open.push(app);
    return { app, logs };
  }

  async function server(): Promise<JwksServer> {
    const s = await startJwksServer([(await issuerPromise).publicJwk]);
    open.push(s);
    return s;
  }

  /** No line of the library carries the token, the key source's URL, its query secret or key material. */
  function expectNoSecrets(logs: CapturingLogger, secrets: string[]): void {
    const all = logs.lines.map((line) => line.text).join('\n');
    for (const secret of secrets) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(all).not.toContain('"kty"');
  }

  it('a wrong JWKS URL: 503, and one warning per cooldown window with the error class and HTTP status', async () => {
    const clock = createTestClock();
    const s = await server();
    const issuer = await issuerPromise;
    const jwksUrl = `${s.origin}/wrong/jwks.json?${SECRET_QUERY}`;
    const { app, logs } = await boot({ jwksUrl, issuer: issuer.issuer, clock: clock.read });
    const token = await issuer.sign({}, { now: clock.now });
    for (let i = 0; i < 3; i++) {
      expect((await request(app.getHttpServer()).get('/private').set('authorization', `Bearer ${token}`)).status).toBe(503);
    }
    // The boot warm-up failed; the requests within its cooldown fetched nothing and logged nothing more.
    const warnings = logs.of('warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/KeyFetchError/);
    expect(warnings[0]).toMatch(/http-status/);
    expect(warnings[0]).toMatch(/\b404\b/);
    expect(warnings[0]).toMatch(/jwksUrl/);

    clock.advance(AUTH_DEFAULTS.jwksCooldownInMs);
    expect((await request(app.getHttpServer()).get('/private').set('authorization', `Bearer ${token}`)).status).toBe(503);
    expect(logs.of('warn')).toHaveLength(2);
    expectNoSecrets(logs, [token, jwksUrl, s.origin, 's3cr3t', '127.0.0.1']);
  });

  it('an unreachable JWKS URL: the warning names the network failure and its system code', async () => {
    const clock = createTestClock();
    const s = await server();
    const issuer = await issuerPromise;
    const jwksUrl = `${s.jwksUrl}?${SECRET_QUERY}`;
    await s.close(); // nothing listens there any more
    const { app, logs } = await boot({ jwksUrl, issuer: issuer.issuer, clock: clock.read, debug: true });
    const token = await issuer.sign({}, { now: clock.now });
    expect((await request(app.getHttpServer()).get('/private').set('authorization', `Bearer ${token}`)).status).toBe(503);
    const warnings = logs.of('warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/KeyFetchError/);
    expect(warnings[0]).toMatch(/network/);
    expect(warnings[0]).toMatch(/ECONNREFUSED/);
    // debug: the refusal itself, with its reason.
    expect(logs.of('debug').some((line) => /503/.test(line) && /keys-unavailable/.test(line))).toBe(true);
    expectNoSecrets(logs, [token, jwksUrl, 's3cr3t', '127.0.0.1']);
  });

  it('debug: true logs each refusal with its reason at debug level; debug off logs none', async () => {
    const issuer = await issuerPromise;
    const clock = createTestClock();
    const expired = await issuer.sign({}, { now: clock.now - 3_600_000, expiresInSeconds: 60 });
    const forged = `${expired.slice(0, -4)}AAAA`;
    const { app, logs } = await boot({ ...issuer.moduleOptions(), clock: clock.read, debug: true });
    const http = () => request(app.getHttpServer()).get('/private');
    expect((await http().set('authorization', `Bearer ${expired}`)).status).toBe(401);
    expect((await http().set('authorization', `Bearer ${forged}`)).status).toBe(401);
    expect((await http()).status).toBe(401);
    const debug = logs.of('debug');
    expect(debug).toHaveLength(3);
    expect(debug[0]).toMatch(/401 token-expired/);
    expect(debug[1]).toMatch(/401 token-invalid-signature/);
    expect(debug[2]).toMatch(/401 token-missing/);
    expect(debug[0]).toMatch(/ProbeController\.who/);
    expectNoSecrets(logs, [expired, forged]);

    const quiet = await boot({ ...issuer.moduleOptions(), clock: clock.read });
    expect((await request(quiet.app.getHttpServer()).get('/private').set('authorization', `Bearer ${expired}`)).status).toBe(401);
    expect(quiet.logs.of('debug')).toEqual([]);
  });

  it.each([['Token'], ['Basic'], ['Digest']])('a token sent with the %s scheme: its own reason, still a bare 401 challenge (RFC 6750 3.1)', async (scheme) => {
    const issuer = await issuerPromise;
    const token = await issuer.sign();
    const { app, logs } = await boot({ ...issuer.moduleOptions(), debug: true });
    const res = await request(app.getHttpServer()).get('/private').set('authorization', `${scheme} ${token}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(res.body.reason).toBe('token-scheme-not-bearer');
    expect(logs.of('debug').join('\n')).toMatch(/401 token-scheme-not-bearer/);
    expectNoSecrets(logs, [token]);
  });

  it('a bare token without any scheme is not a bearer token either; an empty Bearer stays token-missing', async () => {
    const issuer = await issuerPromise;
    const token = await issuer.sign();
    const { app } = await boot({ ...issuer.moduleOptions(), debug: true });
    const bare = await request(app.getHttpServer()).get('/private').set('authorization', token);
    expect([bare.status, bare.body.reason]).toEqual([401, 'token-scheme-not-bearer']);
    const empty = await request(app.getHttpServer()).get('/private').set('authorization', 'Bearer ');
    expect([empty.status, empty.body.reason, empty.headers['www-authenticate']]).toEqual([401, 'token-missing', 'Bearer realm="api"']);
  });
});
