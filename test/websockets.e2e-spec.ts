import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { Auth, AuthModule, getAuth, OptionalAuth, rememberWsHandshake, RequireAuth, type AuthObject } from 'nestjs-warden';
import { clerkSessionClaims, createTestAuth, createTestIssuer, type TestAuth, type TestIssuer } from 'nestjs-warden/testing';
import { connectWsClient, createWsApp, WS_ADAPTERS, type WsTestClient } from './support/ws-app.js';

@WebSocketGateway()
class ChatGateway {
  @RequireAuth()
  @SubscribeMessage('whoami')
  whoami(@Auth('userId') userId: string) {
    return { event: 'reply', data: userId };
  }

  @OptionalAuth()
  @SubscribeMessage('hello')
  hello(@Auth() auth: AuthObject) {
    return { event: 'reply', data: auth.isAuthenticated ? `hello ${auth.userId}` : 'hello stranger' };
  }

  @RequireAuth({ role: 'admin' })
  @SubscribeMessage('ban')
  ban(@MessageBody() body: { user: string }, @Auth('orgId') orgId: string) {
    return { event: 'reply', data: `${body.user} banned from ${orgId}` };
  }

  // No decorator: the global guard's default policy applies.
  @SubscribeMessage('post')
  post(@ConnectedSocket() client: object) {
    return { event: 'reply', data: `posted by ${getAuth(client).userId}` };
  }
}

@WebSocketGateway()
class RememberingGateway implements OnGatewayConnection {
  handleConnection(client: object, request: unknown) {
    rememberWsHandshake(client, request);
  }

  @RequireAuth()
  @SubscribeMessage('whoami')
  whoami(@Auth('userId') userId: string) {
    return { event: 'reply', data: userId };
  }
}

const UNAUTHORIZED = { status: 'error', statusCode: 401, error: 'Unauthorized', message: 'Unauthorized', code: 'UNAUTHENTICATED' };
const FORBIDDEN = { status: 'error', statusCode: 403, error: 'Forbidden', message: 'Forbidden', code: 'FORBIDDEN' };

describe.each(WS_ADAPTERS)('WebSocket gateway on %s', (adapter) => {
  let now = Date.now();
  let testAuth: TestAuth;
  let issuer: TestIssuer;
  let app: INestApplication;
  let port: number;
  const clients: WsTestClient[] = [];
  const connect = async (options?: Parameters<typeof connectWsClient>[2]) => {
    const client = await connectWsClient(adapter, port, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    // Keyless sign-in from the testing kit; the real issuer only provides the app's options and a foreign key.
    testAuth = createTestAuth();
    issuer = await createTestIssuer();
    ({ app, port } = await createWsApp(
      adapter,
      { imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true, clock: () => now }))], providers: [ChatGateway] },
      (builder) => testAuth.override(builder),
    ));
  });
  afterEach(() => {
    clients.splice(0).forEach((c) => c.close());
    now = Date.now();
  });
  afterAll(() => app?.close());

  it('signed in with the Authorization header of the handshake: @Auth() in the handler', async () => {
    const client = await connect({ headers: await testAuth.headers({ sub: 'user_ws' }) });
    expect(await client.call('whoami')).toEqual({ reply: 'user_ws' });
    expect(await client.call('post')).toEqual({ reply: 'posted by user_ws' });
  });

  it('signed in with the __session cookie of the handshake', async () => {
    const client = await connect({ headers: { cookie: `theme=dark; __session=${await testAuth.token({ sub: 'user_cookie' })}` } });
    expect(await client.call('whoami')).toEqual({ reply: 'user_cookie' });
  });

  it("the handshake cookie counts only from a page of the connection's own origin, its scheme included", async () => {
    const cookie = `__session=${await testAuth.token({ sub: 'user_cookie' })}`;
    const same = await connect({ headers: { cookie, origin: `http://127.0.0.1:${port}` } });
    expect(await same.call('whoami')).toEqual({ reply: 'user_cookie' });
    // The connection is plain ws://: a page claiming https on the same host and port is another origin.
    const otherScheme = await connect({ headers: { cookie, origin: `https://127.0.0.1:${port}` } });
    expect(await otherScheme.call('whoami')).toEqual({ exception: UNAUTHORIZED });
  });

  if (adapter === 'socket.io') {
    it('signed in with the auth.token field of socket.io clients', async () => {
      const client = await connect({ auth: { token: await testAuth.token({ sub: 'user_auth_field' }) } });
      expect(await client.call('whoami')).toEqual({ reply: 'user_auth_field' });
    });
  }

  it('signed out: a WsException the client reads, on required and undecorated handlers; optional ones run', async () => {
    const client = await connect();
    expect(await client.call('whoami')).toEqual({ exception: UNAUTHORIZED });
    expect(await client.call('post')).toEqual({ exception: UNAUTHORIZED });
    expect(await client.call('hello')).toEqual({ reply: 'hello stranger' });
  });

  it('bad token: 401 WsException, and the connection keeps working for optional handlers', async () => {
    const forged = await issuer.sign({ sub: 'user_forged' }); // a real key, but not one this app trusts
    const client = await connect({ headers: { authorization: `Bearer ${forged}` } });
    const { exception } = await client.call('whoami');
    expect(exception).toEqual(UNAUTHORIZED);
    expect(JSON.stringify(exception)).not.toContain(forged.slice(0, 20));
    expect(await client.call('hello')).toEqual({ reply: 'hello stranger' });
  });

  it('forbidden: 403 WsException when has() fails; the handler runs when it passes', async () => {
    const member = await connect({ headers: await testAuth.headers(clerkSessionClaims({ org: { id: 'org_1', role: 'member' } })) });
    expect(await member.call('ban', { user: 'eve' })).toEqual({ exception: FORBIDDEN });
    const admin = await connect({ headers: await testAuth.headers(clerkSessionClaims({ org: { id: 'org_1', role: 'admin' } })) });
    expect(await admin.call('ban', { user: 'eve' })).toEqual({ reply: 'eve banned from org_1' });
  });

  it('a token that expires while the socket is open stops working on the next message', async () => {
    const client = await connect({ headers: await testAuth.headers({ sub: 'user_short' }) });
    expect(await client.call('whoami')).toEqual({ reply: 'user_short' });
    now += 10 * 60 * 1000;
    expect(await client.call('whoami')).toEqual({ exception: UNAUTHORIZED });
  });
});

describe('a plain WsAdapter without withWsHandshake', () => {
  async function start(gateway: object) {
    const testAuth = createTestAuth();
    const issuer = await createTestIssuer({ alg: 'ES256' });
    const moduleRef = await testAuth
      .override(Test.createTestingModule({ imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))], providers: [gateway as never] }))
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    app.useWebSocketAdapter(new WsAdapter(app));
    await app.listen(0, '127.0.0.1');
    return { app, testAuth, port: (app.getHttpServer().address() as AddressInfo).port };
  }

  it('fails closed: the handshake is unknown, so the client is signed out', async () => {
    const { app, testAuth, port } = await start(ChatGateway);
    const client = await connectWsClient('ws', port, { headers: await testAuth.headers({ sub: 'user_lost' }) });
    try {
      expect(await client.call('whoami')).toEqual({ exception: UNAUTHORIZED });
    } finally {
      client.close();
      await app.close();
    }
  });

  it('rememberWsHandshake() in handleConnection makes it known', async () => {
    const { app, testAuth, port } = await start(RememberingGateway);
    const client = await connectWsClient('ws', port, { headers: await testAuth.headers({ sub: 'user_remembered' }) });
    try {
      expect(await client.call('whoami')).toEqual({ reply: 'user_remembered' });
    } finally {
      client.close();
      await app.close();
    }
  });
});
