import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Test } from '@nestjs/testing';
import { createClient, type Client } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Auth, AuthModule, RequireAuth } from 'nestjs-warden';
import { clerkSessionClaims, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import WebSocket from 'ws';

/**
 * Issue 12, defect 5: GraphQL subscriptions over graphql-ws, with a context whose `req` is the
 * connection's upgrade request (the usual way to read the `__session` cookie). Every new subscription
 * on the socket runs the guard on that same request: the verdict stored on it must be checked again
 * (expiry with the skew, `isRevoked`), never simply reused.
 */
const typeDefs = `
  type Query { health: String! }
  type Subscription { whoami: String! }
`;

@Resolver()
class WhoamiResolver {
  @Query()
  health(): string {
    return 'ok';
  }

  @RequireAuth()
  @Subscription()
  async *whoami(@Auth('userId') userId: string): AsyncGenerator<{ whoami: string }> {
    yield { whoami: userId };
  }
}

const SKEW_MS = 5000;

describe('GraphQL subscriptions over graphql-ws (Apollo): a verdict stored on the upgrade request', () => {
  const clock = { now: Date.UTC(2026, 0, 1, 12, 0, 0) };
  const revoked = new Set<string>();
  let issuer: TestIssuer;
  let app: INestApplication;
  let url: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    issuer = await createTestIssuer();
    const moduleRef = await Test.createTestingModule({
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          typeDefs,
          playground: false,
          subscriptions: { 'graphql-ws': true },
          // HTTP: Apollo's { req }; graphql-ws: the connection's upgrade request, for every subscription.
          context: (ctx: { req?: IncomingMessage; extra?: { request: IncomingMessage } }) => ({ req: ctx.req ?? ctx.extra?.request }),
        }),
        AuthModule.forRoot(
          issuer.moduleOptions({
            global: true,
            clock: () => clock.now,
            clockSkewInMs: SKEW_MS,
            isRevoked: (claims) => revoked.has(String(claims.sid)),
          }),
        ),
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
  afterAll(() => app?.close());

  /** A graphql-ws client whose upgrade request carries the token in the Authorization header. */
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

  /** One subscription on `client`: its first value, or the error codes it ended with (bounded in time). */
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

  it('a new subscription after exp (plus the skew) is refused, on the same socket', async () => {
    const token = await issuer.sign(clerkSessionClaims({ userId: 'user_exp', sessionId: 'sess_exp' }), {
      now: clock.now,
      expiresInSeconds: 60,
    });
    const client = connect(token);
    expect(await subscribeOnce(client)).toEqual({ value: 'user_exp' });
    clock.now += 60_000 + SKEW_MS - 1;
    expect(await subscribeOnce(client)).toEqual({ value: 'user_exp' });
    clock.now += 2;
    expect(await subscribeOnce(client)).toEqual({ codes: ['UNAUTHENTICATED'] });
  });

  it('a new subscription after isRevoked turned true is refused, on the same socket', async () => {
    const token = await issuer.sign(clerkSessionClaims({ userId: 'user_rev', sessionId: 'sess_rev' }), {
      now: clock.now,
      expiresInSeconds: 600,
    });
    const client = connect(token);
    expect(await subscribeOnce(client)).toEqual({ value: 'user_rev' });
    expect(await subscribeOnce(client)).toEqual({ value: 'user_rev' });
    revoked.add('sess_rev');
    expect(await subscribeOnce(client)).toEqual({ codes: ['UNAUTHENTICATED'] });
  });
});
