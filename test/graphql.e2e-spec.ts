import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Auth, AuthModule, OptionalAuth, RequireAuth, type AuthObject } from 'nestjs-warden';
import { clerkSessionClaims, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { createGraphqlApp, GRAPHQL_ENGINES, type GraphqlBody } from './support/graphql-app.js';
import { ADAPTERS } from './support/http-app.js';

const typeDefs = `
  type Query { me: String, feed: String!, invoices: [String!], health: String! }
  type Mutation { rename(name: String!): String! }
`;

@Resolver()
class AccountResolver {
  @RequireAuth()
  @Query()
  me(@Auth('userId') userId: string): string {
    return userId;
  }

  @OptionalAuth()
  @Query()
  feed(@Auth() auth: AuthObject): string {
    return auth.isAuthenticated ? `feed of ${auth.userId}` : 'public feed';
  }

  @RequireAuth({ permission: 'org:invoices:read' })
  @Query()
  invoices(@Auth('orgId') orgId: string): string[] {
    return [`${orgId}-inv-1`];
  }

  // No decorator: the global guard's default policy ('required') covers it.
  @Query()
  health(): string {
    return 'ok';
  }

  @Mutation()
  rename(@Args('name') name: string, @Auth('userId') userId: string): string {
    return `${userId} is now ${name}`;
  }
}

describe.each(ADAPTERS)('GraphQL on %s', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    app = await createGraphqlApp(adapter, typeDefs, {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))],
      providers: [AccountResolver],
    });
  });
  afterAll(() => app?.close());

  async function gql(query: string, headers: Record<string, string> = {}): Promise<GraphqlBody> {
    const res = await request(app.getHttpServer()).post('/graphql').set(headers).send({ query });
    expect(res.status).toBeLessThan(500);
    return res.body as GraphqlBody;
  }
  const codeOf = (body: GraphqlBody) => body.errors?.map((e) => e.extensions?.code);

  it(`runs on ${GRAPHQL_ENGINES[adapter]}: signed in, @Auth() reads the user in a query and a mutation`, async () => {
    const headers = await issuer.headers(clerkSessionClaims({ userId: 'user_gql' }));
    expect((await gql('{ me }', headers)).data).toEqual({ me: 'user_gql' });
    expect((await gql('mutation { rename(name: "ada") }', headers)).data).toEqual({ rename: 'user_gql is now ada' });
  });

  it('signed out: UNAUTHENTICATED on a required query and on an undecorated mutation', async () => {
    const query = await gql('{ me }');
    expect(codeOf(query)).toEqual(['UNAUTHENTICATED']);
    expect(query.data?.me ?? null).toBeNull();
    expect(codeOf(await gql('mutation { rename(name: "x") }'))).toEqual(['UNAUTHENTICATED']);
    expect(codeOf(await gql('{ health }'))).toEqual(['UNAUTHENTICATED']);
  });

  it('@OptionalAuth() runs signed out and signed in', async () => {
    expect((await gql('{ feed }')).data).toEqual({ feed: 'public feed' });
    const headers = await issuer.headers({ sub: 'user_opt' });
    expect((await gql('{ feed }', headers)).data).toEqual({ feed: 'feed of user_opt' });
  });

  it('bad token: UNAUTHENTICATED, and nothing of the token in the response', async () => {
    const other = await createTestIssuer({ issuer: issuer.issuer });
    const forged = await other.sign({ sub: 'user_forged' });
    const body = await gql('{ me }', { authorization: `Bearer ${forged}` });
    expect(codeOf(body)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(body)).not.toContain(forged.split('.')[1]);
    expect(codeOf(await gql('{ me }', { authorization: 'Bearer not.a.jwt' }))).toEqual(['UNAUTHENTICATED']);
  });

  it('forbidden: FORBIDDEN when has() fails, data when it passes', async () => {
    const member = await issuer.headers(clerkSessionClaims({ org: { id: 'org_1', role: 'member' } }));
    expect(codeOf(await gql('{ invoices }', member))).toEqual(['FORBIDDEN']);
    const reader = await issuer.headers(
      clerkSessionClaims({ org: { id: 'org_1', role: 'admin', permissions: ['org:invoices:read'] }, features: ['o:invoices'] }),
    );
    expect((await gql('{ invoices }', reader)).data).toEqual({ invoices: ['org_1-inv-1'] });
  });

  it('one query, several guarded fields: each is enforced on its own', async () => {
    const member = await issuer.headers(clerkSessionClaims({ userId: 'user_mix', org: { id: 'org_1', role: 'member' } }));
    const body = await gql('{ me invoices }', member);
    expect(body.data?.me).toBe('user_mix');
    expect(codeOf(body)).toEqual(['FORBIDDEN']);
  });
});
