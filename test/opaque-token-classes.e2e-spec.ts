import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Auth, AuthModule, clerk, RequireAuth, type AuthModuleOptions, type MachineAuthObject } from 'nestjs-warden';
import { type OpaqueTokenType } from 'nestjs-warden/core';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createHttpApp } from './support/http-app.js';

/**
 * The class of an opaque token. `mt_` / `ak_` / `oat_` are Clerk's prefixes: they name a class only
 * where Clerk's tokens are expected (the `clerk()` preset) or where the app's own hook verifies (it
 * is told the class and answers for it). Any other authorization server's opaque access token is an
 * OAuth access token, whatever its first characters: an RFC 7662 server that issues `mt_…` tokens
 * does not make them M2M tokens.
 */

const CLERK_ISSUER = 'https://clerk.opaque.test';

@Controller()
class ClassProbeController {
  @RequireAuth({ acceptsToken: 'any' })
  @Get('class')
  tokenClass(@Auth() auth: MachineAuthObject) {
    return { tokenType: auth.tokenType, subject: auth.subject };
  }
}

let server: Server;
let introspectionUrl: string;
let introspected: string[];
let keys: TestIssuer;
const apps: INestApplication[] = [];

beforeAll(async () => {
  keys = await createTestIssuer({ issuer: CLERK_ISSUER });
  // A scripted RFC 7662 endpoint on 127.0.0.1: every token is active, for the issuer the app expects.
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body = (body + chunk).slice(0, 4096)));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? '';
      introspected.push(token);
      const iss = req.url === '/clerk/introspect' ? CLERK_ISSUER : 'https://as.opaque.test';
      const answer = { active: true, iss, sub: `sub_of_${token}`, exp: Math.floor(Date.now() / 1000) + 600 };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  introspectionUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function classes(options: AuthModuleOptions): Promise<Record<string, unknown>> {
  introspected = [];
  const app = await createHttpApp('express', { imports: [AuthModule.forRoot({ ...options, debug: true, global: true })], controllers: [ClassProbeController] });
  apps.push(app);
  const seen: Record<string, unknown> = {};
  for (const token of ['mt_1a2b', 'ak_1a2b', 'oat_1a2b', 'Xk2mQ8']) {
    const res = await request(app.getHttpServer()).get('/class').set('Authorization', `Bearer ${token}`);
    seen[token] = res.status === 200 ? res.body.tokenType : `${res.status} ${res.body.reason}`;
  }
  return seen;
}

describe('opaque token classes', () => {
  it('with introspection at any authorization server, every opaque token is an OAuth access token', async () => {
    const seen = await classes({
      ...keys.moduleOptions(),
      issuer: 'https://as.opaque.test',
      introspection: { url: `${introspectionUrl}/introspect`, clientId: 'api', clientSecret: 'x' },
    });
    expect(seen).toEqual({ mt_1a2b: 'oauth_token', ak_1a2b: 'oauth_token', oat_1a2b: 'oauth_token', Xk2mQ8: 'oauth_token' });
    expect(introspected).toEqual(['mt_1a2b', 'ak_1a2b', 'oat_1a2b', 'Xk2mQ8']);
  });

  it("under the clerk() preset, Clerk's prefixes name the class", async () => {
    const options = clerk({ frontendApi: 'clerk.opaque.test', jwtKey: keys.publicKeyPem });
    const seen = await classes({ ...options, introspection: { url: `${introspectionUrl}/clerk/introspect`, clientId: 'api', clientSecret: 'x' } });
    expect(seen).toEqual({ mt_1a2b: 'm2m_token', ak_1a2b: 'api_key', oat_1a2b: 'oauth_token', Xk2mQ8: 'oauth_token' });
  });

  it('with the verifyOpaqueToken hook, the prefix names the class the hook is asked about and answers for', async () => {
    const asked: Array<[string, OpaqueTokenType]> = [];
    const seen = await classes({
      ...keys.moduleOptions(),
      verifyOpaqueToken: (token, tokenType) => {
        asked.push([token, tokenType]);
        return { sub: `sub_of_${token}`, exp: Math.floor(Date.now() / 1000) + 600 };
      },
    });
    expect(seen).toEqual({ mt_1a2b: 'm2m_token', ak_1a2b: 'api_key', oat_1a2b: 'oauth_token', Xk2mQ8: 'oauth_token' });
    expect(asked).toEqual([
      ['mt_1a2b', 'm2m_token'],
      ['ak_1a2b', 'api_key'],
      ['oat_1a2b', 'oauth_token'],
      ['Xk2mQ8', 'oauth_token'],
    ]);
  });
});
