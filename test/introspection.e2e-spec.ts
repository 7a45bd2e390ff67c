import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Auth, AuthModule, AuthService, RequireAuth, type AuthModuleOptions, type MachineAuthObject } from 'nestjs-warden';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createHttpApp, type AdapterName } from './support/http-app.js';
import {
  INTROSPECTING_CLIENT,
  OPAQUE_API,
  OPAQUE_CLIENT,
  OPAQUE_SCOPE,
  SHORT_LIVED_CLIENT,
  startIntrospectionProvider,
  type IntrospectionProvider,
} from './support/oidc-introspection-provider.js';
import { ProbeController } from './support/probe.controller.js';

/**
 * Opaque access tokens from a real client_credentials grant at oidc-provider, verified by a Nest app
 * through the provider's real RFC 7662 introspection endpoint on 127.0.0.1.
 */

/** The ledger API accepts its issuer's JWTs and, through introspection, its opaque access tokens. */
export function ledgerAuthModule(issuer: string, clientSecret: string) {
  return AuthModule.forRoot({
    issuer, // the signing keys and the introspection endpoint, by OpenID discovery
    audience: 'https://ledger.api.example.com',
    introspection: { clientId: 'ledger-api', clientSecret },
    global: true,
  });
}

@Controller('ledger')
export class LedgerController {
  /** OAuth access tokens (JWT or opaque) with the ledger:read scope; sessions are refused here. */
  @RequireAuth({ acceptsToken: 'oauth_token', scope: 'ledger:read' })
  @Get('entries')
  entries(@Auth() auth: MachineAuthObject<'oauth_token'>) {
    return { clientId: auth.clientId, scopes: auth.scopes };
  }
}

/** What the tests look at: the whole auth object of an OAuth token, and a scope it lacks. */
@Controller()
class OpaqueProbeController {
  @RequireAuth({ acceptsToken: 'oauth_token' })
  @Get('machine')
  machine(@Auth() auth: MachineAuthObject<'oauth_token'>) {
    const { getToken: _getToken, has: _has, ...fields } = auth;
    return fields;
  }

  @RequireAuth({ acceptsToken: 'oauth_token', scope: 'ledger:write' })
  @Get('write')
  write() {
    return { ok: true };
  }
}

let op: IntrospectionProvider;
const apps: INestApplication[] = [];

beforeAll(async () => {
  op = await startIntrospectionProvider();
});
afterEach(async () => {
  op.mode = 'up';
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(async () => {
  await op?.close();
});

/** An app that knows the issuer (keys and introspection endpoint by discovery), its audience and its introspection client. */
async function startApp(extra: Partial<AuthModuleOptions> = {}, adapter: AdapterName = 'express'): Promise<INestApplication> {
  const options: AuthModuleOptions = {
    issuer: op.issuer,
    audience: OPAQUE_API,
    introspection: { clientId: INTROSPECTING_CLIENT.id, clientSecret: INTROSPECTING_CLIENT.secret },
    debug: true,
    ...extra,
  };
  const app = await createHttpApp(adapter, {
    imports: [AuthModule.forRoot({ ...options, global: true })],
    controllers: [ProbeController, OpaqueProbeController, LedgerController],
  });
  apps.push(app);
  return app;
}

/** GET /machine: a route that accepts OAuth access tokens. */
const me = (app: INestApplication, token: string, path = '/machine') => request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

/** Waits real time (the provider's clock is real): bounded, for token expiry only. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('the provider issues opaque access tokens (not JWTs)', async () => {
  const token = await op.issueToken();
  expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  expect(token.split('.')).toHaveLength(1);
});

describe('introspection against oidc-provider', () => {
  it('works as the docs configure it', async () => {
    const app = await createHttpApp('express', { imports: [ledgerAuthModule(op.issuer, INTROSPECTING_CLIENT.secret)], controllers: [LedgerController] });
    apps.push(app);
    const res = await me(app, await op.issueToken(), '/ledger/entries').expect(200);
    expect(res.body).toEqual({ clientId: OPAQUE_CLIENT.id, scopes: [OPAQUE_SCOPE] });
    await me(app, 'Zm9yZ2VkLW9wYXF1ZS10b2tlbg', '/ledger/entries').expect(401);
  });

  it('accepts an active token: its claims, checked, reach the auth object', async () => {
    const app = await startApp();
    const token = await op.issueToken();
    op.resetCalls();
    const res = await me(app, token).expect(200);
    expect(res.body).toMatchObject({
      isAuthenticated: true,
      tokenType: 'oauth_token',
      subject: OPAQUE_CLIENT.id,
      userId: OPAQUE_CLIENT.id,
      clientId: OPAQUE_CLIENT.id,
      scopes: [OPAQUE_SCOPE],
      id: '',
    });
    expect(res.body.claims).toMatchObject({
      iss: op.issuer,
      aud: OPAQUE_API,
      sub: OPAQUE_CLIENT.id,
      client_id: OPAQUE_CLIENT.id,
      scope: OPAQUE_SCOPE,
      token_type: 'Bearer',
    });
    expect(res.body.claims).not.toHaveProperty('active');
    await me(app, token).expect(200);
    expect(op.introspectionCalls).toBe(1);
  });

  it('its class decides the routes: refused on a session-only route, 403 for a scope it lacks', async () => {
    const app = await startApp();
    const token = await op.issueToken();
    expect((await me(app, token, '/me').expect(401)).body.reason).toBe('token-type-not-accepted');
    const res = await me(app, token, '/write').expect(403);
    expect(res.headers['www-authenticate']).toMatch(/error="insufficient_scope".*scope="ledger:write"/);
    await me(app, token, '/ledger/entries').expect(200);
  });

  it('works on Fastify and through AuthService.verifyToken', async () => {
    const app = await startApp({}, 'fastify');
    const token = await op.issueToken();
    expect((await me(app, token).expect(200)).body).toMatchObject({ tokenType: 'oauth_token', clientId: OPAQUE_CLIENT.id });
    const auth = await app.get(AuthService).verifyToken(token, { acceptsToken: 'oauth_token' });
    expect(auth).toMatchObject({ tokenType: 'oauth_token', clientId: OPAQUE_CLIENT.id, scopes: [OPAQUE_SCOPE] });
    await expect(app.get(AuthService).verifyToken(token)).rejects.toMatchObject({ reason: 'token-type-not-accepted' });
  });

  it('is never taken from the session cookie', async () => {
    const app = await startApp();
    const token = await op.issueToken();
    const res = await request(app.getHttpServer()).get('/machine').set('Cookie', `__session=${token}`).expect(401);
    expect(res.body.reason).toBe('token-type-not-accepted');
  });

  it('refuses a revoked token and an unknown one (active: false), and remembers the refusal', async () => {
    const app = await startApp();
    const revoked = await op.issueToken();
    await op.revoke(revoked);
    op.resetCalls();
    for (const token of [revoked, 'n0t-a-token-the-provider-ever-issued_x9']) {
      const res = await me(app, token).expect(401);
      expect(res.body.reason).toBe('token-invalid');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="token-invalid"');
    }
    await me(app, revoked).expect(401);
    expect(op.introspectionCalls).toBe(2);
  });

  it('refuses an expired token, and stops serving a cached one at its exp', async () => {
    const app = await startApp({ clockSkewInMs: 0 });
    const token = await op.issueToken(SHORT_LIVED_CLIENT);
    op.resetCalls();
    const { exp } = (await me(app, token).expect(200)).body.claims as { exp: number };
    await sleep(Math.min(exp * 1000 + 100 - Date.now(), 2500));
    const res = await me(app, token).expect(401);
    expect(res.body.reason).toBe('token-invalid');
    expect(op.introspectionCalls).toBe(2);
  });

  it('refuses a token introspected for another audience or issuer', async () => {
    const token = await op.issueToken();
    const otherAudience = await startApp({ audience: 'https://other.api.example.com' });
    expect((await me(otherAudience, token).expect(401)).body.reason).toBe('token-invalid-audience');
    const otherIssuer = await startApp({
      issuer: 'https://elsewhere.example.com',
      jwksUrl: `${op.issuer}/jwks`,
      introspection: { url: `${op.issuer}/token/introspection`, clientId: INTROSPECTING_CLIENT.id, clientSecret: INTROSPECTING_CLIENT.secret },
    });
    expect((await me(otherIssuer, token).expect(401)).body.reason).toBe('token-invalid-issuer');
  });

  it('endpoint down: 503 with Retry-After, a cooldown with no call, then recovery; cached tokens keep working', async () => {
    const app = await startApp({ opaqueTokens: { cooldownInMs: 1000 } });
    const cached = await op.issueToken();
    const fresh = await op.issueToken();
    const another = await op.issueToken();
    await me(app, cached).expect(200);
    op.mode = 'down';
    op.resetCalls();
    const res = await me(app, fresh).expect(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ statusCode: 503, reason: 'introspection-unavailable' });
    await me(app, another).expect(503);
    expect(op.introspectionCalls).toBe(1);
    await me(app, cached).expect(200);
    op.mode = 'up';
    await sleep(1100);
    await me(app, fresh).expect(200);
  });

  it('nothing listening at the endpoint (connection refused): 503 with Retry-After', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/token/introspection`;
    const app = await startApp({ introspection: { url, clientId: INTROSPECTING_CLIENT.id, clientSecret: INTROSPECTING_CLIENT.secret } });
    const res = await me(app, await op.issueToken()).expect(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.reason).toBe('introspection-unavailable');
    expect(JSON.stringify(res.body)).not.toContain(String(port));
  });

  it('endpoint slow: the timeout answers 503, never allows', async () => {
    const app = await startApp({ opaqueTokens: { timeoutInMs: 200, cooldownInMs: 3000 } });
    const token = await op.issueToken();
    op.mode = 'slow';
    op.slowMs = 1500;
    const res = await me(app, token).expect(503);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.body.reason).toBe('introspection-unavailable');
  });

  it('1000 concurrent requests with one new opaque token make exactly 1 introspection call', async () => {
    const app = await startApp();
    await app.listen(0, '127.0.0.1');
    const url = `${await app.getUrl()}/machine`.replace('[::1]', '127.0.0.1');
    const token = await op.issueToken();
    op.mode = 'slow';
    op.slowMs = 300;
    op.resetCalls();
    const statuses = await Promise.all(
      Array.from({ length: 1000 }, () =>
        fetch(url, { headers: { authorization: `Bearer ${token}` } }).then(async (res) => {
          await res.arrayBuffer();
          return res.status;
        }),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1000);
    expect(op.introspectionCalls).toBe(1);
  });

  it('without introspection, an opaque token is refused with no network call', async () => {
    const app = await startApp({ introspection: undefined });
    op.resetCalls();
    const res = await me(app, await op.issueToken()).expect(401);
    expect(res.body.reason).toBe('token-invalid');
    expect(op.introspectionCalls).toBe(0);
  });
});
