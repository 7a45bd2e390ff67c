import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { MessagePattern, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Auth, AuthModule, RequireAuth } from 'nestjs-warden';
import { clerkM2MClaims, clerkOAuthClaims, clerkSessionClaims, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { createGraphqlApp, type GraphqlBody } from './support/graphql-app.js';
import { ADAPTERS } from './support/http-app.js';
import { connectWsClient, createWsApp, WS_ADAPTERS, type WsTestClient } from './support/ws-app.js';
import { startTcpMicroservice } from './support/tcp-microservice.js';
import { ReportsResolver } from './support/reports-resolver.js';

/** acceptsToken and scopes over GraphQL, WebSockets and microservices: as roles are honoured there. */

let issuer: TestIssuer;
const tokens = {} as Record<'session' | 'machine' | 'unscoped' | 'client', string>;
beforeAll(async () => {
  issuer = await createTestIssuer();
  tokens.session = await issuer.sign(clerkSessionClaims({ userId: 'user_1' }));
  tokens.machine = await issuer.sign(clerkM2MClaims({ machineId: 'mch_1', scopes: ['reports:read'] }));
  tokens.unscoped = await issuer.sign(clerkM2MClaims({ machineId: 'mch_2' }));
  tokens.client = await issuer.sign(clerkOAuthClaims({ userId: 'user_1', clientId: 'cli_1', scopes: ['reports:read'] }));
});

describe.each(ADAPTERS)('GraphQL on %s', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createGraphqlApp(adapter, 'type Query { me: String, report: String }', {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))],
      providers: [ReportsResolver],
    });
  });
  afterAll(() => app?.close());

  const gql = async (query: string, token: string): Promise<GraphqlBody> =>
    (await request(app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query })).body as GraphqlBody;
  const codes = (body: GraphqlBody) => body.errors?.map((e) => e.extensions?.code) ?? [];

  it('a machine with the scope on a machine query; 401 for another class, 403 without the scope', async () => {
    expect((await gql('{ report }', tokens.machine)).data).toEqual({ report: 'report for mch_1' });
    expect(codes(await gql('{ report }', tokens.session))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await gql('{ report }', tokens.client))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await gql('{ report }', tokens.unscoped))).toEqual(['FORBIDDEN']);
  });

  it('one request, fields of different classes: each field decides with its own acceptsToken', async () => {
    for (const query of ['{ me report }', '{ report me }']) {
      const asMachine = await gql(query, tokens.machine);
      expect(asMachine.data?.report).toBe('report for mch_1');
      expect(asMachine.data?.me ?? null).toBeNull();
      expect(codes(asMachine)).toEqual(['UNAUTHENTICATED']);
      const asUser = await gql(query, tokens.session);
      expect(asUser.data?.me).toBe('user_1');
      expect(codes(asUser)).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('a session query refuses machine tokens', async () => {
    expect((await gql('{ me }', tokens.session)).data).toEqual({ me: 'user_1' });
    expect(codes(await gql('{ me }', tokens.machine))).toEqual(['UNAUTHENTICATED']);
  });
});

@WebSocketGateway()
class ReportsGateway {
  @RequireAuth()
  @SubscribeMessage('whoami')
  whoami(@Auth('userId') userId: string) {
    return { event: 'reply', data: userId };
  }

  @RequireAuth({ acceptsToken: ['m2m_token', 'oauth_token'], scope: 'reports:read' })
  @SubscribeMessage('report')
  report(@Auth('subject') subject: string) {
    return { event: 'reply', data: `report for ${subject}` };
  }
}

describe.each(WS_ADAPTERS)('WebSockets on %s', (adapter) => {
  let app: INestApplication;
  let port: number;
  const clients: WsTestClient[] = [];
  beforeAll(async () => {
    ({ app, port } = await createWsApp(adapter, { imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))], providers: [ReportsGateway] }));
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
  });
  const connect = async (token: string) => {
    const client = await connectWsClient(adapter, port, { headers: { authorization: `Bearer ${token}` } });
    clients.push(client);
    return client;
  };

  it('machine classes and scopes per message, as roles', async () => {
    expect(await (await connect(tokens.machine)).call('report')).toEqual({ reply: 'report for mch_1' });
    expect(await (await connect(tokens.client)).call('report')).toEqual({ reply: 'report for user_1' });
    expect((await (await connect(tokens.unscoped)).call('report')).exception).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    const session = await connect(tokens.session);
    expect((await session.call('report')).exception).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    expect(await session.call('whoami')).toEqual({ reply: 'user_1' });
    expect((await (await connect(tokens.machine)).call('whoami')).exception).toMatchObject({ statusCode: 401 });
  });
});

@Controller()
class ReportHandlers {
  @RequireAuth({ acceptsToken: 'm2m_token', scopes: ['reports:read'] })
  @MessagePattern('report')
  report(@Auth('machineId') machineId: string): string {
    return `report for ${machineId}`;
  }

  @RequireAuth()
  @MessagePattern('whoami')
  whoami(@Auth('userId') userId: string): string {
    return userId;
  }
}

describe('microservices (TCP on 127.0.0.1)', () => {
  let service: INestMicroservice;
  let client: ClientProxy;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))],
      controllers: [ReportHandlers],
    }).compile();
    ({ service, client } = await startTcpMicroservice(moduleRef));
  });
  afterAll(async () => {
    await client?.close();
    await service?.close();
  });

  const send = (pattern: string, token: string) =>
    firstValueFrom(client.send<string>(pattern, { authorization: token })).then(
      (reply) => ({ reply }),
      (error: { statusCode?: number; code?: string }) => ({ error: { statusCode: error.statusCode, code: error.code } }),
    );

  it('machine classes and scopes per message, as roles', async () => {
    expect(await send('report', tokens.machine)).toEqual({ reply: 'report for mch_1' });
    expect(await send('report', tokens.unscoped)).toEqual({ error: { statusCode: 403, code: 'FORBIDDEN' } });
    expect(await send('report', tokens.session)).toEqual({ error: { statusCode: 401, code: 'UNAUTHENTICATED' } });
    expect(await send('whoami', tokens.session)).toEqual({ reply: 'user_1' });
    expect(await send('whoami', tokens.machine)).toEqual({ error: { statusCode: 401, code: 'UNAUTHENTICATED' } });
  });
});
