import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Auth, AuthModule, clerk, RequireAuth, type AnyAuthObject, type AuthModuleOptions } from 'nestjs-warden';
import { clerkSessionClaims, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';

/**
 * Issue 11, the proof: every class of token Clerk signs with one key, against the clerk() preset and
 * the default config, on a session-only route, an m2m route, an oauth route and an 'any' route.
 */

@Controller('matrix')
class MatrixController {
  @RequireAuth() @Get('session') session(@Auth() auth: AnyAuthObject) {
    return { tokenType: auth.tokenType };
  }

  @RequireAuth({ acceptsToken: 'm2m_token' }) @Get('m2m') m2m(@Auth() auth: AnyAuthObject) {
    return { tokenType: auth.tokenType };
  }

  @RequireAuth({ acceptsToken: 'oauth_token' }) @Get('oauth') oauth(@Auth() auth: AnyAuthObject) {
    return { tokenType: auth.tokenType };
  }

  @RequireAuth({ acceptsToken: 'any' }) @Get('any') any(@Auth() auth: AnyAuthObject) {
    return { tokenType: auth.tokenType };
  }
}

const ROUTES = ['session', 'm2m', 'oauth', 'any'] as const;
const CAT = { session: 'cl_B7d4PD111AAA', template: 'cl_B7d4PD222AAA', m2m: 'cl_B7d4PD333AAA', ignore: 'cl_I7d4PD111III' };
const session = clerkSessionClaims({ userId: 'user_1' });
const m2m = { sub: 'mch_1', jti: 'mt_1' };
const oauth = { sub: 'user_1', client_id: 'cli_1', jti: 'oat_1' };

/**
 * One character per route, in the order session, m2m, oauth, any:
 *   S / M / O  200, signed in as a session / M2M / OAuth object
 *   -          401 invalid_token, reason token-type-not-accepted (a valid token of another class)
 *   x          401 invalid_token, reason token-invalid-type (no class is accepted anywhere)
 */
// prettier-ignore
const MATRIX: Array<[token: string, header: Record<string, unknown>, claims: Record<string, unknown>, clerk: string, plain: string]> = [
  // token                                   header                                  claims    clerk() default
  ['session, cat session, typ JWT',          { cat: CAT.session, typ: 'JWT' },       session,  'S--S', 'S--S'],
  ['session, no cat, typ JWT',               { typ: 'JWT' },                         session,  'S--S', 'S--S'],
  ['session, no cat, no typ',                { typ: undefined },                     session,  'S--S', 'S--S'],
  ['session, cat ignore (no class info)',    { cat: CAT.ignore, typ: 'JWT' },        session,  'S--S', 'S--S'],
  ['session, typ jwt (lower case)',          { typ: 'jwt' },                         session,  'xxxx', 'S--S'],
  ['session, typ id_token',                  { typ: 'id_token' },                    session,  'xxxx', 'S--S'],
  ['JWT template, cat template',             { cat: CAT.template, typ: 'JWT' },      session,  'xxxx', 'xxxx'],
  ['JWT template, cat template, typ at+jwt', { cat: CAT.template, typ: 'at+jwt' },   oauth,    'xxxx', 'xxxx'],
  ['M2M JWT, cat m2m, sub mch_',             { cat: CAT.m2m, typ: 'JWT' },           m2m,      '-M-M', '-M-M'],
  ['M2M JWT, no cat, sub mch_',              { typ: 'JWT' },                         m2m,      '-M-M', '-M-M'],
  ['M2M JWT, cat ignore, sub mch_',          { cat: CAT.ignore, typ: 'JWT' },        m2m,      'xxxx', 'xxxx'],
  ['cat m2m, sub user_',                     { cat: CAT.m2m, typ: 'JWT' },           session,  'xxxx', 'xxxx'],
  ['cat m2m, sub MCH_',                      { cat: CAT.m2m, typ: 'JWT' },           { sub: 'MCH_1', jti: 'mt_1' }, 'xxxx', 'xxxx'],
  ['M2M JWT, cat m2m, typ id_token',         { cat: CAT.m2m, typ: 'id_token' },      m2m,      'xxxx', '-M-M'],
  ['M2M JWT, cat m2m, typ at+jwt',           { cat: CAT.m2m, typ: 'at+jwt' },        m2m,      'xxxx', 'xxxx'],
  ['M2M sub mch_ with cat session',          { cat: CAT.session, typ: 'JWT' },       m2m,      'xxxx', 'xxxx'],
  ['OAuth JWT, typ at+jwt',                  { typ: 'at+jwt' },                      oauth,    '--OO', '--OO'],
  ['OAuth JWT, typ application/at+jwt',      { typ: 'application/at+jwt' },          oauth,    '--OO', '--OO'],
  ['OAuth JWT, typ AT+JWT',                  { typ: 'AT+JWT' },                      oauth,    '--OO', '--OO'],
  ['OAuth JWT, typ at+jwt, cat ignore',      { typ: 'at+jwt', cat: CAT.ignore },     oauth,    '--OO', '--OO'],
  ['OAuth JWT, typ at+jwt, cat session',     { typ: 'at+jwt', cat: CAT.session },    oauth,    'xxxx', 'xxxx'],
  ['session claims, typ at+jwt',             { typ: 'at+jwt' },                      session,  '--OO', '--OO'],
  ['unknown cat',                            { cat: 'cl_Z9z9ZZ999ZZZ', typ: 'JWT' }, session,  'xxxx', 'xxxx'],
];

const CLASS_OF: Record<string, string> = { S: 'session_token', M: 'm2m_token', O: 'oauth_token' };

describe.each(ADAPTERS)('token classes on %s', (adapter) => {
  let issuer: TestIssuer;
  const apps: Record<'clerk' | 'plain', INestApplication> = {} as never;

  beforeAll(async () => {
    issuer = await createTestIssuer({ issuer: 'https://clerk.classes.test', kid: 'ins_classes' });
    const configs: Record<'clerk' | 'plain', AuthModuleOptions> = {
      // authorizedParties applies to session tokens only: machine tokens carry no azp.
      clerk: clerk({ frontendApi: 'clerk.classes.test', jwtKey: issuer.publicKeyPem, authorizedParties: ['http://localhost:3000'], debug: true }),
      plain: issuer.moduleOptions({ debug: true }),
    };
    for (const name of ['clerk', 'plain'] as const) {
      apps[name] = await createHttpApp(adapter, { imports: [AuthModule.forRoot({ ...configs[name], global: true })], controllers: [MatrixController] });
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(apps).map((app) => app?.close()));
  });

  it.each(MATRIX)('%s', async (_name, header, claims, clerkRow, plainRow) => {
    const token = await issuer.sign(claims, { header });
    const seen: Record<string, string> = {};
    for (const [config, row] of [
      ['clerk', clerkRow],
      ['plain', plainRow],
    ] as const) {
      for (const route of ROUTES) {
        const res = await request(apps[config].getHttpServer()).get(`/matrix/${route}`).set('Authorization', `Bearer ${token}`);
        const mark =
          res.status === 200
            ? (Object.keys(CLASS_OF).find((k) => CLASS_OF[k] === res.body.tokenType) ?? '?')
            : res.status === 401 && res.headers['www-authenticate']?.includes('error="invalid_token"')
              ? ({ 'token-type-not-accepted': '-', 'token-invalid-type': 'x' }[res.body.reason as string] ?? `(${res.body.reason})`)
              : `(${res.status})`;
        seen[config] = (seen[config] ?? '') + mark;
      }
      expect(`${config}: ${seen[config]}`).toBe(`${config}: ${row}`);
    }
  });
});
