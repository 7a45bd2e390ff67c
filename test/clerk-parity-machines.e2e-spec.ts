import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { Auth, AuthModule, clerk, RequireAuth, type AnyAuthObject } from 'nestjs-warden';
import { CLERK_TOKEN_CATEGORIES as CAT } from 'nestjs-warden/core';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { clerkBackend, type ClerkBackend } from './support/clerk-backend.js';
import { createHttpApp } from './support/http-app.js';

/**
 * Differential test of token classes and machine tokens against Clerk's own code: generated JWTs (every
 * `cat`, `typ` and subject Clerk tells classes apart by, scope claims Clerk sets and claims a machine adds
 * itself) go through a real app with the `clerk()` preset and through `@clerk/backend`'s
 * `authenticateRequest(req, { acceptsToken: 'any' }).toAuth()`: whether the token is accepted, its class,
 * and every field of the machine object must agree. Where nestjs-warden differs on purpose
 * (docs/differences-from-clerk.md) the generator stays out of the way, and the difference has its own test
 * below. The session fields are compared field by field in test/clerk-parity.e2e-spec.ts.
 */

const RUNS = 150;
const FRONTEND_API = 'clerk.parity.test';
const OAUTH_TYP = new Set(['at+jwt', 'application/at+jwt']);

@Controller()
class AnyClassController {
  @RequireAuth({ acceptsToken: 'any' })
  @Get('any')
  async any(@Auth() auth: AnyAuthObject) {
    const { getToken, has: _has, debug: _debug, ...fields } = auth;
    return { ...fields, token: await getToken() };
  }
}

type Header = { cat?: string; typ?: string };
type Claims = Record<string, unknown> & { sub: string };

const scopeList = fc
  .uniqueArray(fc.constantFrom('invoices:read', 'invoices:write', 'mch_2', 'reports:read'), { minLength: 1, maxLength: 3 })
  .map((s) => s.join(' '));
const headerArb: fc.Arbitrary<Header> = fc.record(
  {
    cat: fc.constantFrom(CAT.session, CAT.m2m, CAT.ignore, CAT.jwtTemplate, 'cl_Z9z9ZZ999ZZZ'),
    typ: fc.constantFrom('JWT', 'at+jwt', 'application/at+jwt', 'id_token'),
  },
  { requiredKeys: [] },
);
const claimsArb: fc.Arbitrary<Claims> = fc.record(
  {
    sub: fc.constantFrom('mch_1', 'user_1', 'MCH_1', 'org_1'),
    jti: fc.constantFrom('mt_1', 'oat_1'),
    sid: fc.constant('sess_1'),
    client_id: fc.constant('cli_1'),
    // Clerk's M2M scopes; the OAuth scope; what a machine may add to its own token.
    scopes: scopeList,
    scope: scopeList,
    scp: fc.constant(['admin:all']),
    tenant: fc.constant('acme'),
  },
  { requiredKeys: ['sub'] },
);

/** Tokens whose outcome differs on purpose (each has its own test below). */
function knownDifference(header: Header, claims: Claims): boolean {
  const oauth = header.typ !== undefined && OAUTH_TYP.has(header.typ) && !claims.sub.startsWith('mch_');
  // Clerk's OAuth check reads no cat: a session, template, M2M or unknown cat on an at+jwt token passes there.
  if (oauth && header.cat !== undefined && header.cat !== CAT.ignore) return true;
  // Clerk reads scp before scope on OAuth tokens; nestjs-warden reads scope (RFC 9068).
  return oauth && claims.scp !== undefined;
}

describe('parity with Clerk (@clerk/backend) on generated token classes and machine tokens', () => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let clerkSide: ClerkBackend;

  beforeAll(async () => {
    issuer = await createTestIssuer({ issuer: `https://${FRONTEND_API}` });
    clerkSide = clerkBackend(FRONTEND_API, issuer.publicKeyPem);
    const module = AuthModule.forRoot({ ...clerk({ frontendApi: FRONTEND_API, jwtKey: issuer.publicKeyPem }), global: true });
    app = await createHttpApp('express', { imports: [module], controllers: [AnyClassController] });
  });
  afterAll(async () => {
    await app?.close();
  });

  it(`accepts, classifies and builds machine objects as Clerk does (${RUNS} tokens)`, async () => {
    let machines = 0;
    await fc.assert(
      fc.asyncProperty(headerArb, claimsArb, async (header, claims) => {
        fc.pre(!knownDifference(header, claims));
        const token = await issuer.sign(claims, { header: { typ: undefined, ...header } });
        const theirs = await clerkSide.auth(token);
        const res = await request(app.getHttpServer()).get('/any').set('authorization', `Bearer ${token}`);
        const ours = res.body as Record<string, unknown>;
        const context = { header, claims };
        expect({ ...context, signedIn: res.status === 200 }).toEqual({ ...context, signedIn: theirs.isAuthenticated });
        if (!theirs.isAuthenticated) return;
        expect({ ...context, tokenType: ours.tokenType }).toEqual({ ...context, tokenType: theirs.tokenType });
        const fields: Record<string, string[]> = {
          m2m_token: ['id', 'subject', 'scopes', 'machineId'],
          oauth_token: ['id', 'subject', 'scopes', 'userId', 'clientId'],
          session_token: ['userId', 'sessionId'],
        };
        // Clerk leaves out what a token lacks (sessionId undefined without sid): null, as JSON carries it.
        const pick = (from: Record<string, unknown>) => Object.fromEntries(fields[theirs.tokenType].map((name) => [name, from[name] ?? null]));
        expect({ ...context, fields: pick(ours) }).toEqual({ ...context, fields: pick(theirs) });
        if (theirs.tokenType === 'm2m_token') {
          machines += 1;
          // Clerk's claims are the custom ones only (null when none); ours hold every verified claim, theirs included.
          expect(ours.claims).toMatchObject((theirs.claims as object | null) ?? {});
        }
        expect(ours.token).toBe(token);
      }),
      // A fixed seed by default: the count below depends on what is drawn (about 1 token in 30 is an M2M
      // token Clerk accepts), and a random seed made it fail now and then. PARITY_SEED explores others.
      { numRuns: RUNS, seed: Number(process.env.PARITY_SEED ?? 2) },
    );
    // The generator reaches M2M tokens, not only refusals.
    expect(machines).toBeGreaterThan(5);
  }, 120_000);

  describe('where nestjs-warden differs on purpose (docs/differences-from-clerk.md, "Token classes")', () => {
    const both = async (claims: Claims, header: Header) => {
      const token = await issuer.sign(claims, { header: { typ: undefined, ...header } });
      const res = await request(app.getHttpServer()).get('/any').set('authorization', `Bearer ${token}`);
      return { ours: res.status === 200 ? (res.body as Record<string, unknown>) : null, theirs: await clerkSide.auth(token) };
    };

    it.each([
      ['a session cat', CAT.session],
      ['a JWT-template cat', CAT.jwtTemplate],
      ["an M2M cat (on a user's subject)", CAT.m2m],
      ['an unknown cat', 'cl_Z9z9ZZ999ZZZ'],
    ])('an at+jwt token with %s: Clerk accepts an OAuth token (its OAuth check reads no cat), nestjs-warden refuses it', async (_name, cat) => {
      const { ours, theirs } = await both({ sub: 'user_1', client_id: 'cli_1' }, { typ: 'at+jwt', cat });
      expect(theirs).toMatchObject({ isAuthenticated: true, tokenType: 'oauth_token' });
      expect(ours).toBeNull();
    });

    it.each([['AT+JWT'], ['Application/At+Jwt']])(
      'typ %s: Clerk refuses it (it compares typ exactly), nestjs-warden takes an OAuth token (RFC 9068: any case)',
      async (typ) => {
        const { ours, theirs } = await both({ sub: 'user_1', client_id: 'cli_1' }, { typ });
        expect(theirs.isAuthenticated).toBe(false);
        expect(ours).toMatchObject({ tokenType: 'oauth_token', userId: 'user_1' });
      },
    );

    it('an OAuth token with scp and scope: Clerk reads scp first, nestjs-warden reads scope', async () => {
      const { ours, theirs } = await both({ sub: 'user_1', scp: ['admin:all'], scope: 'invoices:read' }, { typ: 'at+jwt' });
      expect(theirs.scopes).toEqual(['admin:all']);
      expect(ours?.scopes).toEqual(['invoices:read']);
    });

    it('an M2M token without scopes: Clerk takes aud as its scopes, nestjs-warden none', async () => {
      const { ours, theirs } = await both({ sub: 'mch_1', aud: ['mch_2', 'mch_3'] }, { cat: CAT.m2m, typ: 'JWT' });
      expect(theirs.scopes).toEqual(['mch_2', 'mch_3']);
      expect(ours?.scopes).toEqual([]);
    });

    it("scopes with repeated or extra spaces: Clerk keeps '' and duplicates, nestjs-warden neither", async () => {
      const { ours, theirs } = await both({ sub: 'mch_1', scopes: 'a  b a' }, { cat: CAT.m2m });
      expect(theirs.scopes).toEqual(['a', '', 'b', 'a']);
      expect(ours?.scopes).toEqual(['a', 'b']);
    });

    it("an M2M token's claims: Clerk gives the custom claims (null when none), nestjs-warden every verified claim", async () => {
      const custom = await both({ sub: 'mch_1', jti: 'mt_1', tenant: 'acme' }, { cat: CAT.m2m });
      expect(custom.theirs.claims).toEqual({ tenant: 'acme' });
      expect(custom.ours?.claims).toMatchObject({ tenant: 'acme', sub: 'mch_1', jti: 'mt_1', iss: `https://${FRONTEND_API}` });
      const none = await both({ sub: 'mch_1', jti: 'mt_1' }, { cat: CAT.m2m });
      expect(none.theirs.claims).toBeNull();
      expect(none.ours?.claims).toMatchObject({ sub: 'mch_1' });
    });

    it('an M2M token whose scopes claim is not a string: Clerk throws (a 500 in a Clerk app), nestjs-warden refuses it (401)', async () => {
      const token = await issuer.sign({ sub: 'mch_1', scopes: ['a'] }, { header: { cat: CAT.m2m } });
      await expect(clerkSide.auth(token)).rejects.toThrow();
      await request(app.getHttpServer()).get('/any').set('authorization', `Bearer ${token}`).expect(401);
    });
  });
});
