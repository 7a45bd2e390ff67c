import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { decodeJwt } from 'jose';
import { AuthModule, redisReplayStore, type AuthModuleOptions } from 'nestjs-warden';
import * as oauth from 'oauth4webapi';
import { SenderConstrainedController } from './support/dpop-app.js';
import { API_RESOURCE, API_SCOPE, SERVICE_CLIENT, startOidcProvider, type OidcTestProvider } from './support/oidc-test-provider.js';
import { REDIS_SERVER, startRedis, type RedisProcess } from './support/redis-server.js';
import { hasSystemBinary } from './support/system-binary.js';

const haveRedis = hasSystemBinary(REDIS_SERVER, 'DPoP with oidc-provider and oauth4webapi (Redis)');

/**
 * Real clients end to end: oidc-provider (its `dPoP` feature) issues DPoP-bound JWT access tokens to
 * a client that makes its proofs with oauth4webapi (panva's client library); the client calls Nest
 * apps that know only the issuer and the audience. The proofs the client made are then taken apart
 * (captured before sending) to send them for another method or URL, again, late, or without them.
 */
(haveRedis ? describe : describe.skip)('DPoP: oidc-provider -> oauth4webapi -> Nest', () => {
  let op: OidcTestProvider;
  let redis: RedisProcess;
  let as: oauth.AuthorizationServer;
  const client: oauth.Client = { client_id: SERVICE_CLIENT.id };
  let keyPair: oauth.CryptoKeyPair;
  let token: string;
  const apps: INestApplication[] = [];
  const clients: Redis[] = [];
  let replicas: string[];
  let nonceApp: string;
  /** The API's public origin: both replicas answer for it, behind a "load balancer" (a custom fetch). */
  const PUBLIC = 'https://orders.api.example.com';
  const balancer =
    (replica: number): typeof fetch =>
    (url, init) =>
      fetch((url instanceof Request ? url.url : url.toString()).replace(PUBLIC, replicas[replica]), init);

  async function start(options: Partial<AuthModuleOptions>): Promise<string> {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ issuer: op.issuer, audience: API_RESOURCE, acceptsToken: 'any', debug: true, dpop: 'allowed', ...options, global: true })],
      controllers: [SenderConstrainedController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    return `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }

  const sharedStore = () => {
    const redisClient = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    redisClient.on('error', () => undefined);
    clients.push(redisClient);
    return redisReplayStore({ client: redisClient, keyPrefix: 'op-e2e:' });
  };

  /** The headers oauth4webapi sends for a request, captured instead of sent. */
  async function captured(method: string, url: string, dpop = oauth.DPoP(client, keyPair)): Promise<Record<string, string>> {
    let headers: Record<string, string> = {};
    await oauth.protectedResourceRequest(token, method, new URL(url), new Headers(), null, {
      DPoP: dpop,
      [oauth.allowInsecureRequests]: true,
      [oauth.customFetch]: async (_url, init) => {
        headers = Object.fromEntries(new Headers(init.headers as ConstructorParameters<typeof Headers>[0]).entries());
        return new Response('{}', { status: 200 });
      },
    });
    return headers;
  }

  async function send(url: string, method: string, headers: Record<string, string>): Promise<{ status: number; reason?: string; challenge: string | null }> {
    const res = await fetch(url, { method, headers });
    const body = (await res.json().catch(() => ({}))) as { reason?: string };
    return { status: res.status, reason: body.reason, challenge: res.headers.get('www-authenticate') };
  }

  beforeAll(async () => {
    op = await startOidcProvider();
    redis = await startRedis();
    as = await oauth.processDiscoveryResponse(
      new URL(op.issuer),
      await oauth.discoveryRequest(new URL(op.issuer), { algorithm: 'oidc', [oauth.allowInsecureRequests]: true }),
    );
    keyPair = await oauth.generateKeyPair('ES256');
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(SERVICE_CLIENT.secret),
      { resource: API_RESOURCE, scope: API_SCOPE },
      {
        DPoP: oauth.DPoP(client, keyPair),
        [oauth.allowInsecureRequests]: true,
      },
    );
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    expect(result.token_type).toBe('dpop');
    token = result.access_token;
    replicas = [
      await start({ dpopProof: { publicOrigin: PUBLIC, replayStore: sharedStore() } }),
      await start({ dpopProof: { publicOrigin: PUBLIC, replayStore: sharedStore() } }),
    ];
    nonceApp = await start({ dpopProof: { nonce: { secret: 'a nonce secret shared by every replica', rotationInMs: 60_000 } } });
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    for (const c of clients) c.disconnect();
    await Promise.all([op?.close(), redis?.kill()]);
  });

  it('the provider binds the access token to the client key (cnf.jkt)', async () => {
    const jkt = await oauth.DPoP(client, keyPair).calculateThumbprint();
    expect(decodeJwt(token)).toMatchObject({ iss: op.issuer, aud: API_RESOURCE, cnf: { jkt } });
  });

  it('oauth4webapi calls the API with the token and its proofs, through either replica: accepted, the binding on the auth object', async () => {
    const DPoP = oauth.DPoP(client, keyPair);
    for (const replica of [0, 1]) {
      const res = await oauth.protectedResourceRequest(token, 'GET', new URL(`${PUBLIC}/orders`), new Headers(), null, {
        DPoP,
        [oauth.customFetch]: balancer(replica),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ isAuthenticated: true, subject: SERVICE_CLIENT.id, binding: { type: 'dpop', jkt: await DPoP.calculateThumbprint() } });
    }
    const post = await oauth.protectedResourceRequest(token, 'POST', new URL(`${PUBLIC}/orders`), new Headers(), null, {
      DPoP,
      [oauth.customFetch]: balancer(1),
    });
    expect(post.status).toBe(201);
  });

  it('a proof of another method, of another URL, or of another key is refused', async () => {
    const url = `${replicas[0]}/orders`;
    expect(await send(url, 'GET', await captured('POST', `${PUBLIC}/orders`))).toMatchObject({ status: 401, reason: 'dpop-proof-mismatch' });
    expect(await send(url, 'GET', await captured('GET', `${PUBLIC}/invoices`))).toMatchObject({ status: 401, reason: 'dpop-proof-mismatch' });
    // The replica's own address is not the public URL the proofs must name.
    expect(await send(url, 'GET', await captured('GET', url))).toMatchObject({ status: 401, reason: 'dpop-proof-mismatch' });
    const otherKey = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const refused = await send(url, 'GET', await captured('GET', `${PUBLIC}/orders`, otherKey));
    expect(refused).toMatchObject({ status: 401, reason: 'dpop-key-mismatch' });
    expect(refused.challenge).toMatch(/^Bearer realm="api", DPoP realm="api", algs="[^"]+", error="invalid_token"/);
  });

  it('a proof replayed to the second replica (sharing redis-server) is refused', async () => {
    const headers = await captured('GET', `${PUBLIC}/orders`);
    expect((await send(`${replicas[0]}/orders`, 'GET', headers)).status).toBe(200);
    expect(await send(`${replicas[1]}/orders`, 'GET', headers)).toMatchObject({ status: 401, reason: 'dpop-proof-replayed' });
    expect(await send(`${replicas[0]}/orders`, 'GET', headers)).toMatchObject({ status: 401, reason: 'dpop-proof-replayed' });
  });

  it('a proof with a stale iat (the client clock 10 minutes behind) is refused', async () => {
    const lateClient: oauth.Client = { ...client, [oauth.clockSkew]: -600 };
    const headers = await captured('GET', `${PUBLIC}/orders`, oauth.DPoP(lateClient, keyPair));
    expect(await send(`${replicas[0]}/orders`, 'GET', headers)).toMatchObject({ status: 401, reason: 'dpop-proof-stale' });
  });

  it('the bound token as a bearer token is refused (no downgrade)', async () => {
    const res = await send(`${replicas[0]}/orders`, 'GET', { authorization: `Bearer ${token}` });
    expect(res).toMatchObject({ status: 401, reason: 'dpop-bound-token-as-bearer' });
    expect(res.challenge).toMatch(/^Bearer realm="api", error="invalid_token", error_description="dpop-bound-token-as-bearer", DPoP realm="api", algs="/);
  });

  it('where the server requires a nonce: use_dpop_nonce with DPoP-Nonce, which oauth4webapi retries with', async () => {
    const DPoP = oauth.DPoP(client, keyPair);
    const url = new URL(`${nonceApp}/orders`);
    const missing = await send(url.href, 'GET', await captured('GET', url.href));
    expect(missing).toMatchObject({ status: 401, reason: 'dpop-nonce-required' });
    expect(missing.challenge).toMatch(/error="use_dpop_nonce"/);
    let error: unknown;
    try {
      await oauth.protectedResourceRequest(token, 'GET', url, new Headers(), null, { DPoP, [oauth.allowInsecureRequests]: true });
    } catch (e) {
      error = e;
    }
    expect(oauth.isDPoPNonceError(error)).toBe(true);
    const retried = await oauth.protectedResourceRequest(token, 'GET', url, new Headers(), null, { DPoP, [oauth.allowInsecureRequests]: true });
    expect(retried.status).toBe(200);
  });
});
