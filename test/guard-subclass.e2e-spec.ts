import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, UseGuards, type INestApplication } from '@nestjs/common';
import { Auth, AuthGuard, AuthModule, type AuthResult } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';

/** A user's guard: tokens from X-Api-Token, and a count of refusals by reason. */
@Injectable()
class ApiTokenGuard extends AuthGuard {
  static readonly refused: string[] = [];

  protected override getToken(carrier: { headers?: Record<string, string | string[] | undefined> }): string | null {
    const value = carrier.headers?.['x-api-token'];
    return typeof value === 'string' ? value : null;
  }

  protected override async authenticate(token: string | null): Promise<AuthResult> {
    const result = await super.authenticate(token);
    if (result.error) ApiTokenGuard.refused.push(result.error.reason);
    return result;
  }
}

@UseGuards(ApiTokenGuard)
@Controller('api')
class ApiController {
  @Get() who(@Auth('userId') userId: string): { userId: string } {
    return { userId };
  }
}

describe.each(ADAPTERS)('subclassing AuthGuard on %s', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    app = await createHttpApp(adapter, { imports: [AuthModule.forRoot(issuer.moduleOptions())], controllers: [ApiController], providers: [ApiTokenGuard] });
  });
  afterAll(() => app.close());

  it('uses the overridden steps and keeps the policy enforcement', async () => {
    const token = await issuer.sign({ sub: 'user_api' });
    const server = app.getHttpServer();
    expect((await request(server).get('/api').set('X-Api-Token', token)).body).toEqual({ userId: 'user_api' });
    expect((await request(server).get('/api').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    ApiTokenGuard.refused.length = 0;
    expect((await request(server).get('/api').set('X-Api-Token', 'x.y.z')).status).toBe(401);
    expect(ApiTokenGuard.refused).toEqual(['token-invalid']);
  });
});
