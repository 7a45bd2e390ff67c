import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, type JWTPayload } from 'jose';
import { auth0, clerk, cognito, keycloak } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS } from './support/http-app.js';
import { bearer, mintRs256 as mint, nowSeconds as now, startPresetApp as start, type PresetApp as Fixture } from './support/preset-app.js';

/**
 * Each preset against a token shaped like its provider's (claims, header), signed by a local key and
 * served through a JWKS on 127.0.0.1 at the path the real provider publishes it.
 */

describe.each(ADAPTERS)('issuer presets (%s)', (adapter) => {
  describe('clerk()', () => {
    let issuer: TestIssuer;
    let f: Fixture;
    beforeAll(async () => {
      issuer = await createTestIssuer({ kid: 'ins_2abcdefGHIJKLmnop' });
      f = await start(adapter, issuer, '/.well-known/jwks.json', (origin) => clerk({ frontendApi: origin, authorizedParties: ['https://app.example.com'] }));
    });
    afterAll(() => f.close());
    const session = (origin: string, extra: JWTPayload = {}) => ({
      azp: 'https://app.example.com',
      exp: now() + 60,
      iat: now(),
      iss: origin,
      nbf: now() - 5,
      sid: 'sess_2abc',
      sub: 'user_2abc',
      v: 2,
      ...extra,
    });

    it('accepts a Clerk session token from the Frontend API JWKS', async () => {
      const token = await mint(issuer, { typ: 'JWT' }, session(f.server.origin, { fva: [3, -1] }));
      const res = await request(f.app.getHttpServer()).get('/me').set(bearer(token)).expect(200);
      expect(res.body).toMatchObject({ userId: 'user_2abc', sessionId: 'sess_2abc', orgId: null, factorVerificationAge: [3, -1] });
      expect(f.server.hits.get('/.well-known/jwks.json')).toBeGreaterThanOrEqual(1);
    });

    it('checks iss (Clerk SDK does not) and azp', async () => {
      const otherIss = await mint(issuer, { typ: 'JWT' }, session('https://other.clerk.accounts.dev'));
      expect((await request(f.app.getHttpServer()).get('/me').set(bearer(otherIss)).expect(401)).body.reason).toBe('token-invalid-issuer');
      const otherAzp = await mint(issuer, { typ: 'JWT' }, session(f.server.origin, { azp: 'https://evil.example.com' }));
      expect((await request(f.app.getHttpServer()).get('/me').set(bearer(otherAzp)).expect(401)).body.reason).toBe('token-invalid-authorized-party');
    });

    it('refuses HS256 even when signed with the public key material', async () => {
      const forged = await new SignJWT(session(f.server.origin))
        .setProtectedHeader({ alg: 'HS256', kid: issuer.kid })
        .sign(new TextEncoder().encode(JSON.stringify(issuer.publicJwk)));
      expect((await request(f.app.getHttpServer()).get('/me').set(bearer(forged)).expect(401)).body.reason).toBe('token-invalid-algorithm');
    });
  });

  describe('auth0()', () => {
    let issuer: TestIssuer;
    let f: Fixture;
    const audience = 'https://api.example.com';
    beforeAll(async () => {
      issuer = await createTestIssuer({ kid: 'Xv9c2YbQ0Tz' });
      f = await start(adapter, issuer, '/.well-known/jwks.json', (origin) => auth0({ domain: origin, audience, rolesClaim: 'https://example.com/roles' }));
    });
    afterAll(() => f.close());
    // An Auth0 access token for an API with RBAC and "Add Permissions in the Access Token" on.
    const accessToken = (origin: string, extra: JWTPayload = {}) => ({
      iss: `${origin}/`,
      sub: 'auth0|6543210fedcba',
      aud: [audience, `${origin}/userinfo`],
      iat: now(),
      exp: now() + 86400,
      scope: 'openid profile email read:messages',
      azp: 'AbCdEfGhIjKlMnOpQrStUvWxYz012345',
      permissions: ['read:messages', 'write:messages'],
      'https://example.com/roles': ['admin'],
      ...extra,
    });

    it('accepts an Auth0 access token and maps permissions, scope and roles into has()', async () => {
      const token = await mint(issuer, { typ: 'JWT' }, accessToken(f.server.origin));
      const server = f.app.getHttpServer();
      expect((await request(server).get('/me').set(bearer(token)).expect(200)).body).toMatchObject({ userId: 'auth0|6543210fedcba', sessionId: null });
      expect((await request(server).get('/has?permission=write:messages').set(bearer(token)).expect(200)).body.has).toBe(true);
      expect((await request(server).get('/has?permission=email').set(bearer(token)).expect(200)).body.has).toBe(true);
      expect((await request(server).get('/has?permission=delete:messages').set(bearer(token)).expect(200)).body.has).toBe(false);
      await request(server).get('/admin').set(bearer(token)).expect(200);
      const noRoles = await mint(issuer, { typ: 'JWT' }, accessToken(f.server.origin, { 'https://example.com/roles': undefined }));
      await request(server).get('/admin').set(bearer(noRoles)).expect(403);
    });

    it('takes org_id of Auth0 Organizations as the orgId', async () => {
      const token = await mint(issuer, { typ: 'JWT' }, accessToken(f.server.origin, { org_id: 'org_9ZxYwVuTsRqPoNmL' }));
      expect((await request(f.app.getHttpServer()).get('/me').set(bearer(token)).expect(200)).body.orgId).toBe('org_9ZxYwVuTsRqPoNmL');
    });

    it('refuses a token for another API and the issuer without its trailing slash', async () => {
      const otherApi = await mint(issuer, { typ: 'JWT' }, accessToken(f.server.origin, { aud: 'https://other-api.example.com' }));
      expect((await request(f.app.getHttpServer()).get('/me').set(bearer(otherApi)).expect(401)).body.reason).toBe('token-invalid-audience');
      const noSlash = await mint(issuer, { typ: 'JWT' }, accessToken(f.server.origin, { iss: f.server.origin }));
      expect((await request(f.app.getHttpServer()).get('/me').set(bearer(noSlash)).expect(401)).body.reason).toBe('token-invalid-issuer');
    });
  });

  describe('cognito()', () => {
    const region = 'eu-west-1';
    const userPoolId = 'eu-west-1_AbCdEf123';
    const clientId = '4k2jqn0b5example1e8h6pq9s';
    let issuer: TestIssuer;
    let access: Fixture;
    let id: Fixture;
    beforeAll(async () => {
      issuer = await createTestIssuer({ kid: 'abcdefghijklmnopqrsexample=' });
      access = await start(adapter, issuer, `/${userPoolId}/.well-known/jwks.json`, (endpoint) =>
        cognito({ region, userPoolId, clientId, tokenUse: 'access', endpoint }),
      );
      id = await start(adapter, issuer, `/${userPoolId}/.well-known/jwks.json`, (endpoint) =>
        cognito({ region, userPoolId, clientId, tokenUse: 'id', endpoint }),
      );
    });
    afterAll(async () => {
      await access.close();
      await id.close();
    });
    // Cognito signs with { kid, alg: 'RS256' } and no typ.
    const accessToken = (origin: string, extra: JWTPayload = {}) => ({
      sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      'cognito:groups': ['admin'],
      iss: `${origin}/${userPoolId}`,
      version: 2,
      client_id: clientId,
      origin_jti: 'bbbbbbbb-cccc-dddd-eeee-ffffffffffff',
      event_id: 'cccccccc-dddd-eeee-ffff-aaaaaaaaaaaa',
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin orders/read',
      auth_time: now(),
      exp: now() + 3600,
      iat: now(),
      jti: 'dddddddd-eeee-ffff-aaaa-bbbbbbbbbbbb',
      username: 'jane',
      ...extra,
    });
    const idToken = (origin: string, extra: JWTPayload = {}) => ({
      sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      'cognito:groups': ['admin'],
      email_verified: true,
      iss: `${origin}/${userPoolId}`,
      'cognito:username': 'jane',
      origin_jti: 'bbbbbbbb-cccc-dddd-eeee-ffffffffffff',
      aud: clientId,
      event_id: 'cccccccc-dddd-eeee-ffff-aaaaaaaaaaaa',
      token_use: 'id',
      auth_time: now(),
      exp: now() + 3600,
      iat: now(),
      jti: 'eeeeeeee-ffff-aaaa-bbbb-cccccccccccc',
      email: 'jane@example.com',
      ...extra,
    });

    it('accepts an access token from the user pool JWKS; groups are roles, scopes are permissions', async () => {
      const token = await mint(issuer, {}, accessToken(access.server.origin));
      const server = access.app.getHttpServer();
      expect((await request(server).get('/me').set(bearer(token)).expect(200)).body.userId).toBe('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
      await request(server).get('/admin').set(bearer(token)).expect(200);
      expect((await request(server).get('/has?permission=orders/read').set(bearer(token)).expect(200)).body.has).toBe(true);
      expect(access.server.hits.get(`/${userPoolId}/.well-known/jwks.json`)).toBeGreaterThanOrEqual(1);
    });

    it('refuses an ID token where an access token is required, and another app client', async () => {
      const server = access.app.getHttpServer();
      const token = await mint(issuer, {}, idToken(access.server.origin));
      expect((await request(server).get('/me').set(bearer(token)).expect(401)).body.reason).toBe('token-invalid-type');
      const otherClient = await mint(issuer, {}, accessToken(access.server.origin, { client_id: 'someotherclient' }));
      expect((await request(server).get('/me').set(bearer(otherClient)).expect(401)).body.reason).toBe('token-invalid-audience');
      const noTokenUse = await mint(issuer, {}, accessToken(access.server.origin, { token_use: undefined }));
      expect((await request(server).get('/me').set(bearer(noTokenUse)).expect(401)).body.reason).toBe('token-invalid-type');
    });

    it("with tokenUse 'id': accepts an ID token for the client, refuses access tokens and other audiences", async () => {
      const server = id.app.getHttpServer();
      const token = await mint(issuer, {}, idToken(id.server.origin));
      expect((await request(server).get('/me').set(bearer(token)).expect(200)).body.claims.email).toBe('jane@example.com');
      const accessTok = await mint(issuer, {}, accessToken(id.server.origin, { aud: clientId }));
      expect((await request(server).get('/me').set(bearer(accessTok)).expect(401)).body.reason).toBe('token-invalid-type');
      const otherAud = await mint(issuer, {}, idToken(id.server.origin, { aud: 'someotherclient' }));
      expect((await request(server).get('/me').set(bearer(otherAud)).expect(401)).body.reason).toBe('token-invalid-audience');
    });
  });

  describe('keycloak()', () => {
    const realm = 'acme';
    let issuer: TestIssuer;
    let f: Fixture;
    beforeAll(async () => {
      issuer = await createTestIssuer({ kid: 'Xq1c7FhXnq9kV4o3gZ0s8m1U2w6Rr5bT' });
      f = await start(adapter, issuer, `/realms/${realm}/protocol/openid-connect/certs`, (baseUrl) => keycloak({ baseUrl, realm, audience: 'orders-api' }));
    });
    afterAll(() => f.close());
    const token = (origin: string, extra: JWTPayload = {}) => ({
      exp: now() + 300,
      iat: now(),
      jti: 'onrtac:1b2c3d4e',
      iss: `${origin}/realms/${realm}`,
      aud: ['orders-api', 'account'],
      sub: '5f0c9a2e-1111-2222-3333-444455556666',
      typ: 'Bearer',
      azp: 'web-app',
      sid: '7a1b2c3d-aaaa-bbbb-cccc-ddddeeeeffff',
      acr: '1',
      'allowed-origins': ['https://app.example.com'],
      realm_access: { roles: ['default-roles-acme', 'offline_access', 'admin'] },
      resource_access: { 'orders-api': { roles: ['editor'] }, account: { roles: ['manage-account'] } },
      scope: 'openid email profile',
      email_verified: true,
      preferred_username: 'jane',
      ...extra,
    });

    it('accepts an access token from the realm certs; realm and client roles reach has()', async () => {
      const server = f.app.getHttpServer();
      const jwt = await mint(issuer, { typ: 'JWT' }, token(f.server.origin));
      expect((await request(server).get('/me').set(bearer(jwt)).expect(200)).body).toMatchObject({
        userId: '5f0c9a2e-1111-2222-3333-444455556666',
        sessionId: '7a1b2c3d-aaaa-bbbb-cccc-ddddeeeeffff',
      });
      await request(server).get('/admin').set(bearer(jwt)).expect(200);
      expect((await request(server).get('/has?role=orders-api:editor').set(bearer(jwt)).expect(200)).body.has).toBe(true);
      expect((await request(server).get('/has?role=editor').set(bearer(jwt)).expect(200)).body.has).toBe(false);
      expect((await request(server).get('/has?permission=email').set(bearer(jwt)).expect(200)).body.has).toBe(true);
      expect(f.server.hits.get(`/realms/${realm}/protocol/openid-connect/certs`)).toBeGreaterThanOrEqual(1);
    });

    it('refuses ID and refresh tokens, and tokens for another audience', async () => {
      const server = f.app.getHttpServer();
      for (const typ of ['ID', 'Refresh']) {
        const jwt = await mint(issuer, { typ: 'JWT' }, token(f.server.origin, { typ, aud: 'orders-api' }));
        expect((await request(server).get('/me').set(bearer(jwt)).expect(401)).body.reason).toBe('token-invalid-type');
      }
      const other = await mint(issuer, { typ: 'JWT' }, token(f.server.origin, { aud: 'account' }));
      expect((await request(server).get('/me').set(bearer(other)).expect(401)).body.reason).toBe('token-invalid-audience');
    });
  });
});
