import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import { IntrospectionClient, type IntrospectionClientOptions } from './introspection-client.js';
import { json, startLoopbackServer, type LoopbackServer } from './loopback-server.spec-support.js';

describe('IntrospectionClient', () => {
  let server: LoopbackServer;
  let problems: string[];
  beforeAll(async () => {
    server = await startLoopbackServer();
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    await server.close();
  });

  const client = (options: Partial<IntrospectionClientOptions> = {}) => {
    problems = [];
    return new IntrospectionClient({
      endpoint: { url: server.url('/introspect') },
      clientId: 'orders-api',
      clientSecret: 's3cret',
      timeoutInMs: 5000,
      maxBytes: 4096,
      onFailure: (problem) => problems.push(problem),
      ...options,
    });
  };
  /** The reason and message introspect() was refused with. */
  const refusal = async (pending: Promise<unknown>) => {
    const error = await pending.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(AuthError);
    return [(error as AuthError).reason, (error as AuthError).message];
  };

  it('POSTs the token with the access-token hint and HTTP Basic client authentication', async () => {
    server.on('/introspect', json({ active: true, sub: 'user_1', scope: 'a b' }));
    await expect(client().introspect('tok.en/+=')).resolves.toEqual({ active: true, sub: 'user_1', scope: 'a b' });
    const [request] = server.requests;
    expect([request.method, request.headers['content-type'], request.headers.accept, request.body]).toEqual([
      'POST',
      'application/x-www-form-urlencoded',
      'application/json',
      'token=tok.en%2F%2B%3D&token_type_hint=access_token',
    ]);
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('orders-api:s3cret').toString('base64')}`);
    expect(problems).toEqual([]);
  });

  it('form-encodes the client id and secret before Basic (RFC 6749 section 2.3.1): a space is +, a colon %3A', async () => {
    server.on('/introspect', json({ active: false }));
    await client({ clientId: 'orders api:1', clientSecret: 'p@ss word/é' }).introspect('t');
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('orders+api%3A1:p%40ss+word%2F%C3%A9').toString('base64')}`);
  });

  it('answers null for active: false', async () => {
    server.on('/introspect', json({ active: false, sub: 'user_1' }));
    await expect(client().introspect('t')).resolves.toBeNull();
  });

  it('refuses an answer that is not an RFC 7662 response as introspection-unavailable, telling onFailure', async () => {
    for (const body of [[{ active: true }], null, 42, { sub: 'user_1' }, { active: 'true' }, { active: 1 }]) {
      server.on('/introspect', json(body));
      expect(await refusal(client().introspect('t'))).toEqual(['introspection-unavailable', 'token introspection failed: invalid-response']);
      expect(problems).toEqual(['invalid-response']);
    }
  });

  it('refuses when the endpoint fails, naming the fetch problem only', async () => {
    server.on('/introspect', json({ error: 'invalid_client' }, 'application/json', 401));
    expect(await refusal(client().introspect('t'))).toEqual(['introspection-unavailable', 'token introspection failed: http-status']);
    expect(problems).toEqual(['http-status']);
  });

  it('an onFailure that throws changes nothing', async () => {
    server.on('/introspect', json({ active: 'yes' }));
    const throwing = client({
      onFailure: () => {
        throw new Error('listener down');
      },
    });
    expect(await refusal(throwing.introspect('t'))).toEqual(['introspection-unavailable', 'token introspection failed: invalid-response']);
  });

  describe('with the endpoint named by discovery', () => {
    const discovered = () => client({ endpoint: { issuer: server.origin } });
    const discoveryRequests = () => server.requests.filter((r) => r.path === '/.well-known/openid-configuration').length;

    it('discovers it once, for concurrent calls too, then calls it', async () => {
      server.on('/.well-known/openid-configuration', json({ issuer: server.origin, introspection_endpoint: `${server.origin}/introspect` }));
      server.on('/introspect', json({ active: true, sub: 'user_1' }));
      const introspection = discovered();
      await expect(Promise.all([introspection.introspect('a'), introspection.introspect('b')])).resolves.toEqual([
        { active: true, sub: 'user_1' },
        { active: true, sub: 'user_1' },
      ]);
      await introspection.introspect('c');
      expect(discoveryRequests()).toBe(1);
      expect(server.requests.filter((r) => r.path === '/introspect').map((r) => r.body)).toEqual([
        'token=a&token_type_hint=access_token',
        'token=b&token_type_hint=access_token',
        'token=c&token_type_hint=access_token',
      ]);
    });

    it('tries a failed discovery again on the next call', async () => {
      const introspection = discovered();
      expect(await refusal(introspection.introspect('a'))).toEqual(['introspection-unavailable', 'token introspection failed: http-status']);
      server.on('/.well-known/openid-configuration', json({ issuer: server.origin, introspection_endpoint: `${server.origin}/introspect` }));
      server.on('/introspect', json({ active: false }));
      await expect(introspection.introspect('a')).resolves.toBeNull();
      expect(discoveryRequests()).toBe(2);
    });

    it('an issuer that is no URL is refused as a network problem, with nothing sent', async () => {
      expect(await refusal(client({ endpoint: { issuer: 'not a url' } }).introspect('a'))).toEqual([
        'introspection-unavailable',
        'token introspection failed: network',
      ]);
      expect(problems).toEqual(['network']);
    });
  });
});
