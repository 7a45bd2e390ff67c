import { afterAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuthErrorReason, AuthModule, RequireAuth } from 'nestjs-warden';
import { createTestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';

/**
 * docs/troubleshooting.md stays complete and true: every reason code of `AuthErrorReason` has its
 * row, and debug mode logs what the page says (its files run in test/docs-apps.e2e-spec.ts).
 */
const here = dirname(fileURLToPath(import.meta.url));
const doc = (): string => readFileSync(join(here, '..', 'docs', 'troubleshooting.md'), 'utf8');

@Controller('invoices')
class InvoicesController {
  @RequireAuth()
  @Get()
  list(): string[] {
    return ['inv-1'];
  }
}

/** Keeps what the app logs, for the assertions. */
class KeptLines implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown) {
    this.lines.push(`log ${String(message)}`);
  }
  error(message: unknown) {
    this.lines.push(`error ${String(message)}`);
  }
  warn(message: unknown) {
    this.lines.push(`warn ${String(message)}`);
  }
  debug(message: unknown) {
    this.lines.push(`debug ${String(message)}`);
  }
}

describe('docs/troubleshooting.md', () => {
  const apps: INestApplication[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('documents every reason code of AuthErrorReason in its table', () => {
    const text = doc();
    const missing = Object.values(AuthErrorReason).filter((reason) => !text.includes(`| \`${reason}\` |`));
    expect(missing).toEqual([]);
  });

  it('the debug example logs each refusal with its reason at debug level', async () => {
    const issuer = await createTestIssuer();
    const options = issuer.moduleOptions();
    @Module({
      imports: [AuthModule.forRoot({ ...options, debug: true, global: true })],
      controllers: [InvoicesController],
    })
    class AppModule {}

    const app = await NestFactory.create(AppModule, { logger: ['error', 'warn', 'debug'] });
    apps.push(app);
    const kept = new KeptLines();
    app.useLogger(kept);
    await app.init();
    const expired = await issuer.sign({}, { now: Date.now() - 3_600_000 });
    const res = await request(app.getHttpServer()).get('/invoices').set('authorization', `Bearer ${expired}`);
    expect([res.status, res.body.reason]).toEqual([401, 'token-expired']);
    expect(kept.lines).toContain('debug Refused http InvoicesController.list: 401 token-expired');
  });
});
