import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, Req, type INestApplication } from '@nestjs/common';
import { Auth, AuthModule, AuthService, getAuth, OptionalAuth, RequireAuth, type AnyAuthObject, type AuthObjectFor } from 'nestjs-warden';
import { clerkM2MClaims, clerkOAuthClaims, clerkSessionClaims, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';

// The behaviour docs/machine-callers.md describes, on both adapters; the page's own files are compiled
// and run by test/docs-apps.e2e-spec.ts.

@Controller('invoices')
export class InvoicesController {
  // No decorator: sessions only (the default acceptsToken); a machine token here is signed out.
  @Get('mine')
  mine(@Auth('userId') userId: string) {
    return { userId };
  }

  // Machines only, and only with the scope: 403 insufficient_scope otherwise.
  @RequireAuth({ acceptsToken: 'm2m_token', scope: 'invoices:read' })
  @Get('export')
  export(@Auth('machineId') machineId: string) {
    return { machineId };
  }

  // Users, and OAuth clients acting for them: narrow on tokenType.
  @RequireAuth({ acceptsToken: ['session_token', 'oauth_token'] })
  @Get('list')
  list(@Auth() auth: AuthObjectFor<['session_token', 'oauth_token']>) {
    return auth.tokenType === 'oauth_token' ? { userId: auth.userId, clientId: auth.clientId } : { userId: auth.userId };
  }
}

@Controller('more')
class MoreController {
  @RequireAuth({ acceptsToken: 'any', scopes: ['invoices:read', 'invoices:write'] })
  @Get('write')
  write(@Auth('scopes') scopes: string[] | undefined) {
    return { scopes: scopes ?? null };
  }

  @OptionalAuth({ acceptsToken: 'm2m_token' })
  @Get('maybe-machine')
  maybeMachine(@Auth() auth: AnyAuthObject) {
    return auth;
  }

  @OptionalAuth()
  @Get('maybe-user')
  maybeUser(@Auth() auth: AnyAuthObject) {
    return auth;
  }

  @RequireAuth({ acceptsToken: 'any' })
  @Get('get-auth')
  viaGetAuth(@Req() req: object) {
    const asSession = getAuth(req);
    const asMachine = getAuth(req, { acceptsToken: ['m2m_token', 'session_token'] });
    return {
      session: asSession.isAuthenticated,
      machineId: asMachine.tokenType === 'm2m_token' ? asMachine.machineId : null,
      userId: asMachine.tokenType === 'session_token' ? asMachine.userId : null,
    };
  }
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe.each(ADAPTERS)('machine callers on %s', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let server: ReturnType<INestApplication['getHttpServer']>;
  let tokens: Record<'session' | 'machine' | 'unscoped' | 'client' | 'writer', string>;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    // Not in debug mode: the challenges are what a production client sees.
    app = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))],
      controllers: [InvoicesController, MoreController],
    });
    server = app.getHttpServer();
    const machine = await issuer.sign(clerkM2MClaims({ machineId: 'mch_billing', scopes: ['invoices:read'] }));
    const client = await issuer.sign(clerkOAuthClaims({ userId: 'user_1', clientId: 'cli_1', scopes: ['invoices:read'] }));
    tokens = {
      session: await issuer.sign(clerkSessionClaims({ userId: 'user_1' })),
      machine,
      unscoped: await issuer.sign(clerkM2MClaims({ machineId: 'mch_other' })),
      client,
      writer: await issuer.sign(clerkOAuthClaims({ userId: 'user_2', scopes: ['invoices:write', 'invoices:read'] })),
    };
  });
  afterAll(() => app?.close());

  it('a session-only route refuses machine tokens as signed out (401 invalid_token)', async () => {
    expect((await request(server).get('/invoices/mine').set(bearer(tokens.session)).expect(200)).body).toEqual({ userId: 'user_1' });
    for (const token of [tokens.machine, tokens.client]) {
      const res = await request(server).get('/invoices/mine').set(bearer(token)).expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    }
  });

  it('an m2m route with a scope: the machine with the scope, 403 with the scope challenge without it', async () => {
    expect((await request(server).get('/invoices/export').set(bearer(tokens.machine)).expect(200)).body).toEqual({ machineId: 'mch_billing' });
    const res = await request(server).get('/invoices/export').set(bearer(tokens.unscoped)).expect(403);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="insufficient_scope", scope="invoices:read"');
    // The class is decided before any has(): a session with no scope is signed out here, not forbidden.
    await request(server).get('/invoices/export').set(bearer(tokens.session)).expect(401);
    const none = await request(server).get('/invoices/export').expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it("a machine cannot grant itself scopes with custom claims: an M2M token takes Clerk's scopes claim only", async () => {
    // A calling machine adds custom claims to its own M2M token; scope and scp are not the claim Clerk sets.
    for (const custom of [{ scope: 'invoices:read' }, { scp: ['invoices:read'] }, { scope: 'invoices:read', scp: 'invoices:read' }]) {
      const selfScoped = await issuer.sign(clerkM2MClaims({ machineId: 'mch_other', claims: custom }));
      const res = await request(server).get('/invoices/export').set(bearer(selfScoped)).expect(403);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="insufficient_scope", scope="invoices:read"');
    }
    // With Clerk's own scopes beside a self-added scope, the machine has exactly what Clerk assigned.
    const both = await issuer.sign(clerkM2MClaims({ machineId: 'mch_other', scopes: ['reports:read'], claims: { scope: 'invoices:read invoices:write' } }));
    await request(server).get('/invoices/export').set(bearer(both)).expect(403);
    const auth = await app.get(AuthService).verifyToken(both, { acceptsToken: 'm2m_token' });
    expect(auth.scopes).toEqual(['reports:read']);
  });

  it('several scopes: all are required, and all are named in the challenge', async () => {
    expect((await request(server).get('/more/write').set(bearer(tokens.writer)).expect(200)).body).toEqual({ scopes: ['invoices:write', 'invoices:read'] });
    for (const token of [tokens.client, tokens.session]) {
      const res = await request(server).get('/more/write').set(bearer(token)).expect(403);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="insufficient_scope", scope="invoices:read invoices:write"');
    }
  });

  it('a route accepting sessions and OAuth tokens narrows on tokenType', async () => {
    expect((await request(server).get('/invoices/list').set(bearer(tokens.client)).expect(200)).body).toEqual({ userId: 'user_1', clientId: 'cli_1' });
    expect((await request(server).get('/invoices/list').set(bearer(tokens.session)).expect(200)).body).toEqual({ userId: 'user_1' });
    await request(server).get('/invoices/list').set(bearer(tokens.machine)).expect(401);
  });

  it('machine tokens count only from the Authorization header, never from the session cookie (as Clerk)', async () => {
    await request(server).get('/invoices/export').set('Cookie', `__session=${tokens.machine}`).expect(401);
    await request(server).get('/invoices/mine').set('Cookie', `__session=${tokens.session}`).expect(200);
  });

  it('optional routes: a class the route does not accept is signed out, as that class when it is one machine class', async () => {
    const none = await request(server).get('/more/maybe-machine').expect(200);
    expect(none.body).toEqual({
      isAuthenticated: false,
      tokenType: 'm2m_token',
      id: null,
      subject: null,
      scopes: null,
      machineId: null,
      claims: null,
      issuer: null,
    });
    const user = await request(server).get('/more/maybe-machine').set(bearer(tokens.session)).expect(200);
    expect(user.body).toMatchObject({ isAuthenticated: false, tokenType: 'm2m_token', machineId: null });
    const machine = await request(server).get('/more/maybe-machine').set(bearer(tokens.machine)).expect(200);
    expect(machine.body).toMatchObject({ isAuthenticated: true, tokenType: 'm2m_token', id: 'mt_test', machineId: 'mch_billing', scopes: ['invoices:read'] });
    const asUser = await request(server).get('/more/maybe-user').set(bearer(tokens.machine)).expect(200);
    expect(asUser.body).toMatchObject({ isAuthenticated: false, tokenType: 'session_token', userId: null });
  });

  it('getAuth(req) sees sessions, as Clerk; getAuth(req, { acceptsToken }) sees the classes asked for', async () => {
    expect((await request(server).get('/more/get-auth').set(bearer(tokens.machine)).expect(200)).body).toEqual({
      session: false,
      machineId: 'mch_billing',
      userId: null,
    });
    expect((await request(server).get('/more/get-auth').set(bearer(tokens.session)).expect(200)).body).toEqual({
      session: true,
      machineId: null,
      userId: 'user_1',
    });
  });

  it('a cached machine token is answered without a second verification', async () => {
    const { verifier } = app.get(AuthService);
    const token = await issuer.sign(clerkM2MClaims({ machineId: 'mch_cached', scopes: ['invoices:read'] }));
    // A full verification is the issuer's: what the cache saves.
    const verify = jest.spyOn(verifier.issuers.fixed[0], 'verify');
    try {
      for (let i = 0; i < 4; i += 1) {
        expect((await request(server).get('/invoices/export').set(bearer(token)).expect(200)).body).toEqual({ machineId: 'mch_cached' });
      }
      // The first two verify (the second stores the token with its class); the rest are cache hits.
      expect(verify).toHaveBeenCalledTimes(2);
      expect(verifier.verifyCached(token)?.tokenType).toBe('m2m_token');
    } finally {
      verify.mockRestore();
    }
  });

  it('AuthService.verifyToken(token, { acceptsToken })', async () => {
    const authService = app.get(AuthService);
    const token = tokens.machine;
    // A queue worker or a WebSocket handshake: the same checks as the guard, typed by the class.
    const machine = await authService.verifyToken(token, { acceptsToken: 'm2m_token' });
    const caller = `${machine.machineId} (${machine.scopes.join(' ')})`; // 'mch_billing (invoices:read)'
    expect(caller).toBe('mch_billing (invoices:read)');
    expect([machine.machineId, machine.scopes]).toEqual(['mch_billing', ['invoices:read']]);
    await expect(authService.verifyToken(tokens.machine)).rejects.toMatchObject({ reason: 'token-type-not-accepted' });
    await expect(authService.verifyToken(tokens.session, { acceptsToken: ['oauth_token', 'm2m_token'] })).rejects.toMatchObject({
      reason: 'token-type-not-accepted',
    });
    expect((await authService.verifyToken(tokens.client, { acceptsToken: 'any' })).tokenType).toBe('oauth_token');
  });
});
