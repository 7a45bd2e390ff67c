import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Auth, AuthModule, RequireAuth, type AnyAuthObject } from 'nestjs-warden';
import { createDpopKey, createTestIssuer, type TestDpopKey, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { createGraphqlApp, type GraphqlBody } from './support/graphql-app.js';
import { ADAPTERS } from './support/http-app.js';
import { connectWsClient, createWsApp, WS_ADAPTERS } from './support/ws-app.js';

/**
 * DPoP wherever the guard runs besides plain HTTP routes: GraphQL over HTTP (the guard runs once per
 * field: the proof is checked once per request, never taken for its own replay) and WebSocket
 * handshakes (the proof names the upgrade request, `GET` and its http(s) URL; it covers the
 * connection, whose messages are not proved one by one).
 */
const bindingOf = (auth: AnyAuthObject) => JSON.stringify((auth as { binding?: unknown }).binding ?? null);

@Resolver()
class BoundResolver {
  @RequireAuth()
  @Query()
  me(@Auth() auth: AnyAuthObject): string {
    return bindingOf(auth);
  }

  @RequireAuth()
  @Query()
  orders(): string[] {
    return ['o-1'];
  }
}

@WebSocketGateway()
class BoundGateway {
  @RequireAuth()
  @SubscribeMessage('whoami')
  whoami(@Auth() auth: AnyAuthObject) {
    return { event: 'reply', data: bindingOf(auth) };
  }
}

let issuer: TestIssuer;
let key: TestDpopKey;
let bound: string;
beforeAll(async () => {
  issuer = await createTestIssuer();
  key = await createDpopKey();
  bound = await issuer.sign({ sub: 'user_t', cnf: key.cnf });
});

describe.each(ADAPTERS)('GraphQL over HTTP (%s)', (adapter) => {
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    app = await createGraphqlApp(adapter, 'type Query { me: String!, orders: [String!]! }', {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ dpop: 'allowed', global: true }))],
      providers: [BoundResolver],
    });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(() => app?.close());

  const gql = async (headers: Record<string, string>) =>
    (await request(url).post('/graphql').set(headers).send({ query: '{ me orders }' })).body as GraphqlBody;

  it('one proof for the POST to /graphql signs in every field of the query', async () => {
    const body = await gql(await key.headers(bound, { method: 'POST', url: `${url}/graphql` }));
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ me: JSON.stringify({ type: 'dpop', jkt: key.jkt }), orders: ['o-1'] });
  });

  it('the same proof in a second request is a replay; the bound token as Bearer is refused', async () => {
    const headers = await key.headers(bound, { method: 'POST', url: `${url}/graphql` });
    expect((await gql(headers)).errors).toBeUndefined();
    expect((await gql(headers)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql({ authorization: `Bearer ${bound}` })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe.each(WS_ADAPTERS)('WebSocket handshake (%s)', (adapter) => {
  let app: INestApplication;
  let port: number;
  // The upgrade request's URL: ws connects to /, socket.io to /socket.io/ (its query is ignored).
  const path = adapter === 'ws' ? '/' : '/socket.io/';
  beforeAll(async () => {
    ({ app, port } = await createWsApp(adapter, {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ dpop: 'allowed', global: true }))],
      providers: [BoundGateway],
    }));
  });
  afterAll(() => app?.close());

  it('a proof of the upgrade request (GET, its http URL) covers the connection: every message is signed in', async () => {
    const client = await connectWsClient(adapter, port, { headers: await key.headers(bound, { method: 'GET', url: `http://127.0.0.1:${port}${path}` }) });
    try {
      for (let i = 0; i < 3; i += 1) expect((await client.call('whoami')).reply).toBe(JSON.stringify({ type: 'dpop', jkt: key.jkt }));
    } finally {
      client.close();
    }
  });

  it('a proof of another URL, or the bound token as Bearer, is refused on the first message', async () => {
    for (const headers of [await key.headers(bound, { method: 'GET', url: `http://127.0.0.1:${port}/elsewhere` }), { authorization: `Bearer ${bound}` }]) {
      const client = await connectWsClient(adapter, port, { headers });
      try {
        expect((await client.call('whoami')).exception).toMatchObject({ statusCode: 401 });
      } finally {
        client.close();
      }
    }
  });
});
