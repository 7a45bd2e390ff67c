import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { MessagePattern, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Auth, AuthModule, RequireAuth, type AuthModuleOptions } from 'nestjs-warden';
import { type VerifyOpaqueToken } from 'nestjs-warden/core';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { createGraphqlApp, type GraphqlBody } from './support/graphql-app.js';
import { connectWsClient, createWsApp, type WsTestClient } from './support/ws-app.js';
import { startTcpMicroservice } from './support/tcp-microservice.js';
import { ReportsResolver } from './support/reports-resolver.js';

/**
 * Opaque tokens over GraphQL, WebSockets and microservices: the class, the scopes, and a verifier
 * that cannot answer (503, as for unavailable keys), through the `verifyOpaqueToken` hook.
 */

const MACHINES: Record<string, { sub: string; scopes: string }> = {
  mt_scoped: { sub: 'mch_1', scopes: 'reports:read' },
  mt_unscoped: { sub: 'mch_2', scopes: 'other' },
};
/** `mt_down…` tokens: the verifier cannot tell (503); the others: a lookup. */
const verifyOpaqueToken: VerifyOpaqueToken = (token) => {
  if (token.startsWith('mt_down')) throw new Error('machine registry unreachable');
  const machine = MACHINES[token];
  return machine ? { ...machine, exp: Math.floor(Date.now() / 1000) + 600 } : null;
};

let issuer: TestIssuer;
let options: AuthModuleOptions;
beforeAll(async () => {
  issuer = await createTestIssuer();
  options = issuer.moduleOptions({ verifyOpaqueToken, opaqueTokens: { cooldownInMs: 0 }, global: true });
});

describe('GraphQL', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createGraphqlApp('express', 'type Query { me: String, report: String }', {
      imports: [AuthModule.forRoot(options)],
      providers: [ReportsResolver],
    });
  });
  afterAll(() => app?.close());

  const gql = async (query: string, token: string): Promise<GraphqlBody> =>
    (await request(app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query })).body as GraphqlBody;
  const codes = (body: GraphqlBody) => body.errors?.map((e) => e.extensions?.code) ?? [];

  it('an opaque machine token: its class and scope decide; a verifier that cannot answer is a 503', async () => {
    expect((await gql('{ report }', 'mt_scoped')).data).toEqual({ report: 'report for mch_1' });
    expect(codes(await gql('{ report }', 'mt_unscoped'))).toEqual(['FORBIDDEN']);
    expect(codes(await gql('{ me }', 'mt_scoped'))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await gql('{ report }', 'mt_unknown'))).toEqual(['UNAUTHENTICATED']);
    // Apollo's Nest driver reports any HTTP status it has no code for as INTERNAL_SERVER_ERROR, with the status beside it.
    const down = await gql('{ report }', 'mt_down_1');
    expect(down.data?.report ?? null).toBeNull();
    expect(down.errors?.[0]?.extensions).toMatchObject({ status: 503, originalError: { statusCode: 503 } });
  });
});

@WebSocketGateway()
class ReportsGateway {
  @RequireAuth({ acceptsToken: 'm2m_token', scope: 'reports:read' })
  @SubscribeMessage('report')
  report(@Auth('machineId') machineId: string) {
    return { event: 'reply', data: `report for ${machineId}` };
  }
}

describe('WebSockets (ws)', () => {
  let app: INestApplication;
  let port: number;
  const clients: WsTestClient[] = [];
  beforeAll(async () => {
    ({ app, port } = await createWsApp('ws', { imports: [AuthModule.forRoot(options)], providers: [ReportsGateway] }));
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
  });
  const connect = async (token: string) => {
    const client = await connectWsClient('ws', port, { headers: { authorization: `Bearer ${token}` } });
    clients.push(client);
    return client;
  };

  it('an opaque machine token per message; a verifier that cannot answer is a 503 exception with retryAfter', async () => {
    expect(await (await connect('mt_scoped')).call('report')).toEqual({ reply: 'report for mch_1' });
    expect((await (await connect('mt_unscoped')).call('report')).exception).toMatchObject({ statusCode: 403 });
    expect((await (await connect('mt_down_2')).call('report')).exception).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: 1 });
  });
});

@Controller()
class ReportHandlers {
  @RequireAuth({ acceptsToken: 'm2m_token', scope: 'reports:read' })
  @MessagePattern('report')
  report(@Auth('machineId') machineId: string): string {
    return `report for ${machineId}`;
  }
}

describe('microservices (TCP on 127.0.0.1)', () => {
  let service: INestMicroservice;
  let client: ClientProxy;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AuthModule.forRoot(options)], controllers: [ReportHandlers] }).compile();
    ({ service, client } = await startTcpMicroservice(moduleRef));
  });
  afterAll(async () => {
    await client?.close();
    await service?.close();
  });

  const send = (token: string) =>
    firstValueFrom(client.send<string>('report', { authorization: token })).then(
      (reply) => ({ reply }),
      (error: { statusCode?: number; code?: string }) => ({ error: { statusCode: error.statusCode, code: error.code } }),
    );

  it('an opaque machine token per message; a verifier that cannot answer is a 503 error', async () => {
    expect(await send('mt_scoped')).toEqual({ reply: 'report for mch_1' });
    expect(await send('mt_unscoped')).toEqual({ error: { statusCode: 403, code: 'FORBIDDEN' } });
    expect(await send('mt_unknown')).toEqual({ error: { statusCode: 401, code: 'UNAUTHENTICATED' } });
    expect(await send('mt_down_3')).toEqual({ error: { statusCode: 503, code: 'SERVICE_UNAVAILABLE' } });
  });
});
