import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Post, type INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, generateKeyPair, importJWK, SignJWT, type CryptoKey } from 'jose';
import { Auth, AuthModule, redisRevocationStore, type RevocationStore } from 'nestjs-warden';
import { type RevokedEntry } from 'nestjs-warden/core';
import { BACKCHANNEL_LOGOUT_EVENT, BackchannelLogout, BackchannelLogoutModule, LogoutEvent, type BackchannelLogoutEvent } from 'nestjs-warden/logout';
import { createHttpApp, type AdapterName } from './support/http-app.js';
import { authorizationCodeWithPkce, discover, endSession, type ProviderMetadata } from './support/oauth-client.js';
import { API_RESOURCE, API_SCOPE, SPA_CLIENT, startOidcProvider, type OidcTestProvider } from './support/oidc-test-provider.js';
import { REDIS_SERVER, startRedis, within, type RedisProcess } from './support/redis-server.js';
import { hasSystemBinary } from './support/system-binary.js';

/**
 * OpenID Connect Back-Channel Logout end to end: oidc-provider with its `backchannelLogout` feature,
 * two API replicas (Express and Fastify) sharing a real redis-server. A user signs in (code + PKCE),
 * calls both replicas, signs out at the provider; the provider posts its logout token to replica A
 * (through a relay that keeps a copy), and both replicas refuse that session's access token within
 * 250 ms. A forged, a replayed and a nonce-bearing logout token revoke nothing.
 */

const haveRedis = hasSystemBinary(REDIS_SERVER, 'back-channel logout across replicas (Redis)');

@Controller()
class OrdersController {
  @Get('me')
  me(@Auth('userId') sub: string) {
    return { sub };
  }
}

const received: BackchannelLogoutEvent[] = [];
const audit = { record: (event: BackchannelLogoutEvent) => received.push(event) };

@Controller('auth')
export class LogoutController {
  /** The client's `backchannel_logout_uri`. The session is revoked before this runs. */
  @Post('backchannel-logout')
  @BackchannelLogout()
  logout(@LogoutEvent() event: BackchannelLogoutEvent): void {
    audit.record(event); // { iss, sid, sub, jti, iat, revoked }
  }
}

/** Forwards the provider's logout POSTs to replica A, keeping each logout token. */
async function startRelay(): Promise<{ url: string; tokens: string[]; target: { url: string }; server: Server }> {
  const relay = { tokens: [] as string[], target: { url: '' } };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      relay.tokens.push(new URLSearchParams(body).get('logout_token') ?? '');
      void fetch(relay.target.url, { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body })
        .then(async (answer) => res.writeHead(answer.status).end(await answer.text()))
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { ...relay, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/logout`, server };
}

(haveRedis ? describe : describe.skip)('back-channel logout across two replicas sharing Redis', () => {
  let redis: RedisProcess;
  let op: OidcTestProvider;
  let metadata: ProviderMetadata;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  const replicas: Record<'a' | 'b', { app: INestApplication; store: RevocationStore; url: string }> = {} as never;
  /** Every revocation replica B learned of. */
  const learned: RevokedEntry[] = [];

  async function replica(adapter: AdapterName) {
    const revocation = redisRevocationStore({ url: process.env.REDIS_URL });

    @Module({
      imports: [
        AuthModule.forRoot({ issuer: process.env.OIDC_ISSUER, audience: 'https://orders.api.example.com', typ: 'at+jwt', revocation, global: true }),
        BackchannelLogoutModule.forRoot({ audience: 'orders-spa', requireLogoutTyp: true }),
      ],
      controllers: [LogoutController, OrdersController],
    })
    class AppModule {}
    const app = await createHttpApp(adapter, { imports: [AppModule] });
    await app.listen(0, '127.0.0.1');
    return { app, store: revocation, url: `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}` };
  }

  beforeAll(async () => {
    [redis, relay] = await Promise.all([startRedis(), startRelay()]);
    op = await startOidcProvider({ backchannelLogoutUri: relay.url });
    Object.assign(process.env, { REDIS_URL: redis.url, OIDC_ISSUER: op.issuer });
    expect([API_RESOURCE, SPA_CLIENT.id]).toEqual(['https://orders.api.example.com', 'orders-spa']);
    metadata = await discover(op.issuer);
    replicas.a = await replica('express');
    replicas.b = await replica('fastify');
    relay.target.url = `${replicas.a.url}/auth/backchannel-logout`;
    replicas.b.store.onRevoked?.((entry) => learned.push(entry));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(Object.values(replicas).map((r) => r.app.close()));
    await new Promise((resolve) => relay?.server.close(resolve));
    await op?.close();
    await redis?.kill();
  });

  const status = async (which: 'a' | 'b', token: string) =>
    (await fetch(`${replicas[which].url}/me`, { headers: { authorization: `Bearer ${token}` } })).status;
  const signIn = async () => {
    const jar = new Map<string, string>();
    const tokens = await authorizationCodeWithPkce(metadata, SPA_CLIENT, { resource: API_RESOURCE, scope: API_SCOPE, login: 'alice', jar });
    return { jar, tokens, sid: decodeJwt(tokens.access_token).sid as string };
  };
  const postLogout = async (which: 'a' | 'b', token: string) => {
    const res = await fetch(`${replicas[which].url}/auth/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }),
    });
    return { status: res.status, cacheControl: res.headers.get('cache-control'), body: (await res.text()) || null };
  };
  /** A logout token for `sid`, otherwise as the provider makes them, signed with `key`. */
  const logoutToken = (key: CryptoKey, sid: string, extra: Record<string, unknown> = {}) =>
    new SignJWT({ sid, sub: 'alice', jti: `jti_${Math.random()}`, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, ...extra })
      .setProtectedHeader({ alg: 'RS256', kid: String(op.signingKey.kid), typ: 'logout+jwt' })
      .setIssuer(op.issuer)
      .setAudience(SPA_CLIENT.id)
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(key);

  it('a sign-out at the provider ends the session on both replicas within 250 ms; another session of the user goes on', async () => {
    const session = await signIn();
    const other = await signIn();
    expect(session.sid).toEqual(expect.any(String));
    expect(session.sid).not.toBe(other.sid);
    for (const which of ['a', 'b'] as const) expect(await status(which, session.tokens.access_token)).toBe(200);

    expect(await endSession(metadata, session.jar, SPA_CLIENT.id)).toBeLessThan(400);
    const delay = await within(
      250,
      async () => (await status('a', session.tokens.access_token)) === 401 && (await status('b', session.tokens.access_token)) === 401,
      'both replicas refuse the session',
    );
    process.stdout.write(`back-channel logout: both replicas refuse the session ${delay.toFixed(1)} ms after the provider answered\n`);
    expect(relay.tokens).toHaveLength(1);
    expect(received).toMatchObject([{ iss: op.issuer, sid: session.sid, sub: 'alice', revoked: { iss: op.issuer, sid: session.sid } }]);
    expect(learned).toEqual(expect.arrayContaining([{ field: 'sid', iss: op.issuer, value: session.sid }]));
    for (const which of ['a', 'b'] as const) expect(await status(which, other.tokens.access_token)).toBe(200);
  });

  it('forged, replayed and nonce-bearing logout tokens: 400, no-store, and nothing revoked on either replica', async () => {
    const session = await signIn();
    const opKey = (await importJWK(op.signingKey, 'RS256')) as CryptoKey;
    const forged = await logoutToken((await generateKeyPair('RS256')).privateKey, session.sid);
    const withNonce = await logoutToken(opKey, session.sid, { nonce: 'n-1' });
    const before = learned.length;
    const answers = [
      await postLogout('a', forged),
      await postLogout('b', relay.tokens[0]), // replayed to the other replica
      await postLogout('a', relay.tokens[0]), // and to the one that took it
      await postLogout('b', withNonce),
      await postLogout('a', session.tokens.id_token ?? ''), // an ID token is no logout token
    ];
    expect(answers.map((a) => [a.status, a.cacheControl, JSON.parse(a.body ?? '{}').error_description])).toEqual([
      [400, 'no-store', 'the logout token is invalid (token-invalid-signature)'],
      [400, 'no-store', 'this logout token was received already'],
      [400, 'no-store', 'this logout token was received already'],
      [400, 'no-store', 'a logout token carries no nonce'],
      [400, 'no-store', 'the logout token is invalid (token-invalid-claims)'],
    ]);
    expect(answers.every((a) => JSON.parse(a.body ?? '{}').error === 'invalid_request')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(learned.length).toBe(before);
    for (const which of ['a', 'b'] as const) expect(await status(which, session.tokens.access_token)).toBe(200);

    // The same token, correctly signed and without nonce: accepted once, 200 and no-store.
    const genuine = await logoutToken(opKey, session.sid);
    expect(await postLogout('b', genuine)).toEqual({ status: 200, cacheControl: 'no-store', body: null });
    expect((await postLogout('a', genuine)).status).toBe(400);
    await within(250, async () => (await status('a', session.tokens.access_token)) === 401, 'the session ends on A');
  });
});
