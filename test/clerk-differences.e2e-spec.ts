import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Auth, AuthModule, AuthService, clerk, RequireAuth, type AnyAuthObject, type AuthModuleOptions } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { clerkBackend, type ClerkBackend } from './support/clerk-backend.js';
import { createHttpApp } from './support/http-app.js';

/**
 * The rows of docs/differences-from-clerk.md that concern token headers and claims, each shown against
 * Clerk's own code (`@clerk/backend`'s `authenticateRequest(...).toAuth()`, networkless with `jwtKey`)
 * and against a real app with the `clerk()` preset on the same key.
 */

const FRONTEND_API = 'clerk.differences.test';
const ISSUER = `https://${FRONTEND_API}`;
const API = 'https://api.example.com';

@Controller()
class FieldsController {
  @RequireAuth({ acceptsToken: 'any' })
  @Get('fields')
  async fields(@Auth() auth: AnyAuthObject) {
    const { getToken, has, debug: _debug, ...fields } = auth;
    return { ...fields, token: await getToken(), hasPermission: has({ permission: 'org:a:read' }) };
  }
}

let issuer: TestIssuer;
let clerkSide: ClerkBackend;
const apps: Record<string, INestApplication> = {};

async function start(name: string, options: AuthModuleOptions): Promise<void> {
  apps[name] = await createHttpApp('express', { imports: [AuthModule.forRoot({ ...options, global: true })], controllers: [FieldsController] });
}

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: ISSUER });
  clerkSide = clerkBackend(FRONTEND_API, issuer.publicKeyPem);
  await start('clerk', clerk({ frontendApi: FRONTEND_API, jwtKey: issuer.publicKeyPem }));
  await start('audience', clerk({ frontendApi: FRONTEND_API, jwtKey: issuer.publicKeyPem, audience: API }));
  // No preset: the same key and issuer as plain options.
  await start('plain', { jwtKey: issuer.publicKeyPem, issuer: ISSUER });
  // The module reads the global Date at each call, so a test can fake it for both sides.
  await start('datedClerk', { ...clerk({ frontendApi: FRONTEND_API, jwtKey: issuer.publicKeyPem }), clock: () => Date.now() });
});
afterAll(async () => {
  await Promise.all(Object.values(apps).map((app) => app.close()));
});

/** The status and body of GET /fields on one app. */
async function ours(app: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(apps[app].getHttpServer()).get('/fields').set('authorization', `Bearer ${token}`);
  return { status: res.status, body: res.body as Record<string, unknown> };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An RS256 JWS with exactly this header (jose refuses to sign some of them): signed by the test issuer's key. */
async function rawToken(header: Record<string, unknown>, claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'RS256', kid: issuer.kid, ...header })}.${b64({ iss: ISSUER, sub: 'user_1', iat: now, nbf: now, exp: now + 60, ...claims })}`;
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', issuer.privateKey, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

describe('token headers', () => {
  it.each([
    ['a numeric kid', { kid: 7 }],
    ['crit naming an unknown parameter', { crit: ['exp'], exp: 1 }],
    ['jku', { jku: 'https://attacker.example.com/jwks.json' }],
    ['x5u', { x5u: 'https://attacker.example.com/cert.pem' }],
    ['an embedded jwk', { jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } }],
    ['x5c', { x5c: ['MIIB'] }],
    ['cty: JWT (a nested token)', { cty: 'JWT' }],
  ])('%s: Clerk accepts the session, nestjs-warden refuses the token', async (_name, header) => {
    const token = await rawToken({ typ: 'JWT', ...header }, { sid: 'sess_1' });
    expect(await clerkSide.auth(token)).toMatchObject({ isAuthenticated: true, userId: 'user_1' });
    expect((await ours('clerk', token)).status).toBe(401);
  });

  it('the same token without those headers passes both (the test key and claims are good)', async () => {
    const token = await rawToken({ typ: 'JWT' }, { sid: 'sess_1' });
    expect(await clerkSide.auth(token)).toMatchObject({ isAuthenticated: true, userId: 'user_1' });
    expect(await ours('clerk', token)).toMatchObject({ status: 200, body: { userId: 'user_1' } });
  });

  it('typ other than JWT: Clerk refuses a session, nestjs-warden refuses it with the clerk() preset and accepts it without', async () => {
    const token = await issuer.sign({ sub: 'user_1', sid: 'sess_1' }, { header: { typ: 'id_token' } });
    expect((await clerkSide.auth(token)).isAuthenticated).toBe(false);
    expect((await ours('clerk', token)).status).toBe(401);
    expect(await ours('plain', token)).toMatchObject({ status: 200, body: { tokenType: 'session_token', userId: 'user_1' } });
  });
});

describe('claims', () => {
  it.each([
    ['""', ''],
    ['[]', []],
  ])('aud of %s with an audience configured: Clerk accepts the token, nestjs-warden refuses it', async (_name, aud) => {
    const token = await issuer.sign({ sid: 'sess_1', aud });
    expect(await clerkSide.auth(token, { audience: API })).toMatchObject({ isAuthenticated: true });
    expect(await ours('audience', token)).toMatchObject({ status: 401 });
    const matching = await issuer.sign({ sid: 'sess_1', aud: API });
    expect(await ours('audience', matching)).toMatchObject({ status: 200 });
  });

  it('getToken() of a session without sid: Clerk resolves null, nestjs-warden the request token', async () => {
    const token = await issuer.sign({ sub: 'user_1' });
    expect(await clerkSide.getToken(token)).toBeNull();
    expect((await ours('clerk', token)).body.token).toBe(token);
  });

  it.each([
    ['fea that is not a string', { fea: 5, o: { id: 'org_1', rol: 'admin', per: 'read', fpm: '1' } }],
    ['per that is not a string', { fea: 'o:a', o: { id: 'org_1', rol: 'admin', per: ['read'], fpm: '1' } }],
    ['fpm that is not a string', { fea: 'o:a', o: { id: 'org_1', rol: 'admin', per: 'read', fpm: 1 } }],
    ['an element of fea without a scope', { fea: 'o:a,junk', o: { id: 'org_1', rol: 'admin', per: 'read', fpm: '1' } }],
  ])("%s: Clerk's toAuth() throws (a 500 in a Clerk app), nestjs-warden grants nothing from it", async (_name, claims) => {
    const token = await issuer.sign({ sid: 'sess_1', v: 2, ...claims });
    await expect(clerkSide.auth(token)).rejects.toThrow();
    expect(await ours('clerk', token)).toMatchObject({ status: 200, body: { orgId: 'org_1', orgRole: 'org:admin', orgPermissions: [], hasPermission: false } });
  });

  it("org_permissions with '' and non-strings: Clerk keeps them, nestjs-warden keeps the non-empty strings", async () => {
    const token = await issuer.sign({ sid: 'sess_1', org_id: 'org_1', org_role: 'org:admin', org_permissions: ['org:a:read', '', 5] });
    expect(await clerkSide.auth(token)).toMatchObject({ orgPermissions: ['org:a:read', '', 5] });
    expect((await ours('clerk', token)).body.orgPermissions).toEqual(['org:a:read']);
  });
});

describe('fractional NumericDates', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('an exp of 100.9: Clerk counts it as 100, nestjs-warden to the millisecond', async () => {
    // Only Date is faked: the HTTP stack keeps its real timers.
    const now = Date.UTC(2030, 0, 1, 12, 0, 0, 500);
    jest.useFakeTimers({
      now,
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    // 5 s of skew on both sides: at now, a token whose exp is now - 5 s - 0.4 s + 0.9 s is valid; cut to whole seconds it is not.
    const exp = Math.floor(now / 1000) - 5 + 0.9;
    const token = await issuer.sign({ sid: 'sess_1', iat: Math.floor(now / 1000) - 60, nbf: Math.floor(now / 1000) - 60, exp });
    expect((await clerkSide.auth(token)).isAuthenticated).toBe(false);
    const verified = await apps.datedClerk.get(AuthService).verifyToken(token);
    expect(verified.claims.exp).toBe(exp);
  });
});
