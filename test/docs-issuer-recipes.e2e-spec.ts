import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type DynamicModule, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SignJWT } from 'jose';
import { Auth, AuthModule, auth0, clerk, cognito, keycloak, type SignedInAuthObject } from 'nestjs-warden';
import { scopeList, stringList } from 'nestjs-warden/core';
import request from 'supertest';

// The examples of docs/issuer-recipes.md: each preset call gives the issuer and key URL its comment
// says; the shared-secret recipe verifies a Supabase-shaped token. Presets against real tokens of each
// provider are proven in test/issuer-presets.e2e-spec.ts, the OIDC recipe in test/oidc-provider.e2e-spec.ts.

const SUPABASE_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

function clerkEverywhere(): DynamicModule {
  return AuthModule.forRoot({ ...clerk({ publishableKey: process.env.CLERK_PUBLISHABLE_KEY! }), global: true });
}

function oidcModule(): DynamicModule {
  return AuthModule.forRoot({
    issuer: 'https://login.example.com',
    audience: 'https://api.example.com', // the resource your access tokens are issued for
    typ: 'at+jwt', // RFC 9068 access tokens only: ID tokens are refused
    authorization: (claims) => ({ permissions: scopeList(claims.scope) }), // has({ permission: 'orders:read' })
    global: true,
  });
}

function supabaseModule(): DynamicModule {
  return AuthModule.forRoot({
    secret: process.env.SUPABASE_JWT_SECRET!, // at least 32 bytes; HS256 only
    issuer: 'https://abcdefghijklmnop.supabase.co/auth/v1',
    audience: 'authenticated',
    authorization: (claims) => ({ roles: stringList((claims.app_metadata as { roles?: unknown } | undefined)?.roles) }),
    global: true,
  });
}

@Controller()
class AdminController {
  @Get('admin')
  admin(@Auth() auth: SignedInAuthObject) {
    return { userId: auth.userId, admin: auth.has({ role: 'admin' }) };
  }
}

let app: INestApplication;
beforeAll(async () => {
  process.env.SUPABASE_JWT_SECRET = SUPABASE_SECRET;
  const moduleRef = await Test.createTestingModule({ imports: [supabaseModule()], controllers: [AdminController] }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
});
afterAll(async () => {
  delete process.env.SUPABASE_JWT_SECRET;
  await app?.close();
});

describe('docs/issuer-recipes.md', () => {
  it('Clerk: issuer and keys from the publishable key', () => {
    const options = clerk({
      publishableKey: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k', // or frontendApi: 'clerk.example.com'
      authorizedParties: ['https://app.example.com'],
      // jwtKey: process.env.CLERK_JWT_KEY,              // the dashboard's PEM: no network at all
    });
    // issuer  https://clerk.example.com  (decoded from the publishable key)
    // keys    https://clerk.example.com/.well-known/jwks.json, RS256
    expect(options).toMatchObject({ issuer: 'https://clerk.example.com', jwksUrl: 'https://clerk.example.com/.well-known/jwks.json', algorithms: ['RS256'] });
    process.env.CLERK_PUBLISHABLE_KEY = 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k';
    try {
      expect(clerkEverywhere().module).toBe(AuthModule);
    } finally {
      delete process.env.CLERK_PUBLISHABLE_KEY;
    }
  });

  it('Auth0, Cognito, Keycloak: issuer and keys as their comments say', () => {
    const fromAuth0 = auth0({
      domain: 'example.us.auth0.com', // or your custom domain
      audience: 'https://api.example.com', // the API identifier
      rolesClaim: 'https://example.com/roles', // optional: the namespaced claim an Action fills with roles
    });
    // issuer  https://example.us.auth0.com/   (with the trailing slash Auth0 puts in iss)
    // keys    https://example.us.auth0.com/.well-known/jwks.json, RS256
    expect(fromAuth0).toMatchObject({
      issuer: 'https://example.us.auth0.com/',
      jwksUrl: 'https://example.us.auth0.com/.well-known/jwks.json',
      algorithms: ['RS256'],
    });

    const fromCognito = cognito({
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_AbCdEf123',
      clientId: '4k2jqn0b5example1e8h6pq9s', // or a list of app clients
      tokenUse: 'access', // 'id' to accept ID tokens instead
    });
    // issuer  https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123
    // keys    <issuer>/.well-known/jwks.json, RS256
    const cognitoIssuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
    expect(fromCognito).toMatchObject({ issuer: cognitoIssuer, jwksUrl: `${cognitoIssuer}/.well-known/jwks.json`, algorithms: ['RS256'] });

    const fromKeycloak = keycloak({
      baseUrl: 'https://auth.example.com', // add /auth for Keycloak before 17
      realm: 'acme',
      audience: 'orders-api', // required (or authorizedParties); needs an "Audience" mapper on the client
    });
    // issuer  https://auth.example.com/realms/acme
    // keys    <issuer>/protocol/openid-connect/certs, RS256
    const realm = 'https://auth.example.com/realms/acme';
    expect(fromKeycloak).toMatchObject({ issuer: realm, jwksUrl: `${realm}/protocol/openid-connect/certs`, algorithms: ['RS256'] });
  });

  it('any OpenID Connect provider: the issuer alone, no key source', () => {
    const module = oidcModule();
    expect(module.module).toBe(AuthModule);
  });

  it('shared secret: a Supabase-shaped token, roles from app_metadata', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      iss: 'https://abcdefghijklmnop.supabase.co/auth/v1',
      sub: '0b6f3c1e',
      aud: 'authenticated',
      iat: now,
      exp: now + 600,
      app_metadata: { provider: 'email', roles: ['admin'] },
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(SUPABASE_SECRET));
    await request(app.getHttpServer()).get('/admin').set('Authorization', `Bearer ${token}`).expect(200, { userId: '0b6f3c1e', admin: true });
    await request(app.getHttpServer()).get('/admin').expect(401);
  });
});
