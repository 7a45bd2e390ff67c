import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, type INestMicroservice } from '@nestjs/common';
import { MessagePattern, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Auth, AuthModule, memoryRevocationStore, RequireAuth, type AuthModuleOptions, type RevocationStore } from 'nestjs-warden';
import { RevocationUnavailableError } from 'nestjs-warden/core';
import { createTestIssuer } from 'nestjs-warden/testing';
import { firstValueFrom } from 'rxjs';
import { ADAPTERS } from './support/http-app.js';
import { useSecurityFixtures } from './support/security-fixture.js';
import { connectWsClient, createWsApp, WS_ADAPTERS } from './support/ws-app.js';
import { startTcpMicroservice } from './support/tcp-microservice.js';

const failing = (): boolean => {
  throw new Error('deny-list down at redis://secret-host:6379');
};
const hanging = (): Promise<boolean> => new Promise<boolean>(() => undefined);

describe.each(ADAPTERS)('isRevoked fails closed on %s', (adapter) => {
  const { fixture } = useSecurityFixtures(adapter);

  it.each([1, { revokedAt: 1 }, [{ sid: 'sess_1' }]])('a truthy answer (%p) refuses with 401', async (answer) => {
    const f = await fixture({ isRevoked: () => answer, debug: true });
    const res = await f.get(await f.sign({ sid: 'sess_1' }));
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('token-revoked');
  });

  it.each([
    ['throws', { isRevoked: failing }],
    ['never answers', { isRevoked: hanging, revocationTimeoutInMs: 50 }],
  ])('a hook that %s answers 503 with Retry-After, never 401, nothing leaked', async (_label, extra) => {
    const f = await fixture({ ...(extra as Partial<AuthModuleOptions>), debug: true });
    const res = await f.get(await f.sign());
    expect(res.status).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.body.reason).toBe('revocation-unavailable');
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.text).not.toContain('secret-host');
  });

  it('without a token the hook is never asked: signed out, 401', async () => {
    const f = await fixture({ isRevoked: failing });
    expect((await f.get(null)).status).toBe(401);
  });
});

@Controller()
class RevocationProbeHandlers {
  @RequireAuth()
  @MessagePattern('whoami')
  whoami(): string {
    return 'ok';
  }
}

describe('isRevoked fails closed over RPC (TCP on 127.0.0.1)', () => {
  let service: INestMicroservice;
  let client: ClientProxy;
  let token: string;

  beforeAll(async () => {
    const issuer = await createTestIssuer();
    token = await issuer.sign();
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true, isRevoked: failing }))],
      controllers: [RevocationProbeHandlers],
    }).compile();
    ({ service, client } = await startTcpMicroservice(moduleRef));
  });
  afterAll(async () => {
    await client?.close();
    await service?.close();
  });

  it('the caller gets the 503 payload with retryAfter, as for unavailable keys', async () => {
    const error = await firstValueFrom(client.send<string>('whoami', { authorization: token })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect((error as { retryAfter: number }).retryAfter).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(error)).not.toContain('secret-host');
  });
});

@WebSocketGateway()
class RevocationGateway {
  @RequireAuth()
  @SubscribeMessage('whoami')
  whoami(@Auth('userId') userId: string) {
    return { event: 'reply', data: userId };
  }
}

describe.each(WS_ADAPTERS)('a revocation store on a live WebSocket (%s)', (adapter) => {
  it('each message asks the store: revoked mid-connection is 401, unavailable is 503 with retryAfter', async () => {
    const issuer = await createTestIssuer();
    const memory = memoryRevocationStore();
    let down = false;
    const store: RevocationStore = {
      revoke: (target) => memory.revoke(target),
      isRevoked: (claims) => {
        if (down) throw new RevocationUnavailableError('away', 4);
        return memory.isRevoked(claims);
      },
    };
    const { app, port } = await createWsApp(adapter, {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true, revocation: store }))],
      providers: [RevocationGateway],
    });
    const client = await connectWsClient(adapter, port, { headers: { authorization: `Bearer ${await issuer.sign({ sub: 'user_ws', sid: 'sess_ws' })}` } });
    try {
      expect(await client.call('whoami')).toEqual({ reply: 'user_ws' });
      down = true;
      expect(await client.call('whoami')).toEqual({ exception: expect.objectContaining({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: 4 }) });
      down = false;
      await store.revoke({ sid: 'sess_ws' });
      expect(await client.call('whoami')).toEqual({ exception: expect.objectContaining({ statusCode: 401 }) });
    } finally {
      client.close();
      await app.close();
    }
  });
});
