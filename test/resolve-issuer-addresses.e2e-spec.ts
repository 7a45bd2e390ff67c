import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Auth, AuthConfigError, AuthModule, type AuthModuleOptions, type SignedInAuthObject } from 'nestjs-warden';
import { resolveAuthOptions } from 'nestjs-warden/core';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { KeySourceError } from '../libs/auth/src/verification/key-source-events.js';
import { createKeySource } from '../libs/auth/src/verification/key-sources.js';
import { fetchJson, KeyFetchError } from '../libs/auth/src/verification/fetch-json.js';
import { requestPublicOnly } from '../libs/auth/src/verification/public-request.js';
import { createHttpApp } from './support/http-app.js';

/**
 * `resolveIssuerAddresses`: tenants that register their own issuer URLs must not turn the API into a
 * probe of its own network. By default, the key material of resolved issuers comes from public
 * internet addresses only: an address that is not public is refused before any connection, a host
 * name is resolved and checked first and the socket connects to the checked address. The suite's
 * servers run on 127.0.0.1, so every refusal is proven with zero connections to a real server.
 */

const API = 'https://api.example.com';

@Controller('reports')
class ReportsController {
  @Get()
  list(@Auth() auth: SignedInAuthObject) {
    return { tenant: auth.issuer, userId: auth.userId };
  }
}

let keys: TestIssuer;
let server: Server;
let port: number;
let connections = 0;
const apps: INestApplication[] = [];

beforeAll(async () => {
  keys = await createTestIssuer({ issuer: 'https://tenant.example.com', alg: 'ES256' });
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(keys.jwks)));
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const limits = { timeoutInMs: 2000, maxBytes: 65536, publicAddressesOnly: true };

async function problemOf(url: string): Promise<string> {
  try {
    await fetchJson(new URL(url), limits);
    return 'fetched';
  } catch (error) {
    expect(error).toBeInstanceOf(KeyFetchError);
    return (error as KeyFetchError).problem;
  }
}

describe('fetching key material from public addresses only', () => {
  it.each([
    ['an IPv4 loopback literal', 'http://127.0.0.1:{port}/jwks'],
    ['a loopback literal in another spelling (decimal)', 'http://2130706433:{port}/jwks'],
    ['a loopback literal in another spelling (hex, short)', 'http://0x7f.1:{port}/jwks'],
    ['the IPv6 loopback', 'http://[::1]:{port}/jwks'],
    ['an IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]:{port}/jwks'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['a private address', 'https://10.0.0.1/jwks'],
    ['a unique-local IPv6 address', 'https://[fd00::1]/jwks'],
    ['a link-local IPv6 address', 'https://[fe80::1]/jwks'],
    ['a host name that resolves to loopback (checked after DNS, before connecting)', 'http://localhost:{port}/jwks'],
  ])('refuses %s, with no connection', async (_name, template) => {
    const before = connections;
    expect(await problemOf(template.replace('{port}', String(port)))).toBe('address-not-public');
    expect(connections).toBe(before);
  });

  it('connects to the address it checked, and reads the answer as fetch would (the check made to admit loopback here)', async () => {
    const controller = new AbortController();
    const onlyV4Loopback = (address: string) => address === '127.0.0.1';
    const res = await requestPublicOnly(
      new URL(`http://localhost:${port}/jwks`),
      { method: 'GET', headers: { accept: 'application/json' } },
      controller.signal,
      onlyV4Loopback,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual(keys.jwks);
    const before = connections;
    await expect(
      requestPublicOnly(new URL(`http://localhost:${port}/jwks`), { method: 'GET', headers: {} }, controller.signal, () => false),
    ).rejects.toMatchObject({
      code: 'EADDRNOTPUBLIC',
    });
    expect(connections).toBe(before);
  });

  it('applies to the key source of an issuer resolveIssuer answered for: its fetch is refused and reported, never sent', async () => {
    const errors: KeySourceError[] = [];
    const options = { ...resolveAuthOptions({ jwksUrl: `http://localhost:${port}/jwks`, issuer: keys.issuer }).issuers.entries[0], publicAddressesOnly: true };
    const before = connections;
    await createKeySource(options, { onKeySourceError: (error) => errors.push(error) }).warmUp?.();
    expect(errors).toMatchObject([{ source: 'jwksUrl', problem: 'address-not-public', code: 'EADDRNOTPUBLIC', fallback: 'no-keys' }]);
    expect(connections).toBe(before);
  });
});

describe('resolveIssuerAddresses', () => {
  async function start(answer: (iss: string) => Record<string, unknown> | null, extra: Partial<AuthModuleOptions> = {}): Promise<INestApplication> {
    const module = AuthModule.forRoot({ resolveIssuer: (iss) => answer(iss), debug: true, global: true, ...extra });
    const app = await createHttpApp('express', { imports: [module], controllers: [ReportsController] });
    apps.push(app);
    return app;
  }

  const call = async (app: INestApplication) => {
    const token = await keys.sign({ sub: 'user_1', aud: API });
    return request(app.getHttpServer()).get('/reports').set('authorization', `Bearer ${token}`);
  };

  it.each([
    ['127.0.0.1', () => `http://127.0.0.1:${port}/jwks`],
    ['localhost', () => `http://localhost:${port}/jwks`],
    ['[::ffff:127.0.0.1] (https: plain http is refused off loopback names anyway)', () => `https://[::ffff:127.0.0.1]:${port}/jwks`],
    ['127.0.0.1 over https', () => `https://127.0.0.1:${port}/jwks`],
  ])('refuses, by default, a tenant whose jwksUrl names %s: 503, and no connection', async (_name, jwksUrl) => {
    const app = await start((iss) => (iss === keys.issuer ? { jwksUrl: jwksUrl(), audience: API } : null));
    const before = connections;
    const res = await call(app);
    expect([res.status, res.body.reason]).toEqual([503, 'issuer-unavailable']);
    expect(connections).toBe(before);
  });

  it("lets tenants on your own network in with resolveIssuerAddresses: 'any'", async () => {
    const app = await start((iss) => (iss === keys.issuer ? { jwksUrl: `http://127.0.0.1:${port}/jwks`, audience: API } : null), {
      resolveIssuerAddresses: 'any',
    });
    const res = await call(app);
    expect([res.status, res.body]).toEqual([200, { tenant: keys.issuer, userId: 'user_1' }]);
  });

  it('does not concern key material that is not fetched (a JWKS in the answer)', async () => {
    const app = await start((iss) => (iss === keys.issuer ? { jwks: keys.jwks, audience: API } : null));
    expect((await call(app)).status).toBe(200);
  });

  it('is checked at boot, naming the option', () => {
    const named = (options: AuthModuleOptions) => {
      try {
        resolveAuthOptions(options);
      } catch (error) {
        expect(error).toBeInstanceOf(AuthConfigError);
        return (error as AuthConfigError).option;
      }
      return 'booted';
    };
    expect(named({ resolveIssuer: () => null, resolveIssuerAddresses: 'private' as never })).toBe('resolveIssuerAddresses');
    expect(named({ resolveIssuer: () => null, resolveIssuerAddresses: true as never })).toBe('resolveIssuerAddresses');
    expect(named({ secret: 'x'.repeat(32), resolveIssuerAddresses: 'any' })).toBe('resolveIssuerAddresses');
    expect(named({ resolveIssuer: () => null, resolveIssuerAddresses: 'public' })).toBe('booted');
  });
});
