import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { SignJWT } from 'jose';
import { AuthModule, clerk, type AuthModuleOptions } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { CLERK_FIXTURES, CLERK_FRONTEND_API, CLERK_ISSUER, CLERK_KID, CLERK_NOW_SECONDS, CLERK_PENDING_CLAIMS } from './fixtures/clerk-session-tokens.js';
import { ADAPTERS, createHttpApp, type AdapterName } from './support/http-app.js';
import { ProbeController } from './support/probe.controller.js';

/**
 * Clerk session tokens exactly as Clerk mints them, verified through the clerk() preset configured
 * with a publishable key and Clerk's PEM `jwtKey` (networkless), at the instant they were minted.
 */

const publishableKey = `pk_test_${Buffer.from(`${CLERK_FRONTEND_API}$`).toString('base64')}`;
const clock = () => CLERK_NOW_SECONDS * 1000;

function mintClerk(issuer: TestIssuer, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: CLERK_KID, typ: 'JWT' }).sign(issuer.privateKey);
}

async function clerkApp(adapter: AdapterName, issuer: TestIssuer, extra: Partial<AuthModuleOptions> = {}): Promise<INestApplication> {
  const options = clerk({ publishableKey, jwtKey: issuer.publicKeyPem, clock, debug: true, ...extra });
  return createHttpApp(adapter, { imports: [AuthModule.forRoot({ ...options, global: true })], controllers: [ProbeController] });
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe.each(ADAPTERS)('Clerk session tokens as Clerk mints them (%s)', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let open: INestApplication;

  beforeAll(async () => {
    issuer = await createTestIssuer({ kid: CLERK_KID });
    app = await clerkApp(adapter, issuer, { authorizedParties: ['http://localhost:3000', 'https://app.example.com'] });
    open = await clerkApp(adapter, issuer);
  });
  afterAll(async () => {
    await app.close();
    await open.close();
  });

  it('derives the issuer from the publishable key', () => {
    expect(clerk({ publishableKey }).issuer).toBe(CLERK_ISSUER);
  });

  describe.each(CLERK_FIXTURES)('$name', (fixture) => {
    let token: string;
    beforeAll(async () => {
      token = await mintClerk(issuer, fixture.claims);
    });

    it('maps to the expected auth object', async () => {
      const res = await request(app.getHttpServer()).get('/me').set(bearer(token)).expect(200);
      expect(res.body).toEqual({ claims: fixture.claims, sessionClaims: fixture.claims, issuer: fixture.claims.iss, ...fixture.expected });
      expect((await request(app.getHttpServer()).get('/token').set(bearer(token)).expect(200)).body.token).toBe(token);
    });

    it('answers has() with Clerk semantics', async () => {
      for (const check of fixture.grants) {
        const res = await request(app.getHttpServer()).get('/has').query(check).set(bearer(token)).expect(200);
        expect({ check, has: res.body.has }).toEqual({ check, has: true });
      }
      for (const check of fixture.denies) {
        const res = await request(app.getHttpServer()).get('/has').query(check).set(bearer(token)).expect(200);
        expect({ check, has: res.body.has }).toEqual({ check, has: false });
      }
    });
  });

  it('treats a pending session as signed out', async () => {
    const token = await mintClerk(issuer, CLERK_PENDING_CLAIMS);
    const res = await request(app.getHttpServer()).get('/me').set(bearer(token)).expect(401);
    expect(res.body.reason).toBe('session-pending');
  });

  it("refuses a token of another Clerk instance (iss), which Clerk's own SDK would not check", async () => {
    const token = await mintClerk(issuer, { ...CLERK_FIXTURES[0].claims, iss: 'https://other-app-12.clerk.accounts.dev' });
    expect((await request(app.getHttpServer()).get('/me').set(bearer(token)).expect(401)).body.reason).toBe('token-invalid-issuer');
  });

  describe('authorizedParties', () => {
    it('accepts every listed origin', async () => {
      for (const azp of ['http://localhost:3000', 'https://app.example.com']) {
        const token = await mintClerk(issuer, { ...CLERK_FIXTURES[0].claims, azp });
        await request(app.getHttpServer()).get('/me').set(bearer(token)).expect(200);
      }
    });

    it('refuses an origin not listed, matching exactly (the subdomain cookie leak Clerk guards against)', async () => {
      for (const azp of ['https://evil.example.com', 'https://app.example.com.evil.com', 'https://App.example.com', 'https://app.example.com/']) {
        const token = await mintClerk(issuer, { ...CLERK_FIXTURES[0].claims, azp });
        const res = await request(app.getHttpServer()).get('/me').set(bearer(token)).expect(401);
        expect(res.body.reason).toBe('token-invalid-authorized-party');
      }
    });

    it('refuses a token without azp when set (as @clerk/backend does since 3.11.1)', async () => {
      const { azp: _azp, ...claims } = CLERK_FIXTURES[0].claims;
      const token = await mintClerk(issuer, claims);
      expect((await request(app.getHttpServer()).get('/me').set(bearer(token)).expect(401)).body.reason).toBe('token-invalid-authorized-party');
      await request(open.getHttpServer()).get('/me').set(bearer(token)).expect(200);
    });

    it('accepts any azp when not set', async () => {
      const token = await mintClerk(issuer, { ...CLERK_FIXTURES[0].claims, azp: 'https://anything.example.com' });
      await request(open.getHttpServer()).get('/me').set(bearer(token)).expect(200);
    });
  });

  it('refuses the fixtures once expired (exp + clock skew)', async () => {
    const late = await clerkApp(adapter, issuer, { clock: () => (CLERK_NOW_SECONDS + 60) * 1000 + 5001 });
    try {
      const token = await mintClerk(issuer, CLERK_FIXTURES[0].claims);
      expect((await request(late.getHttpServer()).get('/me').set(bearer(token)).expect(401)).body.reason).toBe('token-expired');
    } finally {
      await late.close();
    }
  });
});
