import { afterAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { ClientProxyFactory, MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { AddressInfo, Server } from 'node:net';
import { Auth, AuthModule, RequireAuth, withWsHandshake } from 'nestjs-warden';
import { clerkSessionClaims, createTestAuth, createTestIssuer } from 'nestjs-warden/testing';
import { firstValueFrom } from 'rxjs';
import { io } from 'socket.io-client';
import request from 'supertest';
import WebSocket from 'ws';

// The transports the README and docs/platforms.md describe (GraphQL, WebSockets, microservices), run
// here against the library; the docs' own files are compiled and run by test/docs-apps.e2e-spec.ts.

@Resolver()
export class InvoicesResolver {
  @RequireAuth({ permission: 'org:invoices:read' })
  @Query(() => [String])
  invoices(@Auth('orgId') orgId: string): string[] {
    return [`${orgId}/2026-01`];
  }
}

@WebSocketGateway()
export class ChatGateway {
  @RequireAuth()
  @SubscribeMessage('whoami')
  whoami(@Auth('userId') userId: string) {
    return { event: 'whoami', data: userId };
  }
}

@Controller()
export class BillingHandlers {
  @RequireAuth()
  @MessagePattern('invoices.count')
  count(@Auth('userId') userId: string) {
    return `${userId}: 3 invoices`;
  }
}

@Controller()
class MeController {
  @Get('me')
  me(@Auth('userId') userId: string) {
    return { userId };
  }

  @RequireAuth({ role: 'admin' })
  @Get('admin')
  admin() {
    return { ok: true };
  }
}

@Module({
  imports: [AuthModule.forRoot({ jwksUrl: 'https://clerk.example.test/.well-known/jwks.json', issuer: 'https://clerk.example.test', global: true })],
  controllers: [MeController],
})
class AppModule {}

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe('README: Platforms', () => {
  it('GraphQL: FORBIDDEN, then data', async () => {
    const issuer = await createTestIssuer({ alg: 'ES256' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true }),
        AuthModule.forRoot(issuer.moduleOptions({ global: true })),
      ],
      providers: [InvoicesResolver],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    closers.push(() => app.close());
    const member = await issuer.headers(clerkSessionClaims({ org: { id: 'org_1', role: 'member' } }));
    const denied = await request(app.getHttpServer()).post('/graphql').set(member).send({ query: '{ invoices }' });
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const reader = await issuer.headers(
      clerkSessionClaims({ org: { id: 'org_1', role: 'admin', permissions: ['org:invoices:read'] }, features: ['o:invoices'] }),
    );
    const allowed = await request(app.getHttpServer()).post('/graphql').set(reader).send({ query: '{ invoices }' });
    expect(allowed.body.data).toEqual({ invoices: ['org_1/2026-01'] });
  });

  it('WebSockets: socket.io auth.token and exception, ws with withWsHandshake', async () => {
    const issuer = await createTestIssuer({ alg: 'ES256' });
    const start = async (ws: boolean): Promise<[INestApplication, string]> => {
      const moduleRef = await Test.createTestingModule({
        imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))],
        providers: [ChatGateway],
      }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      app.useWebSocketAdapter(withWsHandshake(new WsAdapter(app)));
      if (!ws) app.useWebSocketAdapter(new (await import('@nestjs/platform-socket.io')).IoAdapter(app));
      await app.listen(0, '127.0.0.1');
      closers.push(() => app.close());
      return [app, `127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`];
    };
    const token = await issuer.sign({ sub: 'user_1' });

    const [, ioHost] = await start(false);
    const url = `http://${ioHost}`;
    const received = await new Promise<unknown[]>((resolve, reject) => {
      const events: unknown[] = [];
      const timer = setTimeout(() => reject(new Error('no socket.io reply')), 3000);
      const done = (socket: { disconnect(): void }) => {
        clearTimeout(timer);
        socket.disconnect();
        resolve(events);
      };
      const anonymous = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
      anonymous.on('exception', (e: unknown) => {
        events.push(e);
        anonymous.disconnect();
        const showUser = (userId: string) => {
          events.push(userId);
          done(socket);
        };
        const showError = (error: unknown) => reject(new Error(`unexpected ${JSON.stringify(error)}`));
        const socket = io(url, { auth: { token } });
        socket.emit('whoami', {});
        socket.on('whoami', (userId: string) => showUser(userId)); // 'user_1'
        socket.on('exception', (error) => showError(error)); // { statusCode: 401, code: 'UNAUTHENTICATED', ... }
      });
      anonymous.emit('whoami', {});
    });
    expect(received).toEqual([{ status: 'error', statusCode: 401, error: 'Unauthorized', message: 'Unauthorized', code: 'UNAUTHENTICATED' }, 'user_1']);

    const [, wsHost] = await start(true);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = new WebSocket(`ws://${wsHost}`, { headers: { authorization: `Bearer ${token}` } });
      const timer = setTimeout(() => reject(new Error('no ws reply')), 3000);
      socket.on('open', () => socket.send(JSON.stringify({ event: 'whoami', data: {} })));
      socket.on('message', (raw) => {
        clearTimeout(timer);
        socket.close();
        resolve(Buffer.concat(Array.isArray(raw) ? raw : [Buffer.from(raw as ArrayBuffer)]).toString());
      });
    });
    expect(JSON.parse(reply)).toEqual({ event: 'whoami', data: 'user_1' });
  });

  it('Microservices: the authorization field', async () => {
    const issuer = await createTestIssuer({ alg: 'ES256' });
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))],
      controllers: [BillingHandlers],
    }).compile();
    const service = moduleRef.createNestMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 }, logger: false });
    await service.listen();
    closers.push(() => service.close());
    const { port } = service.unwrap<Server>().address() as AddressInfo;
    const client: ClientProxy = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    closers.push(async () => client.close());
    const token = await issuer.sign({ sub: 'user_1' });
    const reply = await firstValueFrom(client.send('invoices.count', { authorization: token }));
    expect(reply).toBe('user_1: 3 invoices');
    await expect(firstValueFrom(client.send('invoices.count', {}))).rejects.toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
  });
});

describe('README: Testing your app', () => {
  it('signs in without keys, and the real guard still decides', async () => {
    const testAuth = createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }) });
    const moduleRef = await testAuth.override(Test.createTestingModule({ imports: [AppModule] })).compile();
    const app = moduleRef.createNestApplication();
    await app.init();

    await request(app.getHttpServer()).get('/me').expect(200, { userId: 'user_1' });
    await request(app.getHttpServer()).get('/admin').expect(403);

    const admin = clerkSessionClaims({ userId: 'user_2', org: { id: 'org_1', role: 'admin' } });
    await request(app.getHttpServer())
      .get('/admin')
      .set(await testAuth.headers(admin))
      .expect(200);

    testAuth.signInAs(null);
    await request(app.getHttpServer()).get('/me').expect(401);
    await app.close();
  });

  it('signs real tokens with a test issuer, in memory or served on 127.0.0.1', async () => {
    const issuer = await createTestIssuer(); // RS256 by default; also ES256, PS256, EdDSA
    const inMemory = AuthModule.forRoot(issuer.moduleOptions({ global: true })); // local JWKS, no network
    const served = await issuer.serve(); // http://127.0.0.1:<port>/.well-known/jwks.json
    const overHttp = AuthModule.forRoot(served.moduleOptions({ global: true })); // the remote-JWKS path

    const token = await issuer.sign(
      clerkSessionClaims({ userId: 'user_1', org: { id: 'org_1', role: 'admin', permissions: ['org:invoices:read'] }, features: ['o:invoices'] }),
    );
    closers.push(() => served.close());
    for (const authModule of [inMemory, overHttp]) {
      const moduleRef = await Test.createTestingModule({ imports: [authModule], controllers: [MeController] }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      await request(app.getHttpServer()).get('/admin').set('Authorization', `Bearer ${token}`).expect(200);
      await app.close();
    }
    expect(served.requests).toBe(1);
  });
});
