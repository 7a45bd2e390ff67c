import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { AuthModule } from 'nestjs-warden';
import * as oauth from 'oauth4webapi';
import { SenderConstrainedController } from './support/dpop-app.js';
import {
  INTROSPECTING_CLIENT,
  OPAQUE_API,
  OPAQUE_CLIENT,
  OPAQUE_SCOPE,
  startIntrospectionProvider,
  type IntrospectionProvider,
} from './support/oidc-introspection-provider.js';

/**
 * Opaque DPoP-bound tokens: oidc-provider issues an opaque access token bound to the client's key;
 * its RFC 7662 introspection answer carries the binding (`cnf.jkt`), which the API enforces exactly
 * as a JWT's: accepted with oauth4webapi's proofs, refused as a bearer token or with another key.
 */
let op: IntrospectionProvider;
let app: INestApplication;
let url: string;
let token: string;
const client: oauth.Client = { client_id: OPAQUE_CLIENT.id };
let keyPair: oauth.CryptoKeyPair;

beforeAll(async () => {
  op = await startIntrospectionProvider();
  const as = await oauth.processDiscoveryResponse(
    new URL(op.issuer),
    await oauth.discoveryRequest(new URL(op.issuer), { algorithm: 'oidc', [oauth.allowInsecureRequests]: true }),
  );
  keyPair = await oauth.generateKeyPair('ES256');
  const response = await oauth.clientCredentialsGrantRequest(
    as,
    client,
    oauth.ClientSecretBasic(OPAQUE_CLIENT.secret),
    { resource: OPAQUE_API, scope: OPAQUE_SCOPE },
    {
      DPoP: oauth.DPoP(client, keyPair),
      [oauth.allowInsecureRequests]: true,
    },
  );
  token = (await oauth.processClientCredentialsResponse(as, client, response)).access_token;
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthModule.forRoot({
        issuer: op.issuer,
        audience: OPAQUE_API,
        introspection: { clientId: INTROSPECTING_CLIENT.id, clientSecret: INTROSPECTING_CLIENT.secret },
        acceptsToken: 'any',
        dpop: 'allowed',
        debug: true,
        global: true,
      }),
    ],
    controllers: [SenderConstrainedController],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
});
afterAll(async () => {
  await app?.close();
  await op?.close();
});

it('the token is opaque', () => {
  expect(token.split('.')).toHaveLength(1);
});

it('accepted with its proofs; the binding comes from the introspection answer', async () => {
  const DPoP = oauth.DPoP(client, keyPair);
  for (let i = 0; i < 2; i += 1) {
    const res = await oauth.protectedResourceRequest(token, 'GET', new URL(`${url}/orders`), new Headers(), null, {
      DPoP,
      [oauth.allowInsecureRequests]: true,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ isAuthenticated: true, subject: OPAQUE_CLIENT.id, binding: { type: 'dpop', jkt: await DPoP.calculateThumbprint() } });
  }
});

it('refused as a bearer token, and with another key', async () => {
  const bearer = await fetch(`${url}/orders`, { headers: { authorization: `Bearer ${token}` } });
  expect(bearer.status).toBe(401);
  expect(((await bearer.json()) as { reason: string }).reason).toBe('dpop-bound-token-as-bearer');
  let error: unknown;
  try {
    await oauth.protectedResourceRequest(token, 'GET', new URL(`${url}/orders`), new Headers(), null, {
      DPoP: oauth.DPoP(client, await oauth.generateKeyPair('ES256')),
      [oauth.allowInsecureRequests]: true,
    });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
  expect((error as oauth.WWWAuthenticateChallengeError).response.status).toBe(401);
});
