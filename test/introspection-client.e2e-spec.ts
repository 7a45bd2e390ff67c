import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError } from 'nestjs-warden';
import { IntrospectionClient, type IntrospectionClientOptions } from 'nestjs-warden/core';

/**
 * The RFC 7662 client against a scripted HTTP server on 127.0.0.1: what it sends, and every way an
 * endpoint (or the discovery document naming it) can misbehave, which must all read "unavailable".
 */

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let origin: string;
let handler: Handler;
const requests: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body = (body + chunk).slice(0, 8192)));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  requests.length = 0;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const json = (res: ServerResponse, value: unknown, status = 200) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

function client(extra: Partial<IntrospectionClientOptions> = {}): IntrospectionClient {
  return new IntrospectionClient({
    endpoint: { url: new URL(`${origin}/introspect`) },
    clientId: 'api',
    clientSecret: 'secret-value-x',
    timeoutInMs: 1000,
    maxBytes: 4096,
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected a failure');
}

describe('IntrospectionClient', () => {
  it('POSTs the token as a form with client_secret_basic, and returns the members of an active answer', async () => {
    handler = (_req, _body, res) => json(res, { active: true, sub: 's', exp: 1 });
    const id = 'ledger api:1';
    const secret = 'p@ss:w%rd +x';
    await expect(client({ clientId: id, clientSecret: secret }).introspect('tok-1')).resolves.toEqual({ active: true, sub: 's', exp: 1 });
    const [sent] = requests;
    expect(sent.method).toBe('POST');
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ token: 'tok-1', token_type_hint: 'access_token' });
    const [user, password] = Buffer.from(String(sent.headers.authorization).replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':');
    // RFC 6749 section 2.3.1: each part form-encoded, then joined with ':'.
    expect([user, password].map((part) => decodeURIComponent(part.replace(/\+/g, ' ')))).toEqual([id, secret]);
  });

  it('returns null for active: false', async () => {
    handler = (_req, _body, res) => json(res, { active: false });
    await expect(client().introspect('tok')).resolves.toBeNull();
  });

  it.each<[string, Handler]>([
    ['refused credentials (401)', (_req, _body, res) => json(res, { error: 'invalid_client' }, 401)],
    ['a server error', (_req, _body, res) => res.writeHead(500).end()],
    ['a redirect (never followed)', (_req, _body, res) => res.writeHead(302, { location: `${origin}/elsewhere` }).end()],
    ['HTML', (_req, _body, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>')],
    ['invalid JSON', (_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"active":')],
    ['a body over maxBytes', (_req, _body, res) => json(res, { active: true, pad: 'x'.repeat(10_000) })],
    ['active that is not a boolean', (_req, _body, res) => json(res, { active: 'true', sub: 's' })],
    ['an array', (_req, _body, res) => json(res, [{ active: true }])],
    ['a dropped connection', (req) => req.socket.destroy()],
  ])('%s -> introspection-unavailable, naming nothing secret', async (_name, misbehave) => {
    handler = misbehave;
    const problems: string[] = [];
    const error = await failure(client({ onFailure: (problem) => problems.push(problem) }).introspect('tok-secret-123'));
    expect(error.reason).toBe('introspection-unavailable');
    expect(error.message).not.toMatch(/tok-secret|secret-value|127\.0\.0\.1/);
    expect(problems).toHaveLength(1);
  });

  it('times out a slow endpoint', async () => {
    let arrived!: () => void;
    const seen = new Promise<void>((resolve) => (arrived = resolve));
    handler = (_req, _body, res) => {
      arrived();
      setTimeout(() => json(res, { active: true }), 500).unref();
    };
    expect((await failure(client({ timeoutInMs: 50 }).introspect('tok'))).reason).toBe('introspection-unavailable');
    // On a loaded machine the server may read the request only after the client gave up; wait for it
    // (bounded) so it cannot land in the next test's request list.
    await Promise.race([seen, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  });

  describe('endpoint by discovery', () => {
    const discovered =
      (document: Record<string, unknown>): Handler =>
      (req, _body, res) => {
        if (req.url === '/.well-known/openid-configuration') return json(res, document);
        if (req.url === '/introspect') return json(res, { active: true, sub: 's' });
        res.writeHead(404).end();
      };

    it("uses the document's introspection_endpoint, fetched once", async () => {
      handler = discovered({ issuer: origin, introspection_endpoint: `${origin}/introspect` });
      const byDiscovery = client({ endpoint: { issuer: origin } });
      await Promise.all([byDiscovery.introspect('a'), byDiscovery.introspect('b')]);
      await byDiscovery.introspect('c');
      expect(requests.map((r) => r.url)).toEqual(['/.well-known/openid-configuration', '/introspect', '/introspect', '/introspect']);
    });

    it.each([
      ['names another issuer', { issuer: 'https://evil.example.com', introspection_endpoint: `${'ORIGIN'}/introspect` }],
      ['has no introspection_endpoint', { issuer: 'ORIGIN' }],
      ['names a plain-http endpoint off loopback', { issuer: 'ORIGIN', introspection_endpoint: 'http://as.example.com/introspect' }],
    ])('refuses a document that %s, and asks again on the next call', async (_name, document) => {
      const filled = JSON.parse(JSON.stringify(document).replaceAll('ORIGIN', origin)) as Record<string, unknown>;
      handler = discovered(filled);
      const byDiscovery = client({ endpoint: { issuer: origin } });
      expect((await failure(byDiscovery.introspect('a'))).reason).toBe('introspection-unavailable');
      expect((await failure(byDiscovery.introspect('b'))).reason).toBe('introspection-unavailable');
      expect(requests.map((r) => r.url)).toEqual(['/.well-known/openid-configuration', '/.well-known/openid-configuration']);
    });
  });
});
