import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Auth, AuthModule, RequireAuth, type AuthModuleOptions, type AuthObjectFor } from 'nestjs-warden';
import { defaultTokenClass } from 'nestjs-warden/core';
import { clerkM2MClaims, clerkOAuthClaims, clerkSessionClaims, createTestAuth, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { createHttpApp } from './support/http-app.js';

// Module options for machine callers; the `machine-classify` region is shown in docs/machine-callers.md.

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The routes of docs/machine-callers.md's first example. */
@Controller('invoices')
class InvoicesController {
  @Get('mine')
  mine(@Auth('userId') userId: string) {
    return { userId };
  }

  @RequireAuth({ acceptsToken: 'm2m_token', scope: 'invoices:read' })
  @Get('export')
  export(@Auth('machineId') machineId: string) {
    return { machineId };
  }

  @RequireAuth({ acceptsToken: ['session_token', 'oauth_token'] })
  @Get('list')
  list(@Auth() auth: AuthObjectFor<['session_token', 'oauth_token']>) {
    return auth.tokenType === 'oauth_token' ? { userId: auth.userId, clientId: auth.clientId } : { userId: auth.userId };
  }
}

describe('module options for machine callers', () => {
  let issuer: TestIssuer;
  const apps: INestApplication[] = [];
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });
  const start = async (options: AuthModuleOptions) => {
    const app = await createHttpApp('express', { imports: [AuthModule.forRoot({ ...options, global: true })], controllers: [InvoicesController] });
    apps.push(app);
    return app.getHttpServer();
  };

  it('acceptsToken sets what undecorated routes accept', async () => {
    const server = await start(issuer.moduleOptions({ acceptsToken: ['session_token', 'm2m_token'] }));
    const res = await request(server)
      .get('/invoices/mine')
      .set(bearer(await issuer.sign(clerkM2MClaims())));
    // Accepted: a machine has no userId, so @Auth('userId') gives null.
    expect([res.status, res.body]).toEqual([200, { userId: null }]);
  });

  it('audience applies to every class; authorizedParties to sessions only', async () => {
    const server = await start(issuer.moduleOptions({ audience: 'api://billing', authorizedParties: ['https://app.example.com'], debug: true }));
    const noAud = await request(server)
      .get('/invoices/export')
      .set(bearer(await issuer.sign(clerkM2MClaims({ scopes: ['invoices:read'] }))));
    expect([noAud.status, noAud.body.reason]).toEqual([401, 'token-invalid-audience']);
    const withAud = await issuer.sign({ ...clerkM2MClaims({ scopes: ['invoices:read'] }), aud: 'api://billing' });
    await request(server).get('/invoices/export').set(bearer(withAud)).expect(200);
    const session = await issuer.sign({ ...clerkSessionClaims({ azp: 'https://evil.example.com' }), aud: 'api://billing' });
    expect((await request(server).get('/invoices/mine').set(bearer(session))).body.reason).toBe('token-invalid-authorized-party');
  });

  it('classifyToken decides for other issuers', async () => {
    const options: AuthModuleOptions = {
      ...issuer.moduleOptions(),
      // Client-credentials tokens (Auth0 marks them with gty) are machines; the rest follows the built-in rules.
      classifyToken: (header, claims) => (claims.gty === 'client-credentials' ? 'm2m_token' : defaultTokenClass(header, claims)),
      // Auth0 puts the scopes of every token in scope (an M2M token's own claim is Clerk's scopes otherwise).
      scopeClaim: 'scope',
    };
    const server = await start(options);
    const token = await issuer.sign({ sub: 'abc@clients', gty: 'client-credentials', scope: 'invoices:read' });
    expect((await request(server).get('/invoices/export').set(bearer(token)).expect(200)).body).toEqual({ machineId: 'abc@clients' });
    await request(server).get('/invoices/mine').set(bearer(token)).expect(401);
  });

  it('API keys, classified by classifyToken: name, and the owning user or organization', async () => {
    @Controller('keys')
    class KeysController {
      @RequireAuth({ acceptsToken: 'api_key', scope: 'reports:read' })
      @Get()
      owner(@Auth() auth: AuthObjectFor<'api_key'>) {
        return auth.isAuthenticated ? { name: auth.name, userId: auth.userId, orgId: auth.orgId, id: auth.id } : null;
      }
    }
    const app = await createHttpApp('express', {
      imports: [
        AuthModule.forRoot({ ...issuer.moduleOptions(), classifyToken: (_h, c) => (c.kind === 'api-key' ? 'api_key' : 'session_token'), global: true }),
      ],
      controllers: [KeysController, InvoicesController],
    });
    apps.push(app);
    const orgKey = await issuer.sign({ kind: 'api-key', sub: 'org_1', name: 'ci', jti: 'ak_1', scope: 'reports:read' });
    expect((await request(app.getHttpServer()).get('/keys').set(bearer(orgKey)).expect(200)).body).toEqual({
      name: 'ci',
      userId: null,
      orgId: 'org_1',
      id: 'ak_1',
    });
    const userKey = await issuer.sign({ kind: 'api-key', sub: 'user_1', scope: 'reports:read' });
    expect((await request(app.getHttpServer()).get('/keys').set(bearer(userKey)).expect(200)).body).toEqual({
      name: '',
      userId: 'user_1',
      orgId: null,
      id: '',
    });
    await request(app.getHttpServer())
      .get('/keys')
      .set(bearer(await issuer.sign({ kind: 'api-key', sub: 'org_1' })))
      .expect(403);
    await request(app.getHttpServer()).get('/invoices/mine').set(bearer(orgKey)).expect(401);
  });

  it('createTestAuth signs in as a machine', async () => {
    const testAuth = createTestAuth({ as: clerkM2MClaims({ machineId: 'mch_kit', scopes: ['invoices:read'] }) });
    const moduleRef = await testAuth
      .override(Test.createTestingModule({ imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))], controllers: [InvoicesController] }))
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    apps.push(app);
    expect((await request(app.getHttpServer()).get('/invoices/export').expect(200)).body).toEqual({ machineId: 'mch_kit' });
    await request(app.getHttpServer()).get('/invoices/mine').expect(401);
    const oauth = await testAuth.headers(clerkOAuthClaims({ userId: 'user_9', clientId: 'cli_9' }));
    expect((await request(app.getHttpServer()).get('/invoices/list').set(oauth).expect(200)).body).toEqual({ userId: 'user_9', clientId: 'cli_9' });
  });
});
