import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { AuthModule, CurrentUser, type LoadUser } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import './support/app-user.js';
import { createGraphqlApp, GRAPHQL_ENGINES, type GraphqlBody } from './support/graphql-app.js';
import { ADAPTERS } from './support/http-app.js';

/**
 * `@CurrentUser()` in GraphQL: the guard runs once per field, the user is loaded once per request
 * (one HTTP request, three fields asking); no user and a loader outage are GraphQL errors with the
 * guard's codes, never INTERNAL_SERVER_ERROR.
 */

const typeDefs = 'type Query { name: String, email: String, id: String }';

@Resolver()
class UserResolver {
  @Query()
  name(@CurrentUser() user: CurrentUser): string {
    return user.name;
  }

  @Query()
  email(@CurrentUser() user: CurrentUser): string | null {
    return user.email;
  }

  @Query()
  id(@CurrentUser() user: CurrentUser): string {
    return user.id;
  }
}

describe.each(ADAPTERS)('@CurrentUser() over GraphQL (%s)', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let loads = 0;
  const loadUser: LoadUser = async (auth) => {
    loads += 1;
    if (auth.tokenType !== 'session_token' || auth.userId === 'user_gone') return null;
    if (auth.userId === 'user_broken') throw new Error('database down');
    return { id: auth.userId, email: `${auth.userId}@example.com`, name: `User ${auth.userId}` };
  };

  beforeAll(async () => {
    issuer = await createTestIssuer();
    app = await createGraphqlApp(adapter, typeDefs, {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ loadUser, global: true }))],
      providers: [UserResolver],
    });
  });
  afterAll(() => app?.close());

  const gql = async (sub: string): Promise<GraphqlBody> =>
    (
      await request(app.getHttpServer())
        .post('/graphql')
        .set(await issuer.headers({ sub }))
        .send({ query: '{ name email id }' })
    ).body as GraphqlBody;

  it('three fields, one request: one load', async () => {
    loads = 0;
    expect((await gql('user_1')).data).toEqual({ name: 'User user_1', email: 'user_1@example.com', id: 'user_1' });
    expect(loads).toBe(1);
  });

  it(`no user: UNAUTHENTICATED; an outage: a 503 (${GRAPHQL_ENGINES[adapter]})`, async () => {
    expect((await gql('user_gone')).errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
    loads = 0;
    const outage = (await gql('user_broken')).errors ?? [];
    // Mercurius keeps the guard's code; Apollo's Nest driver names every status but 400/401/403/422 INTERNAL_SERVER_ERROR, with the status beside it.
    const status = (e: { extensions?: Record<string, unknown> }) => (e.extensions?.http as { status?: number } | undefined)?.status ?? e.extensions?.status;
    expect(outage.map((e) => [status(e), e.extensions?.code])).toEqual(
      Array(3).fill([503, adapter === 'fastify' ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR']),
    );
    expect(loads).toBe(1);
  });
});
