import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Test } from '@nestjs/testing';
import { createClient, type Client } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Auth, AuthModule, RequireAuth } from 'nestjs-warden';
import { clerkSessionClaims, createTestIssuer, type ServedTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import WebSocket from 'ws';

/**
 * A verdict stored on a long-lived carrier (the upgrade request of a graphql-ws connection, which
 * every subscription on the socket reuses) goes through the same checks as a new request: once
 * `resolveIssuer` stops trusting the token's issuer, new subscriptions on the old socket are refused.
 */
const typeDefs = `
  type Query { whoami: String! }
  type Subscription { whoami: String! }
`;

@Resolver()
class WhoamiResolver {
  @RequireAuth()
  @Query('whoami')
  query(@Auth('userId') userId: string): string {
    return userId;
  }

  @RequireAuth()
  @Subscription()
  async *whoami(@Auth('userId') userId: string): AsyncGenerator<{ whoami: string }> {
    yield { whoami: userId };
  }
}

const TTL_MS = 60_000;

describe('a stored graphql-ws verdict and resolveIssuer', () => {
  const clock = { now: Date.UTC(2026, 0, 1, 12, 0, 0) };
  const trusted = new Set<string>();
  let issuer: TestIssuer;
  let served: ServedTestIssuer;
  let app: INestApplication;
  let url: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    issuer = await createTestIssuer({ issuer: 'https://tenant-a.example.com' });
    served = await issuer.serve();
    const moduleRef = await Test.createTestingModule({
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          typeDefs,
          playground: false,
          subscriptions: { 'graphql-ws': true },
          context: (ctx: { req?: IncomingMessage; extra?: { request: IncomingMessage } }) => ({ req: ctx.req ?? ctx.extra?.request }),
        }),
        AuthModule.forRoot({
          global: true,
          clock: () => clock.now,
          resolveIssuerTtlInMs: TTL_MS,
          resolveIssuerAddresses: 'any', // the tenant's keys are served on 127.0.0.1
          resolveIssuer: (iss) => (trusted.has(iss) ? { jwksUrl: served.jwksUrl, audience: 'api' } : null),
        }),
      ],
      providers: [WhoamiResolver],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `ws://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/graphql`;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => Promise.resolve(client.dispose())));
  });
  afterAll(async () => {
    await app?.close();
    await served?.close();
  });

  function connect(token: string): Client {
    const authorization = `Bearer ${token}`;
    class AuthorizedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { authorization } });
      }
    }
    const client = createClient({ url, webSocketImpl: AuthorizedWebSocket, lazy: true, retryAttempts: 0 });
    clients.push(client);
    return client;
  }

  function subscribeOnce(client: Client): Promise<{ value?: string; codes?: unknown[] }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('subscription timed out')), 5000);
      const done = (outcome: { value?: string; codes?: unknown[] }) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      const stop = client.subscribe<{ whoami: string }>(
        { query: 'subscription { whoami }' },
        {
          next: (result) => {
            if (result.errors?.length) return done({ codes: result.errors.map((e) => e.extensions?.code) });
            stop();
            done({ value: result.data?.whoami });
          },
          error: (error) => {
            const list = Array.isArray(error) ? (error as Array<{ extensions?: { code?: unknown } }>) : [];
            done({ codes: list.length ? list.map((e) => e.extensions?.code) : ['socket-error'] });
          },
          complete: () => undefined,
        },
      );
    });
  }

  it('refuses new subscriptions on an open socket once the issuer is no longer trusted', async () => {
    trusted.add(issuer.issuer);
    const token = await issuer.sign(
      { ...clerkSessionClaims({ userId: 'user_tenant', sessionId: 'sess_tenant' }), aud: 'api' },
      {
        now: clock.now,
        expiresInSeconds: 3600,
      },
    );
    const client = connect(token);
    expect(await subscribeOnce(client)).toEqual({ value: 'user_tenant' });
    expect(await subscribeOnce(client)).toEqual({ value: 'user_tenant' });

    trusted.delete(issuer.issuer);
    clock.now += TTL_MS + 1;
    // A new request with the same token is refused: resolveIssuer now answers null.
    const http = await request(app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query: '{ whoami }' });
    expect(http.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // And so is a new subscription on the socket opened before.
    expect(await subscribeOnce(client)).toEqual({ codes: ['UNAUTHENTICATED'] });
  });
});
