import { afterEach, describe, expect, it } from '@jest/globals';
import { Logger, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { generateKeyPairSync } from 'node:crypto';
import { AuthConfigError, AuthModule, type AuthModuleOptions } from 'nestjs-warden';

async function bootError(imports: unknown[]): Promise<Error> {
  try {
    const moduleRef = await Test.createTestingModule({ imports: imports as never[] })
      .setLogger(false as never)
      .compile();
    await moduleRef.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the boot to fail');
}

const weakPem = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('misconfiguration fails at boot and names the option', () => {
  it.each<[string, AuthModuleOptions, string]>([
    ['no key source', {}, 'jwksUrl'],
    ['two key sources', { secret: 'x'.repeat(32), jwtKey: weakPem }, 'jwtKey, secret'],
    ['a short secret', { secret: 'short' }, 'secret'],
    ['a weak RSA key', { jwtKey: weakPem }, 'jwtKey'],
    ['an unknown algorithm', { secret: 'x'.repeat(32), algorithms: ['none'] }, 'algorithms'],
    ['a negative skew', { secret: 'x'.repeat(32), clockSkewInMs: -5 }, 'clockSkewInMs'],
    ['an unknown token source', { secret: 'x'.repeat(32), tokenSources: ['query' as never] }, 'tokenSources'],
  ])('forRoot with %s', async (_name, options, option) => {
    const error = await bootError([AuthModule.forRoot(options)]);
    expect(error).toBeInstanceOf(AuthConfigError);
    expect(error.message).toContain(`"${option}"`);
  });

  it('forRootAsync with a factory returning bad options', async () => {
    const error = await bootError([AuthModule.forRootAsync({ useFactory: async () => ({ jwksUrl: 'ftp://keys.example.com' }) })]);
    expect(error).toBeInstanceOf(AuthConfigError);
    expect(error.message).toMatch(/"jwksUrl".*https/);
  });

  it('@RequireAuth() with an unknown check fails when the class is declared', async () => {
    const { RequireAuth } = await import('nestjs-warden');
    expect(() => RequireAuth({ group: 'x' } as never)).toThrow(/role \| permission \| feature \| plan/);
    expect(() => RequireAuth({ permission: '' })).toThrow(/non-empty string/);
  });
});

describe('boot warnings', () => {
  afterEach(() => Logger.overrideLogger(true));

  it('warns once when no issuer is configured, and not when one is', async () => {
    const warnings: string[] = [];
    const capture: LoggerService = { log() {}, error() {}, warn: (message: unknown) => warnings.push(String(message)) };
    const secret = 'x'.repeat(32);
    const a = await Test.createTestingModule({ imports: [AuthModule.forRoot({ secret })] })
      .setLogger(capture)
      .compile();
    await a.close();
    expect(warnings.filter((w) => w.includes('"issuer"'))).toHaveLength(1);
    const b = await Test.createTestingModule({ imports: [AuthModule.forRoot({ secret, issuer: 'https://issuer.test' })] })
      .setLogger(capture)
      .compile();
    await b.close();
    expect(warnings.filter((w) => w.includes('"issuer"'))).toHaveLength(1);
    expect(warnings.join('\n')).not.toContain(secret);
  });
});
