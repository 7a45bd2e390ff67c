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
 * row, and every TypeScript block is the text of a `// #region readme:NAME` region of this file.
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

function dedent(text: string): string {
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
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

  it('shows in each TypeScript block exactly the region of the same name in this file', () => {
    const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    const regions = new Map<string, string>();
    for (const [, name, body] of source.matchAll(/\/\/ #region readme:([\w-]+)\n([\s\S]*?)\n[ \t]*\/\/ #endregion/g)) {
      regions.set(name, dedent(body));
    }
    const blocks = [...doc().matchAll(/<!-- example: ([\w-]+) -->\n```ts\n([\s\S]*?)\n```/g)];
    expect(blocks.length).toBeGreaterThan(0);
    expect(doc().match(/```ts/g)?.length).toBe(blocks.length);
    for (const [, name, body] of blocks) expect(`${name}:\n${body}`).toBe(`${name}:\n${regions.get(name)}`);
  });

  it('the debug example logs each refusal with its reason at debug level', async () => {
    const issuer = await createTestIssuer();
    const options = issuer.moduleOptions();
    // #region readme:troubleshooting-debug
    @Module({
      imports: [AuthModule.forRoot({ ...options, debug: true, global: true })],
      controllers: [InvoicesController],
    })
    class AppModule {}

    const app = await NestFactory.create(AppModule, { logger: ['error', 'warn', 'debug'] });
    // #endregion
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
