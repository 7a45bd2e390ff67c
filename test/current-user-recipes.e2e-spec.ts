import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import { Controller, Get, Injectable, Module, type INestApplication } from '@nestjs/common';
import { AuthModule, clerk, CurrentUser, RequireAuth } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import type { AppUser } from './support/app-user.js';
import { FakeClerkBackendApi } from './support/clerk-backend-api.js';
import { createHttpApp } from './support/http-app.js';

/**
 * The recipes of docs/current-user.md, run as shown: users from the app's own database (a repository
 * injected into `forRootAsync`), and from Clerk's Backend API through `@clerk/backend`'s client,
 * against a local fake of the endpoint.
 */

/** The app's users table, as its repository sees it (TypeORM, Prisma, Drizzle: any data layer). */
@Injectable()
export class UsersRepository {
  private readonly rows = new Map<string, AppUser & { authId: string }>();

  async findByAuthId(authId: string): Promise<AppUser | null> {
    const row = this.rows.get(authId);
    return row ? { id: row.id, email: row.email, name: row.name } : null;
  }

  async insert(row: AppUser & { authId: string }): Promise<void> {
    this.rows.set(row.authId, row);
  }
}

@Module({ providers: [UsersRepository], exports: [UsersRepository] })
export class UsersModule {}

export const authModule = AuthModule.forRootAsync({
  imports: [UsersModule],
  inject: [UsersRepository],
  useFactory: (users: UsersRepository) => ({
    jwksUrl: process.env.AUTH_JWKS_URL,
    issuer: process.env.AUTH_ISSUER,
    // Sessions are users of this app; machine callers have no row.
    loadUser: (auth) => (auth.tokenType === 'session_token' ? users.findByAuthId(auth.userId) : null),
    currentUser: { cache: { ttlInMs: 30_000, maxEntries: 10_000 } },
  }),
  global: true,
});

@Controller('account')
export class AccountController {
  @RequireAuth()
  @Get()
  account(@CurrentUser() user: CurrentUser) {
    return { id: user.id, name: user.name };
  }
}

function clerkAppModule() {
  const clerkClient = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY, apiUrl: process.env.CLERK_API_URL });

  const authModule = AuthModule.forRoot({
    ...clerk({ publishableKey: process.env.CLERK_PUBLISHABLE_KEY!, jwtKey: process.env.CLERK_JWT_KEY }),
    loadUser: async (auth) => {
      if (auth.tokenType !== 'session_token') return null;
      try {
        const user = await clerkClient.users.getUser(auth.userId);
        return { id: user.id, email: user.primaryEmailAddress?.emailAddress ?? null, name: user.fullName ?? user.id };
      } catch (error) {
        // A deleted user: no user (401). Anything else (Clerk down, rate-limited): 503, retried later.
        if (isClerkAPIResponseError(error) && error.status === 404) return null;
        throw error;
      }
    },
    currentUser: { cache: { ttlInMs: 60_000 } }, // Clerk's Backend API is rate-limited
    global: true,
  });
  return authModule;
}

const env = (values: Record<string, string>) => Object.assign(process.env, values);

describe('a database repository', () => {
  let issuer: TestIssuer;
  let jwks: Awaited<ReturnType<TestIssuer['serve']>>;
  let app: INestApplication;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    jwks = await issuer.serve();
    env({ AUTH_JWKS_URL: jwks.jwksUrl, AUTH_ISSUER: issuer.issuer });
    app = await createHttpApp('express', { imports: [authModule], controllers: [AccountController] });
    await app.get(UsersRepository).insert({ id: 'u_1', authId: 'user_1', email: 'ada@example.com', name: 'Ada' });
  });
  afterAll(async () => {
    await app.close();
    await jwks.close();
  });

  it('gives the row of the token subject; a subject without a row is 401', async () => {
    await request(app.getHttpServer())
      .get('/account')
      .set(await issuer.headers({ sub: 'user_1' }))
      .expect(200, { id: 'u_1', name: 'Ada' });
    await request(app.getHttpServer())
      .get('/account')
      .set(await issuer.headers({ sub: 'user_2' }))
      .expect(401);
  });
});

describe("Clerk's Backend API through @clerk/backend", () => {
  const FRONTEND_API = 'clerk.users.test';
  const secretKey = 'sk_test_current_user_recipe';
  const api = new FakeClerkBackendApi(secretKey);
  let issuer: TestIssuer;
  let app: INestApplication;
  const headers = (sub: string) => issuer.headers({ sub, sid: `sess_${sub}`, iss: `https://${FRONTEND_API}` });

  beforeAll(async () => {
    issuer = await createTestIssuer({ issuer: `https://${FRONTEND_API}` });
    env({
      CLERK_API_URL: await api.start(),
      CLERK_SECRET_KEY: secretKey,
      CLERK_PUBLISHABLE_KEY: `pk_test_${Buffer.from(`${FRONTEND_API}$`).toString('base64')}`,
      CLERK_JWT_KEY: issuer.publicKeyPem,
    });
    api.users.set('user_ada', { id: 'user_ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
    app = await createHttpApp('express', { imports: [clerkAppModule()], controllers: [AccountController] });
  });
  afterAll(async () => {
    await app.close();
    await api.close();
  });

  it('loads the user from the Backend API once, then from the cache', async () => {
    const before = api.requests;
    for (let i = 0; i < 3; i++)
      await request(app.getHttpServer())
        .get('/account')
        .set(await headers('user_ada'))
        .expect(200, { id: 'user_ada', name: 'Ada Lovelace' });
    expect(api.requests - before).toBe(1);
  });

  it('a user Clerk does not know: 401; the Backend API down: 503, never a 500', async () => {
    await request(app.getHttpServer())
      .get('/account')
      .set(await headers('user_deleted'))
      .expect(401);
    api.failing = true;
    try {
      const res = await request(app.getHttpServer())
        .get('/account')
        .set(await headers('user_new'));
      expect([res.status, res.headers['retry-after']]).toEqual([503, expect.any(String)]);
    } finally {
      api.failing = false;
    }
  });
});
