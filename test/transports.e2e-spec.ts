import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, type ExecutionContext } from '@nestjs/common';
import { ClientProxyFactory, Ctx, MessagePattern, Payload, Transport, type ClientProxy, type MicroserviceOptions } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { INestMicroservice } from '@nestjs/common';
import type { AddressInfo, Server } from 'node:net';
import { Auth, AuthGuard, AuthModule, getAuth, OptionalAuth, RequireAuth, type AuthObject } from 'nestjs-warden';
import { clerkSessionClaims, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import { firstValueFrom } from 'rxjs';

@Controller()
class BillingHandlers {
  @RequireAuth()
  @MessagePattern('whoami')
  whoami(@Auth('userId') userId: string, @Ctx() ctx: object): string {
    return getAuth(ctx).userId === userId ? userId : 'getAuth(ctx) disagrees';
  }

  @OptionalAuth()
  @MessagePattern('hello')
  hello(@Auth() auth: AuthObject): string {
    return auth.isAuthenticated ? `hello ${auth.userId}` : 'hello stranger';
  }

  @RequireAuth({ permission: 'org:invoices:read' })
  @MessagePattern('invoices')
  invoices(@Payload() data: { month: string }, @Auth('orgId') orgId: string): string {
    return `${orgId}/${data.month}`;
  }
}

const UNAUTHORIZED = { status: 'error', statusCode: 401, error: 'Unauthorized', message: 'Unauthorized', code: 'UNAUTHENTICATED' };
const FORBIDDEN = { status: 'error', statusCode: 403, error: 'Forbidden', message: 'Forbidden', code: 'FORBIDDEN' };

describe('Microservices (TCP on 127.0.0.1)', () => {
  let issuer: TestIssuer;
  let service: INestMicroservice;
  let client: ClientProxy;
  let customFieldService: INestMicroservice;
  let customFieldClient: ClientProxy;

  async function start(rpcTokenField?: string): Promise<[INestMicroservice, ClientProxy]> {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true, ...(rpcTokenField ? { rpcTokenField } : {}) }))],
      controllers: [BillingHandlers],
    }).compile();
    const microservice = moduleRef.createNestMicroservice<MicroserviceOptions>({
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port: 0 },
      logger: false,
    });
    await microservice.listen();
    const { port } = microservice.unwrap<Server>().address() as AddressInfo;
    const proxy = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    await proxy.connect();
    return [microservice, proxy];
  }

  beforeAll(async () => {
    issuer = await createTestIssuer();
    [service, client] = await start();
    [customFieldService, customFieldClient] = await start('meta_token');
  });
  afterAll(async () => {
    for (const c of [client, customFieldClient]) await c?.close();
    for (const s of [service, customFieldService]) await s?.close();
  });

  const send = (proxy: ClientProxy, pattern: string, data: object) =>
    firstValueFrom(proxy.send<string>(pattern, data)).then(
      (reply) => ({ reply }),
      (error: unknown) => ({ error }),
    );

  it('signed in: the token of the `authorization` field, bare or as Bearer; @Auth() in the handler', async () => {
    const token = await issuer.sign({ sub: 'user_rpc' });
    expect(await send(client, 'whoami', { authorization: token })).toEqual({ reply: 'user_rpc' });
    expect(await send(client, 'whoami', { authorization: `Bearer ${token}` })).toEqual({ reply: 'user_rpc' });
  });

  it('signed out: an RpcException the caller reads; optional handlers run', async () => {
    expect(await send(client, 'whoami', {})).toEqual({ error: UNAUTHORIZED });
    expect(await send(client, 'hello', {})).toEqual({ reply: 'hello stranger' });
  });

  it('bad token: 401, nothing of the token in the error', async () => {
    const other = await createTestIssuer();
    const forged = await other.sign({ sub: 'user_forged' });
    const result = await send(client, 'whoami', { authorization: forged });
    expect(result).toEqual({ error: UNAUTHORIZED });
    expect(await send(client, 'whoami', { authorization: 42 })).toEqual({ error: UNAUTHORIZED });
  });

  it('forbidden: 403 when has() fails; the handler runs when it passes', async () => {
    const member = await issuer.sign(clerkSessionClaims({ org: { id: 'org_1', role: 'member' } }));
    expect(await send(client, 'invoices', { authorization: member, month: '2026-01' })).toEqual({ error: FORBIDDEN });
    const reader = await issuer.sign(clerkSessionClaims({ org: { id: 'org_1', role: 'admin', permissions: ['org:invoices:read'] }, features: ['o:invoices'] }));
    expect(await send(client, 'invoices', { authorization: reader, month: '2026-01' })).toEqual({ reply: 'org_1/2026-01' });
  });

  it('rpcTokenField chooses the field; the default one is then ignored', async () => {
    const token = await issuer.sign({ sub: 'user_meta' });
    expect(await send(customFieldClient, 'whoami', { meta_token: token })).toEqual({ reply: 'user_meta' });
    expect(await send(customFieldClient, 'whoami', { authorization: token })).toEqual({ error: UNAUTHORIZED });
  });
});

describe('a context type the guard does not know', () => {
  const contextOf = (type: string, handler: (...args: never[]) => unknown): ExecutionContext =>
    ({
      getType: () => type,
      getHandler: () => handler,
      getClass: () => BillingHandlers,
      getArgs: () => [],
      getArgByIndex: () => undefined,
      switchToHttp: () => {
        throw new Error('not http');
      },
      switchToRpc: () => {
        throw new Error('not rpc');
      },
      switchToWs: () => {
        throw new Error('not ws');
      },
    }) as unknown as ExecutionContext;

  it('is denied on required handlers and let through on optional ones', async () => {
    const issuer = await createTestIssuer();
    const moduleRef = await Test.createTestingModule({ imports: [AuthModule.forRoot(issuer.moduleOptions())] }).compile();
    const guard = moduleRef.get(AuthGuard);
    const proto = BillingHandlers.prototype;
    await expect(guard.canActivate(contextOf('telegraf', proto.whoami))).rejects.toMatchObject({ status: 401 });
    expect(await guard.canActivate(contextOf('telegraf', proto.hello))).toBe(true);
    await moduleRef.close();
  });
});
