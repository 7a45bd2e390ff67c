import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Query as GqlQuery, Resolver } from '@nestjs/graphql';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { decodeJwt } from 'jose';
import { Auth, AuthModule, RequireAuth } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { createGraphqlApp, type GraphqlBody } from './support/graphql-app.js';
import { ADAPTERS, createHttpApp } from './support/http-app.js';
import { connectWsClient, createWsApp, WS_ADAPTERS } from './support/ws-app.js';
import { authorizationCodeWithPkce, discover, type ProviderMetadata } from './support/oauth-client.js';
import { ACR, API_RESOURCE, API_SCOPE, SPA_CLIENT, startOidcProvider, type OidcTestProvider } from './support/oidc-test-provider.js';

/**
 * RFC 9470 step-up with a real OpenID provider (oidc-provider on 127.0.0.1): access tokens from the
 * authorization code flow carry the login's `acr` and `auth_time`; a route that asks for more
 * answers 401 `insufficient_user_authentication`, the client signs in again with the challenge's
 * `acr_values` and `max_age`, and the new token passes.
 */

@Controller('payments')
export class PaymentsController {
  /** A second factor, within the last 5 minutes; otherwise 401 with an RFC 9470 challenge. */
  @RequireAuth({ acr: ['urn:example:acr:mfa'], maxAgeSeconds: 300 })
  @Get('transfer')
  transfer(@Auth('userId') userId: string) {
    return { approvedBy: userId };
  }
}

@Controller('levels')
class LevelsController {
  @RequireAuth({ acr: [ACR.mfa, ACR.password] }) @Get('any-acr') anyAcr() {
    return { ok: true };
  }
  @RequireAuth({ maxAgeSeconds: 60 }) @Get('recent') recent() {
    return { ok: true };
  }
  @RequireAuth({ permission: 'org:payments:approve', acr: [ACR.mfa] }) @Get('approve') approve() {
    return { ok: true };
  }
}

let op: OidcTestProvider;
let metadata: ProviderMetadata;

beforeAll(async () => {
  op = await startOidcProvider();
  metadata = await discover(op.issuer);
});
afterAll(async () => {
  await op?.close();
});

type SignIn = { acrValues?: string; maxAge?: number; loginAcr?: string; loginTs?: number };
const signIn = async (extra: SignIn = {}) =>
  (await authorizationCodeWithPkce(metadata, SPA_CLIENT, { resource: API_RESOURCE, scope: API_SCOPE, login: 'alice', ...extra })).access_token;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The auth-params of a `WWW-Authenticate: Bearer` challenge (quoted or token values). */
function challengeParams(header: string): Record<string, string> {
  expect(header.startsWith('Bearer ')).toBe(true);
  return Object.fromEntries([...header.slice(7).matchAll(/([a-z_]+)=(?:"([^"]*)"|([^\s,]+))/g)].map(([, k, q, t]) => [k, q ?? t]));
}

it('the provider puts the login acr and auth_time into JWT access tokens', async () => {
  const before = nowSeconds();
  const claims = decodeJwt(await signIn({ acrValues: ACR.mfa, maxAge: 300, loginAcr: ACR.mfa }));
  expect(claims.acr).toBe(ACR.mfa);
  expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);
  expect(decodeJwt(await signIn({ loginAcr: ACR.password, loginTs: before - 3600 }))).toMatchObject({ acr: ACR.password, auth_time: before - 3600 });
});

describe.each(ADAPTERS)('@RequireAuth({ acr, maxAgeSeconds }) with oidc-provider tokens (%s)', (adapter) => {
  let app: INestApplication;
  let passwordToken: string;

  beforeAll(async () => {
    app = await createHttpApp(adapter, {
      // RFC 9068 access tokens (typ: at+jwt) are OAuth tokens: this API accepts them.
      imports: [AuthModule.forRoot({ issuer: op.issuer, audience: API_RESOURCE, acceptsToken: ['session_token', 'oauth_token'], global: true })],
      controllers: [PaymentsController, LevelsController],
    });
    passwordToken = await signIn({ loginAcr: ACR.password });
  });
  afterAll(() => app?.close());

  it('refuses a password-only login with the RFC 9470 challenge; the client steps up with it and gets through', async () => {
    const refused = await request(app.getHttpServer()).get('/payments/transfer').set('Authorization', `Bearer ${passwordToken}`).expect(401);
    expect(refused.headers['www-authenticate']).toBe(`Bearer realm="api", error="insufficient_user_authentication", acr_values="${ACR.mfa}", max_age=300`);
    // What a client does (RFC 9470 section 4): a new authorization request with the challenge's values.
    const challenge = challengeParams(refused.headers['www-authenticate']);
    const steppedUp = await signIn({ acrValues: challenge.acr_values, maxAge: Number(challenge.max_age), loginAcr: challenge.acr_values });
    const res = await request(app.getHttpServer()).get('/payments/transfer').set('Authorization', `Bearer ${steppedUp}`).expect(200);
    expect(res.body).toEqual({ approvedBy: 'alice' });
  });

  it('refuses a second factor from too long ago (auth_time older than max_age)', async () => {
    const old = await signIn({ acrValues: ACR.mfa, loginAcr: ACR.mfa, loginTs: nowSeconds() - 301 - 5 });
    const res = await request(app.getHttpServer()).get('/payments/transfer').set('Authorization', `Bearer ${old}`).expect(401);
    expect(challengeParams(res.headers['www-authenticate'])).toMatchObject({ error: 'insufficient_user_authentication', max_age: '300' });
  });

  it('checks acr alone and max age alone', async () => {
    const server = app.getHttpServer();
    await request(server).get('/levels/any-acr').set('Authorization', `Bearer ${passwordToken}`).expect(200);
    const stale = await signIn({ loginAcr: ACR.mfa, loginTs: nowSeconds() - 120 });
    await request(server).get('/levels/any-acr').set('Authorization', `Bearer ${stale}`).expect(200);
    const res = await request(server).get('/levels/recent').set('Authorization', `Bearer ${stale}`).expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="insufficient_user_authentication", max_age=60');
    await request(server).get('/levels/recent').set('Authorization', `Bearer ${passwordToken}`).expect(200);
  });

  it('a missing permission is 403, before any step-up: stepping up would not help', async () => {
    const res = await request(app.getHttpServer()).get('/levels/approve').set('Authorization', `Bearer ${passwordToken}`).expect(403);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('signed out is the plain 401 challenge, without step-up parameters', async () => {
    const res = await request(app.getHttpServer()).get('/payments/transfer').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });
});

@Resolver()
class TransferResolver {
  @RequireAuth({ acr: [ACR.mfa], maxAgeSeconds: 300 })
  @GqlQuery(() => String)
  transfer(): string {
    return 'approved';
  }
}

@WebSocketGateway()
class TransferGateway {
  @RequireAuth({ acr: [ACR.mfa], maxAgeSeconds: 300 })
  @SubscribeMessage('transfer')
  transfer() {
    return { event: 'reply', data: 'approved' };
  }
}

const STEP_UP = { acr: [ACR.mfa], maxAgeSeconds: 300 };

describe.each(ADAPTERS)('step-up over GraphQL (%s)', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    app = await createGraphqlApp(adapter, 'type Query { transfer: String }', {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))],
      providers: [TransferResolver],
    });
  });
  afterAll(() => app?.close());

  it('UNAUTHENTICATED with stepUp in the extensions; the query runs after stepping up', async () => {
    const weak = await issuer.headers({ sub: 'user_1', acr: ACR.password, auth_time: nowSeconds() });
    const body = (await request(app.getHttpServer()).post('/graphql').set(weak).send({ query: '{ transfer }' })).body as GraphqlBody;
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', stepUp: STEP_UP });
    const strong = await issuer.headers({ sub: 'user_1', acr: ACR.mfa, auth_time: nowSeconds() });
    expect(((await request(app.getHttpServer()).post('/graphql').set(strong).send({ query: '{ transfer }' })).body as GraphqlBody).data).toEqual({
      transfer: 'approved',
    });
  });
});

describe.each(WS_ADAPTERS)('step-up over WebSockets (%s)', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let port: number;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    ({ app, port } = await createWsApp(adapter, { imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))], providers: [TransferGateway] }));
  });
  afterAll(() => app?.close());

  it('the exception event carries stepUp', async () => {
    const headers = await issuer.headers({ sub: 'user_1', acr: ACR.mfa, auth_time: nowSeconds() - 600 });
    const client = await connectWsClient(adapter, port, { headers });
    try {
      expect(await client.call('transfer')).toEqual({
        exception: { status: 'error', statusCode: 401, error: 'Unauthorized', message: 'Unauthorized', code: 'UNAUTHENTICATED', stepUp: STEP_UP },
      });
    } finally {
      client.close();
    }
  });
});
