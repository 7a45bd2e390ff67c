import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { AuthConfigError } from 'nestjs-warden';
import { resolveAuthOptions } from 'nestjs-warden/core';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS } from '../support/http-app.js';
import { startJwksServer, type JwksServer } from '../support/jwks-server.js';
import { expectHygiene } from '../support/response-hygiene.js';
import { createSecurityApp } from '../support/security-app.js';

describe('key source #12: OIDC discovery', () => {
  it('accepts issuer alone as the key source, and only as one https (or loopback) URL', () => {
    expect(resolveAuthOptions({ issuer: 'https://tenant.example.com' }).issuers.entries[0].issuer).toEqual(['https://tenant.example.com']);
    expect(() => resolveAuthOptions({ issuer: ['https://a.example.com', 'https://b.example.com'] })).toThrow(AuthConfigError);
    expect(() => resolveAuthOptions({ issuer: 'http://tenant.example.com' })).toThrow(/"issuer"/);
    expect(() => resolveAuthOptions({ issuer: 'not a url' })).toThrow(/"issuer"/);
  });

  describe.each(ADAPTERS)('on %s', (adapter) => {
    let server: JwksServer;
    let elsewhere: JwksServer;
    let signer: TestIssuer;
    const apps: INestApplication[] = [];

    beforeAll(async () => {
      server = await startJwksServer();
      elsewhere = await startJwksServer();
      signer = await createTestIssuer({ issuer: server.origin });
      server.setKeys([signer.publicJwk]);
      elsewhere.setKeys([signer.publicJwk]);
    });
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((app) => app.close()));
    });
    afterAll(async () => {
      await server.close();
      await elsewhere.close();
    });

    const boot = async (): Promise<INestApplication> => {
      const app = await createSecurityApp(adapter, { issuer: server.origin });
      apps.push(app);
      return app;
    };

    it('takes jwks_uri from a document that names the configured issuer exactly', async () => {
      server.setDiscovery({ issuer: server.origin, jwks_uri: server.jwksUrl });
      const app = await boot();
      const token = await signer.sign({ sub: 'user_1' });
      const res = await request(app.getHttpServer()).get('/private').set('authorization', `Bearer ${token}`);
      expectHygiene(res, token);
      expect(res.status).toBe(200);
      expect(res.body.userId).toBe('user_1');
    });

    it.each([
      ['a trailing slash', (origin: string) => `${origin}/`],
      ['another host', () => 'https://evil.example.com'],
      ['a prefix', (origin: string) => origin.slice(0, -1)],
      ['no issuer', () => undefined],
    ])('refuses a document whose issuer differs by %s: 503, no JWKS fetch', async (_label, issuerOf) => {
      server.setDiscovery({ issuer: issuerOf(server.origin), jwks_uri: server.jwksUrl });
      const before = server.requests;
      const app = await boot();
      const token = await signer.sign({ sub: 'user_1' });
      const res = await request(app.getHttpServer()).get('/private').set('authorization', `Bearer ${token}`);
      expectHygiene(res, token);
      expect(res.status).toBe(503);
      expect(server.requests).toBe(before);
    });

    it('never takes a key location from the token (jku pointing at another JWKS)', async () => {
      server.setDiscovery({ issuer: server.origin, jwks_uri: server.jwksUrl });
      const app = await boot();
      const token = await signer.sign({ sub: 'user_1' }, { header: { jku: elsewhere.jwksUrl } });
      const res = await request(app.getHttpServer()).get('/private').set('authorization', `Bearer ${token}`);
      expectHygiene(res, token);
      expect(res.status).toBe(401);
      expect(elsewhere.requests + elsewhere.discoveryRequests + elsewhere.otherRequests).toBe(0);
    });

    it('refuses a jwks_uri that is not https (or loopback http)', async () => {
      server.setDiscovery({ issuer: server.origin, jwks_uri: 'http://jwks.example.com/keys' });
      const app = await boot();
      const token = await signer.sign({ sub: 'user_1' });
      const res = await request(app.getHttpServer()).get('/private').set('authorization', `Bearer ${token}`);
      expectHygiene(res, token);
      expect(res.status).toBe(503);
    });

    it('a 404 discovery document means no keys: 503 with a token, plain 401 without', async () => {
      server.setDiscovery(null);
      const app = await boot();
      const token = await signer.sign({ sub: 'user_1' });
      const withToken = await request(app.getHttpServer()).get('/private').set('authorization', `Bearer ${token}`);
      expectHygiene(withToken, token);
      expect(withToken.status).toBe(503);
      const without = await request(app.getHttpServer()).get('/private');
      expectHygiene(without, null);
      expect(without.status).toBe(401);
      expect(without.headers['www-authenticate']).toBe('Bearer realm="api"');
    });
  });
});
