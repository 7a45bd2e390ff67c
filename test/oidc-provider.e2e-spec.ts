import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { AuthModule, type AuthModuleOptions } from 'nestjs-warden';
import { scopeList } from 'nestjs-warden/core';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';
import { authorizationCodeWithPkce, clientCredentials, discover, type ProviderMetadata } from './support/oauth-client.js';
import { API_RESOURCE, API_SCOPE, SERVICE_CLIENT, SPA_CLIENT, startOidcProvider, type OidcTestProvider } from './support/oidc-test-provider.js';
import { ProbeController } from './support/probe.controller.js';

/**
 * Interop with a certified OpenID provider (oidc-provider) on 127.0.0.1: tokens obtained through
 * real OAuth flows are verified by a Nest app that knows only the issuer and the audience.
 */

let op: OidcTestProvider;
let other: OidcTestProvider;
let sameKeys: OidcTestProvider;
let metadata: ProviderMetadata;
let serviceToken: { access_token: string };
let userTokens: { access_token: string; id_token?: string };

beforeAll(async () => {
  op = await startOidcProvider();
  other = await startOidcProvider();
  sameKeys = await startOidcProvider({ signingKey: op.signingKey });
  metadata = await discover(op.issuer);
  serviceToken = await clientCredentials(metadata, SERVICE_CLIENT, API_RESOURCE, API_SCOPE);
  userTokens = await authorizationCodeWithPkce(metadata, SPA_CLIENT, { resource: API_RESOURCE, scope: API_SCOPE, login: 'alice' });
});
afterAll(async () => {
  await Promise.all([op, other, sameKeys].map((p) => p?.close()));
});

/** All the app is told about the provider: its issuer and our audience; the keys come by discovery. */
function providerOptions(extra: Partial<AuthModuleOptions> = {}): AuthModuleOptions {
  return { issuer: op.issuer, audience: API_RESOURCE, debug: true, ...extra };
}

it('the provider issues RFC 9068 JWT access tokens for the resource', () => {
  expect(metadata.jwks_uri.startsWith(`${op.issuer}/`)).toBe(true);
  expect(decodeProtectedHeader(serviceToken.access_token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
  expect(decodeJwt(serviceToken.access_token)).toMatchObject({
    iss: op.issuer,
    aud: API_RESOURCE,
    sub: SERVICE_CLIENT.id,
    scope: API_SCOPE,
    client_id: SERVICE_CLIENT.id,
  });
  expect(decodeJwt(userTokens.access_token)).toMatchObject({ iss: op.issuer, aud: API_RESOURCE, sub: 'alice', client_id: SPA_CLIENT.id });
  expect(decodeJwt(userTokens.id_token as string)).toMatchObject({ iss: op.issuer, aud: SPA_CLIENT.id, sub: 'alice' });
});

describe.each(ADAPTERS)('oidc-provider tokens (%s)', (adapter) => {
  let app: INestApplication;
  let strict: INestApplication;
  let sessionsOnly: INestApplication;
  beforeAll(async () => {
    // RFC 9068 access tokens (typ: at+jwt) are OAuth tokens: accepted where the app says so.
    app = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot({ ...providerOptions({ acceptsToken: ['session_token', 'oauth_token'] }), global: true })],
      controllers: [ProbeController],
    });
    sessionsOnly = await createHttpApp(adapter, { imports: [AuthModule.forRoot({ ...providerOptions(), global: true })], controllers: [ProbeController] });
    // Accepts the SPA client as an audience too, so only `typ` tells an ID token from an access token;
    // maps the OAuth scope into has({ permission }).
    const strictOptions = providerOptions({
      audience: [API_RESOURCE, SPA_CLIENT.id],
      typ: 'at+jwt',
      authorization: (claims) => ({ permissions: scopeList(claims.scope) }),
    });
    strict = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot({ ...strictOptions, global: true })],
      controllers: [ProbeController],
    });
  });
  afterAll(async () => {
    await app?.close();
    await strict?.close();
    await sessionsOnly?.close();
  });

  it('accepts the client_credentials access token as an OAuth token', async () => {
    const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${serviceToken.access_token}`).expect(200);
    expect(res.body).toMatchObject({ isAuthenticated: true, tokenType: 'oauth_token', userId: SERVICE_CLIENT.id, clientId: SERVICE_CLIENT.id });
    expect(res.body.scopes).toEqual(API_SCOPE.split(' '));
    expect(res.body.claims).toMatchObject({ aud: API_RESOURCE, scope: API_SCOPE });
  });

  it('refuses access tokens where only sessions are accepted (the default)', async () => {
    for (const token of [serviceToken.access_token, userTokens.access_token]) {
      const res = await request(sessionsOnly.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`).expect(401);
      expect(res.body.reason).toBe('token-type-not-accepted');
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    }
  });

  it('accepts the access token of the authorization code + PKCE flow', async () => {
    for (const server of [app.getHttpServer(), strict.getHttpServer()]) {
      const res = await request(server).get('/me').set('Authorization', `Bearer ${userTokens.access_token}`).expect(200);
      expect(res.body).toMatchObject({ tokenType: 'oauth_token', userId: 'alice', clientId: SPA_CLIENT.id, claims: { client_id: SPA_CLIENT.id } });
    }
  });

  it('maps the OAuth scope into has() when asked to, and keeps Clerk semantics otherwise', async () => {
    const bearer = `Bearer ${serviceToken.access_token}`;
    expect((await request(strict.getHttpServer()).get('/has').query({ permission: API_SCOPE }).set('Authorization', bearer).expect(200)).body.has).toBe(true);
    expect((await request(strict.getHttpServer()).get('/has').query({ permission: 'orders:write' }).set('Authorization', bearer).expect(200)).body.has).toBe(
      false,
    );
    expect((await request(app.getHttpServer()).get('/has').query({ permission: API_SCOPE }).set('Authorization', bearer).expect(200)).body.has).toBe(false);
  });

  it('rejects the ID token where an access token is required', async () => {
    const idToken = userTokens.id_token as string;
    const byAudience = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${idToken}`).expect(401);
    expect(byAudience.body.reason).toBe('token-invalid-audience');
    const byType = await request(strict.getHttpServer()).get('/me').set('Authorization', `Bearer ${idToken}`).expect(401);
    expect(byType.body.reason).toBe('token-invalid-type');
  });

  it('rejects tokens from a second provider instance', async () => {
    const otherMeta = await discover(other.issuer);
    const foreign = await clientCredentials(otherMeta, SERVICE_CLIENT, API_RESOURCE, API_SCOPE);
    const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${foreign.access_token}`).expect(401);
    expect(res.body.reason).toBe('key-not-found');

    // Same signing keys, another issuer: only the iss check stands between them.
    const twin = await clientCredentials(await discover(sameKeys.issuer), SERVICE_CLIENT, API_RESOURCE, API_SCOPE);
    const res2 = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${twin.access_token}`).expect(401);
    expect(res2.body.reason).toBe('token-invalid-issuer');
  });
});
