import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Auth, AuthModule, RequireAuth, type AuthModuleOptions } from 'nestjs-warden';
import { clerkM2MClaims, createTestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';

/**
 * Issue 23, item 6: with `debug: true`, a token refused for `token-invalid-claims` says which claim
 * and what type it must have, in the 401 body and in the debug log line, so a developer minting tokens
 * by hand (`--claim scopes='["invoices:read"]'`) sees what to fix. Never the claim's value.
 */
class DebugLines implements LoggerService {
  readonly lines: string[] = [];
  log() {}
  error() {}
  warn() {}
  verbose() {}
  debug(message: unknown) {
    this.lines.push(String(message));
  }
}

@Controller()
class ProbeController {
  @Get('me')
  me(@Auth('userId') userId: string) {
    return { userId };
  }

  @RequireAuth({ acceptsToken: 'm2m_token', scope: 'invoices:read' })
  @Get('export')
  export(@Auth('machineId') machineId: string) {
    return { machineId };
  }
}

const issuerPromise = createTestIssuer({ issuer: 'https://issuer.test' });

describe('debug: the claim a token-invalid-claims refusal is about', () => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  async function boot(options: Partial<AuthModuleOptions>): Promise<{ app: INestApplication; logs: DebugLines }> {
    const issuer = await issuerPromise;
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ ...issuer.moduleOptions(), ...options, global: true })],
      controllers: [ProbeController],
    }).compile();
    const logs = new DebugLines();
    const app = moduleRef.createNestApplication({ logger: logs });
    await app.init();
    apps.push(app);
    return { app, logs };
  }

  it('names the claim and the expected type in the body and the log, never the value', async () => {
    const issuer = await issuerPromise;
    const { app, logs } = await boot({ debug: true });
    const wrongOrg = await issuer.sign({ sub: 'user_1', sid: 'sess_1', org_id: 4242 });
    const session = await request(app.getHttpServer()).get('/me').set('authorization', `Bearer ${wrongOrg}`);
    expect([session.status, session.body.reason, session.body.detail]).toEqual([401, 'token-invalid-claims', 'claim "org_id" must be a non-empty string']);

    const listScopes = await issuer.sign({ ...clerkM2MClaims({ machineId: 'mch_1' }), scopes: ['invoices:read'] });
    const machine = await request(app.getHttpServer()).get('/export').set('authorization', `Bearer ${listScopes}`);
    expect([machine.status, machine.body.reason, machine.body.detail]).toEqual([401, 'token-invalid-claims', 'claim "scopes" must be a string']);

    expect(logs.lines).toEqual([
      expect.stringMatching(/^Refused http ProbeController\.me: 401 token-invalid-claims \(claim "org_id" must be a non-empty string\)$/),
      expect.stringMatching(/^Refused http ProbeController\.export: 401 token-invalid-claims \(claim "scopes" must be a string\)$/),
    ]);
    expect(JSON.stringify([session.body, machine.body, logs.lines])).not.toMatch(/4242|\[\\?"invoices/);
  });

  it('says nothing of it without debug', async () => {
    const issuer = await issuerPromise;
    const { app, logs } = await boot({});
    const wrongOrg = await issuer.sign({ sub: 'user_1', sid: 'sess_1', org_id: 4242 });
    const res = await request(app.getHttpServer()).get('/me').set('authorization', `Bearer ${wrongOrg}`);
    expect([res.status, res.body]).toEqual([401, { statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' }]);
    expect(logs.lines).toEqual([]);
  });
});
