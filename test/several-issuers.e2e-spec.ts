import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { Auth, AuthModule, RequireAuth, auth0, clerk, type MachineAuthObject, type SignedInAuthObject } from 'nestjs-warden';
import { clerkM2MClaims, createTestAuth, createTestIssuer, serveJwks, type ServedJwks, type TestAuth, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';
import { authorizationCodeWithPkce, clientCredentials, discover } from './support/oauth-client.js';
import { API_RESOURCE, API_SCOPE, SERVICE_CLIENT, SPA_CLIENT, startOidcProvider, type OidcTestProvider } from './support/oidc-test-provider.js';
import { ProbeController } from './support/probe.controller.js';

// Two real issuers on loopback, trusted by one app: a Clerk-shaped issuer (a test key pair whose JWKS
// is served over HTTP, through the clerk() preset) for users, and oidc-provider (tokens from real
// OAuth flows, keys by discovery) for OAuth clients. Each token is verified by its own issuer's keys
// and rules, chosen by its iss; nothing of one issuer ever verifies a token that names the other.

const APP_ORIGIN = 'https://app.example.com';

let op: OidcTestProvider;
let clerkKeys: TestIssuer;
let clerkJwks: ServedJwks;
let stranger: TestIssuer;
let userAccessToken: string;
let serviceToken: string;

function mixedTrafficModule(): DynamicModule {
  return AuthModule.forRoot({
    issuers: [
      // Users sign in with Clerk: session tokens.
      clerk({ frontendApi: process.env.CLERK_FRONTEND_API!, authorizedParties: ['https://app.example.com'] }),
      // OAuth clients of your OpenID provider: RFC 9068 access tokens (keys by discovery).
      { issuer: process.env.OIDC_ISSUER!, audience: 'https://orders.api.example.com', acceptsToken: 'oauth_token' },
    ],
    global: true,
  });
}

/** A route only the OpenID provider's tokens may use (its issuer is known once it listens). */
function ordersController(issuer: string): Type {
  @Controller('orders')
  class OrdersController {
    @RequireAuth({ issuer, acceptsToken: 'oauth_token', scope: 'orders:read' })
    @Get()
    list(@Auth() auth: MachineAuthObject<'oauth_token'>) {
      return { clientId: auth.clientId, issuer: auth.issuer };
    }

    @RequireAuth({ issuer, acceptsToken: 'any' })
    @Get('any-class')
    anyClass() {
      return { ok: true };
    }
  }
  return OrdersController;
}

const clerkSession = (claims: Record<string, unknown> = {}) =>
  clerkKeys.sign({ iss: clerkJwks.origin, sub: 'user_1', sid: 'sess_1', azp: APP_ORIGIN, ...claims });

beforeAll(async () => {
  op = await startOidcProvider();
  clerkKeys = await createTestIssuer({ kid: 'clerk-key-1' });
  clerkJwks = await serveJwks(clerkKeys.jwks);
  stranger = await createTestIssuer({ issuer: 'https://stranger.example.com', kid: 'clerk-key-1' });
  process.env.CLERK_FRONTEND_API = clerkJwks.origin;
  process.env.OIDC_ISSUER = op.issuer;
  const metadata = await discover(op.issuer);
  serviceToken = (await clientCredentials(metadata, SERVICE_CLIENT, API_RESOURCE, API_SCOPE)).access_token;
  userAccessToken = (await authorizationCodeWithPkce(metadata, SPA_CLIENT, { resource: API_RESOURCE, scope: API_SCOPE, login: 'alice' })).access_token;
});

afterAll(async () => {
  await Promise.all([op?.close(), clerkJwks?.close()]);
  delete process.env.CLERK_FRONTEND_API;
  delete process.env.OIDC_ISSUER;
});

describe.each(ADAPTERS)('several issuers on one app (%s)', (adapter) => {
  let app: INestApplication;
  const get = (path: string, token: string) => request(app.getHttpServer()).get(path).set('authorization', `Bearer ${token}`);

  beforeAll(async () => {
    app = await createHttpApp(adapter, { imports: [mixedTrafficModule()], controllers: [ProbeController, ordersController(op.issuer)] });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("accepts both issuers' tokens on the same route, each with its own auth object", async () => {
    const user = await get('/me', await clerkSession()).expect(200);
    expect(user.body).toMatchObject({ isAuthenticated: true, tokenType: 'session_token', userId: 'user_1', sessionId: 'sess_1', issuer: clerkJwks.origin });
    const oauthUser = await get('/me', userAccessToken).expect(200);
    expect(oauthUser.body).toMatchObject({ isAuthenticated: true, tokenType: 'oauth_token', userId: 'alice', clientId: SPA_CLIENT.id, issuer: op.issuer });
    const service = await get('/me', serviceToken).expect(200);
    expect(service.body).toMatchObject({ tokenType: 'oauth_token', userId: SERVICE_CLIENT.id, issuer: op.issuer, scopes: [API_SCOPE] });
  });

  it('restricts a route to one issuer with @RequireAuth({ issuer })', async () => {
    expect((await get('/orders', serviceToken).expect(200)).body).toEqual({ clientId: SERVICE_CLIENT.id, issuer: op.issuer });
    const res = await get('/orders', await clerkSession()).expect(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('each entry keeps its own defaults: a Clerk M2M token is not a session, an OIDC token needs the OIDC audience', async () => {
    await get('/me', await clerkKeys.sign({ iss: clerkJwks.origin, ...clerkM2MClaims() })).expect(401);
    await get('/me', await clerkSession({ azp: 'https://evil.example.com' })).expect(401);
  });

  it("refuses a token that names the Clerk issuer but is signed with the OpenID provider's key", async () => {
    const opKey = await importJWK(op.signingKey, 'RS256');
    const { kid } = decodeProtectedHeader(serviceToken);
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: clerkJwks.origin, sub: 'user_1', sid: 'sess_1', azp: APP_ORIGIN, iat: now, exp: now + 60 };
    // Under the provider's kid: the Clerk issuer's key set has no such key.
    await get('/me', await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(opKey)).expect(401);
    // Under the Clerk kid: the Clerk key does not verify the provider's signature.
    await get('/me', await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: clerkKeys.kid, typ: 'JWT' }).sign(opKey)).expect(401);
  });

  it('refuses a token that names the OpenID provider but whose kid only the Clerk issuer has', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ iss: op.issuer, aud: API_RESOURCE, sub: 'alice', client_id: SPA_CLIENT.id, iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: 'RS256', kid: clerkKeys.kid, typ: 'at+jwt' })
      .sign(clerkKeys.privateKey);
    await get('/me', token).expect(401);
  });

  it('refuses an iss no entry names without fetching any key', async () => {
    await get('/me', await clerkSession()).expect(200); // the keys are fetched (or already were)
    const before = clerkJwks.requests;
    const tokens = [
      await stranger.sign({ sub: 'user_1', sid: 'sess_1', azp: APP_ORIGIN }),
      await stranger.sign({ iss: `${clerkJwks.origin}/`, sub: 'user_1' }), // a trailing slash is another issuer
      await stranger.sign({ iss: clerkJwks.origin.replace('127.0.0.1', 'localhost'), sub: 'user_1' }),
    ];
    for (const token of tokens) await get('/me', token).expect(401);
    expect(clerkJwks.requests).toBe(before);
  });
});

describe('reasons (debug)', () => {
  let app: INestApplication;
  beforeAll(async () => {
    const module = AuthModule.forRoot({
      issuers: [
        clerk({ frontendApi: clerkJwks.origin, authorizedParties: [APP_ORIGIN] }),
        { issuer: op.issuer, audience: API_RESOURCE, acceptsToken: 'oauth_token' },
      ],
      debug: true,
      global: true,
    });
    app = await createHttpApp('express', { imports: [module], controllers: [ProbeController, ordersController(op.issuer)] });
  });
  afterAll(async () => {
    await app?.close();
  });
  const reason = async (path: string, token: string) => (await request(app.getHttpServer()).get(path).set('authorization', `Bearer ${token}`)).body.reason;

  it('says why each cross-issuer token was refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await reason('/orders/any-class', await clerkSession())).toBe('token-invalid-issuer');
    expect(await reason('/me', await stranger.sign({ sub: 'user_1' }))).toBe('token-invalid-issuer');
    const opKey = await importJWK(op.signingKey, 'RS256');
    const forged = new SignJWT({ iss: clerkJwks.origin, sub: 'user_1', azp: APP_ORIGIN, iat: now, exp: now + 60 });
    expect(await reason('/me', await forged.setProtectedHeader({ alg: 'RS256', kid: clerkKeys.kid, typ: 'JWT' }).sign(opKey))).toBe('token-invalid-signature');
    const kidOfA = new SignJWT({ iss: op.issuer, aud: API_RESOURCE, sub: 'alice', iat: now, exp: now + 60 });
    expect(await reason('/me', await kidOfA.setProtectedHeader({ alg: 'RS256', kid: clerkKeys.kid, typ: 'at+jwt' }).sign(clerkKeys.privateKey))).toBe(
      'key-not-found',
    );
    expect(await reason('/me', await clerkKeys.sign({ iss: clerkJwks.origin, ...clerkM2MClaims() }))).toBe('token-type-not-accepted');
  });
});

/** The migration recipe: Clerk and Auth0 both trusted while users move (each a served test key pair). */
function migrationModule(): DynamicModule {
  return AuthModule.forRoot({
    issuers: [
      clerk({ frontendApi: process.env.CLERK_FRONTEND_API!, authorizedParties: ['https://app.example.com'] }),
      auth0({ domain: process.env.AUTH0_DOMAIN!, audience: 'https://api.example.com' }),
    ],
    global: true,
  });
}

@Injectable()
class UsersRepository {
  byExternalId(issuer: string, userId: string) {
    return { issuer, userId, name: issuer.endsWith('/') ? 'from auth0' : 'from clerk' };
  }
}

@Controller('profile')
export class ProfileController {
  constructor(private readonly users: UsersRepository) {}

  @Get()
  profile(@Auth() auth: SignedInAuthObject) {
    // The same person has one id at Auth0 and another at Clerk: map on (issuer, userId).
    return this.users.byExternalId(auth.issuer!, auth.userId);
  }
}

describe('the migration recipe: Clerk and Auth0 at once', () => {
  let app: INestApplication;
  let auth0Keys: TestIssuer;
  let auth0Jwks: ServedJwks;
  beforeAll(async () => {
    auth0Keys = await createTestIssuer({ kid: 'auth0-key-1' });
    auth0Jwks = await serveJwks(auth0Keys.jwks);
    process.env.CLERK_FRONTEND_API = clerkJwks.origin;
    process.env.AUTH0_DOMAIN = auth0Jwks.origin;
    app = await createHttpApp('express', {
      imports: [migrationModule()],
      controllers: [ProfileController],
      providers: [UsersRepository],
    });
  });
  afterAll(async () => {
    await app?.close();
    await auth0Jwks?.close();
    delete process.env.AUTH0_DOMAIN;
  });

  it('serves users of both, each by its own issuer', async () => {
    const fromClerk = await clerkSession();
    const fromAuth0 = await auth0Keys.sign({ iss: `${auth0Jwks.origin}/`, sub: 'auth0|42', aud: 'https://api.example.com' });
    const get = (token: string) => request(app.getHttpServer()).get('/profile').set('authorization', `Bearer ${token}`);
    expect((await get(fromClerk).expect(200)).body).toEqual({ issuer: clerkJwks.origin, userId: 'user_1', name: 'from clerk' });
    expect((await get(fromAuth0).expect(200)).body).toEqual({ issuer: `${auth0Jwks.origin}/`, userId: 'auth0|42', name: 'from auth0' });
    // Each keeps its own rules: an Auth0 token for another API, a Clerk token from another origin.
    await get(await auth0Keys.sign({ iss: `${auth0Jwks.origin}/`, sub: 'auth0|42', aud: 'https://other.example.com' })).expect(401);
    await get(await clerkSession({ azp: 'https://evil.example.com' })).expect(401);
  });
});

const TENANT = 'https://tenant-1.example.com';

/** The testing kit's app: one route for any issuer, one for a single tenant. */
@Controller()
class TenantController {
  @Get('me')
  me(@Auth() auth: SignedInAuthObject) {
    return { userId: auth.userId, issuer: auth.issuer };
  }

  @RequireAuth({ issuer: TENANT })
  @Get('tenant')
  tenant(@Auth('issuer') issuer: string) {
    return { issuer };
  }
}

/** A route naming an issuer with a trailing slash the module's entry does not have. */
@Controller()
class TypoController {
  @RequireAuth({ issuer: 'https://a.example.test/' })
  @Get('a')
  a() {
    return { ok: true };
  }
}

describe('the testing kit with several issuers', () => {
  let app: INestApplication;
  let testAuth: TestAuth;
  beforeAll(async () => {
    testAuth = createTestAuth({ as: { sub: 'user_test' } });
    // The app's issuers are never reached in a test: the kit replaces every key source.
    const module = AuthModule.forRoot({
      issuers: [{ jwksUrl: 'https://a.example.test/.well-known/jwks.json', issuer: 'https://a.example.test', audience: 'api' }],
      resolveIssuer: () => null,
      global: true,
    });
    const moduleRef = await testAuth.override(Test.createTestingModule({ imports: [module], controllers: [TenantController] })).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('signs in test users, with the iss a route restricted to one issuer expects', async () => {
    expect((await request(app.getHttpServer()).get('/me').expect(200)).body).toEqual({ userId: 'user_test', issuer: null });
    await request(app.getHttpServer()).get('/tenant').expect(401);
    const res = await request(app.getHttpServer())
      .get('/tenant')
      .set(await testAuth.headers({ iss: TENANT }))
      .expect(200);
    expect(res.body).toEqual({ issuer: TENANT });
  });
});

describe('boot check: a route naming an issuer the module does not trust', () => {
  const boot = async (options: Parameters<typeof AuthModule.forRoot>[0]) => {
    const moduleRef = await Test.createTestingModule({ imports: [AuthModule.forRoot(options)], controllers: [TypoController] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    try {
      await app.init();
      return 'booted';
    } catch (error) {
      return (error as Error).message;
    } finally {
      await app.close();
    }
  };
  let keys: { jwks: TestIssuer['jwks'] };
  beforeAll(() => {
    keys = { jwks: clerkKeys.jwks };
  });

  it('stops the boot, naming the handler and the issuer (a trailing slash is another issuer)', async () => {
    const issuers = [
      { ...keys, issuer: 'https://a.example.test', audience: 'api' },
      { ...keys, issuer: 'https://b.example.test', audience: 'api' },
    ];
    expect(await boot({ issuers, global: true })).toMatch(
      /invalid option "@RequireAuth\(\{ issuer \}\)": names an issuer the module does not trust.*TypoController\.a \("https:\/\/a\.example\.test\/"\)/,
    );
    expect(await boot({ ...keys, issuer: 'https://a.example.test', audience: 'api', global: true })).toMatch(/TypoController\.a/);
  });

  it('boots when the issuer is trusted, or when any may be (resolveIssuer, or no issuer option)', async () => {
    expect(await boot({ issuers: [{ ...keys, issuer: 'https://a.example.test/', audience: 'api' }], global: true })).toBe('booted');
    expect(await boot({ resolveIssuer: () => null, global: true })).toBe('booted');
    expect(await boot({ ...keys, audience: 'api', global: true })).toBe('booted');
  });
});
