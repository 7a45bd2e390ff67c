import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Auth, AuthModule, RequireAuth, type AuthModuleOptions, type MachineAuthObject } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { createHttpApp } from '../support/http-app.js';
import { INTROSPECTING_CLIENT, OPAQUE_API, startIntrospectionProvider, type IntrospectionProvider } from '../support/oidc-introspection-provider.js';

/**
 * Opaque tokens go through the same issuer selection as JWTs: with `issuers: [...]` (or
 * `resolveIssuer`), the introspection answer's `iss` selects the entry whose rules (`aud`, `iss`,
 * ...) the token must meet; an `iss` no entry trusts is refused.
 */
@Controller()
class MachineController {
  @RequireAuth({ acceptsToken: 'oauth_token' })
  @Get('machine')
  machine(@Auth() auth: MachineAuthObject<'oauth_token'>): { clientId: string | null; issuer: string | null } {
    return { clientId: auth.clientId, issuer: auth.issuer };
  }
}

describe('opaque tokens with several issuers', () => {
  let op: IntrospectionProvider;
  let other: TestIssuer;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    op = await startIntrospectionProvider();
    other = await createTestIssuer({ issuer: 'https://other-idp.example.com' });
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  afterAll(async () => {
    await op?.close();
  });

  const introspection = () => ({ url: `${op.issuer}/token/introspection`, clientId: INTROSPECTING_CLIENT.id, clientSecret: INTROSPECTING_CLIENT.secret });

  async function startApp(options: AuthModuleOptions): Promise<INestApplication> {
    const app = await createHttpApp('express', { imports: [AuthModule.forRoot({ ...options, debug: true, global: true })], controllers: [MachineController] });
    apps.push(app);
    return app;
  }
  const machine = (app: INestApplication, token: string) => request(app.getHttpServer()).get('/machine').set('Authorization', `Bearer ${token}`);

  it("accepts a token that meets the rules of the entry its answer names, with that entry's issuer", async () => {
    const app = await startApp({
      issuers: [
        { issuer: other.issuer, jwks: other.jwks, audience: 'https://other.api.example.com' },
        { issuer: op.issuer, jwksUrl: `${op.issuer}/jwks`, audience: OPAQUE_API, acceptsToken: 'oauth_token' },
      ],
      introspection: introspection(),
    });
    const token = await op.issueToken();
    expect((await machine(app, token).expect(200)).body).toEqual({ clientId: 'payroll-service', issuer: op.issuer });
  });

  it('refuses a token issued for another audience than its entry accepts', async () => {
    const app = await startApp({
      issuers: [
        { issuer: other.issuer, jwks: other.jwks, audience: OPAQUE_API },
        { issuer: op.issuer, jwksUrl: `${op.issuer}/jwks`, audience: 'https://other.api.example.com', acceptsToken: 'oauth_token' },
      ],
      introspection: introspection(),
    });
    const token = await op.issueToken();
    expect((await machine(app, token).expect(401)).body.reason).toBe('token-invalid-audience');
  });

  it('refuses a token whose answer names an issuer no entry trusts', async () => {
    const app = await startApp({
      issuers: [{ issuer: other.issuer, jwks: other.jwks, audience: OPAQUE_API, acceptsToken: 'oauth_token' }],
      introspection: introspection(),
    });
    const token = await op.issueToken();
    expect((await machine(app, token).expect(401)).body.reason).toBe('token-invalid-issuer');
  });

  it('asks resolveIssuer about the issuer the answer names, and applies what it answers', async () => {
    const asked: string[] = [];
    const app = await startApp({
      resolveIssuer: (iss) => {
        asked.push(iss);
        return iss === op.issuer ? { jwksUrl: `${op.issuer}/jwks`, audience: 'https://other.api.example.com', acceptsToken: 'oauth_token' } : null;
      },
      resolveIssuerAddresses: 'any', // the provider runs on 127.0.0.1
      introspection: introspection(),
    });
    const token = await op.issueToken();
    expect((await machine(app, token).expect(401)).body.reason).toBe('token-invalid-audience');
    expect(asked).toEqual([op.issuer]);
  });
});
