import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import type { AdapterName } from './http-app.js';
import { createHttpApp } from './http-app.js';

/** The GraphQL engine of each HTTP adapter: Apollo on Express, Mercurius on Fastify. */
export const GRAPHQL_ENGINES: Record<AdapterName, 'apollo' | 'mercurius'> = { express: 'apollo', fastify: 'mercurius' };

/** A GraphQL app (schema first, `typeDefs`) on the adapter's engine, at `/graphql`. */
export async function createGraphqlApp(adapter: AdapterName, typeDefs: string, metadata: ModuleMetadata): Promise<INestApplication> {
  const graphql =
    adapter === 'express'
      ? GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, typeDefs, playground: false, introspection: false })
      : GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, typeDefs, graphiql: false });
  return createHttpApp(adapter, { ...metadata, imports: [graphql, ...(metadata.imports ?? [])] });
}

/** What a GraphQL response carries that the tests look at. */
export interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}
