import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { KeyFetchError } from './fetch-json.js';
import { json, startLoopbackServer, type LoopbackServer } from './loopback-server.spec-support.js';
import { discoverEndpoint, discoverJwksUri, discoveryUrl, isAllowedKeyUrl } from './oidc-discovery.js';

const limits = { timeoutInMs: 5000, maxBytes: 4096 };

describe('discoveryUrl', () => {
  it('appends the well-known path to the issuer, trailing slashes dropped', () => {
    expect(discoveryUrl('https://tenant.example.com').href).toBe('https://tenant.example.com/.well-known/openid-configuration');
    expect(discoveryUrl('https://tenant.example.com/').href).toBe('https://tenant.example.com/.well-known/openid-configuration');
    expect(discoveryUrl('https://example.com/realms/a//').href).toBe('https://example.com/realms/a/.well-known/openid-configuration');
    expect(discoveryUrl('https://example.com/a/b').href).toBe('https://example.com/a/b/.well-known/openid-configuration');
  });
});

describe('isAllowedKeyUrl', () => {
  it('allows https anywhere and http on a loopback host only', () => {
    for (const url of ['https://issuer.example', 'https://127.0.0.1', 'http://localhost:3000/x', 'http://127.0.0.1', 'http://[::1]:8080']) {
      expect(isAllowedKeyUrl(new URL(url))).toBe(true);
    }
    for (const url of ['http://issuer.example', 'http://127.0.0.2', 'http://localhost.example', 'ftp://localhost', 'file:///etc/keys', 'ws://localhost']) {
      expect(isAllowedKeyUrl(new URL(url))).toBe(false);
    }
  });
});

describe('discoverEndpoint', () => {
  let server: LoopbackServer;
  let issuer: string;
  beforeAll(async () => {
    server = await startLoopbackServer();
    issuer = server.origin;
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    await server.close();
  });

  const publish = (document: unknown) => server.on('/.well-known/openid-configuration', json(document));
  const failure = async (endpoint: 'jwks_uri' | 'introspection_endpoint' = 'jwks_uri') => {
    const error = await discoverEndpoint(issuer, endpoint, limits).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(KeyFetchError);
    return [(error as KeyFetchError).problem, (error as KeyFetchError).message];
  };

  it("returns the endpoint the issuer's document names", async () => {
    publish({ issuer, jwks_uri: `${issuer}/keys`, introspection_endpoint: 'https://auth.example/introspect' });
    expect((await discoverJwksUri(issuer, limits)).href).toBe(`${issuer}/keys`);
    expect((await discoverEndpoint(issuer, 'introspection_endpoint', limits)).href).toBe('https://auth.example/introspect');
    expect(server.requests.map((r) => [r.method, r.path])).toEqual([
      ['GET', '/.well-known/openid-configuration'],
      ['GET', '/.well-known/openid-configuration'],
    ]);
  });

  it('refuses a document that is not a JSON object', async () => {
    for (const document of [[{ issuer }], null, '"issuer"', 42]) {
      publish(document);
      expect(await failure()).toEqual(['invalid-shape', 'nestjs-warden: key fetch failed: the discovery document is not a JSON object']);
    }
  });

  it('refuses a document naming another issuer, even by a trailing slash', async () => {
    for (const named of [`${issuer}/`, 'https://other.example', undefined]) {
      publish({ issuer: named, jwks_uri: `${issuer}/keys` });
      expect(await failure()).toEqual(['issuer-mismatch', 'nestjs-warden: key fetch failed: the discovery document names another issuer']);
    }
  });

  it('refuses a missing, relative or plain-http endpoint, naming it', async () => {
    publish({ issuer, jwks_uri: `${issuer}/keys` });
    expect(await failure('introspection_endpoint')).toEqual([
      'invalid-shape',
      'nestjs-warden: key fetch failed: the discovery document has no introspection_endpoint',
    ]);
    publish({ issuer, jwks_uri: 42 });
    expect(await failure()).toEqual(['invalid-shape', 'nestjs-warden: key fetch failed: the discovery document has no jwks_uri']);
    publish({ issuer, jwks_uri: '/keys' });
    expect(await failure()).toEqual(['invalid-shape', 'nestjs-warden: key fetch failed: jwks_uri is not an absolute URL']);
    publish({ issuer, jwks_uri: 'http://keys.example/jwks' });
    expect(await failure()).toEqual(['invalid-shape', 'nestjs-warden: key fetch failed: jwks_uri must use https']);
  });

  it("passes the document fetch's own failures on", async () => {
    expect((await failure())[0]).toBe('http-status');
  });
});
