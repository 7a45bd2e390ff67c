import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createDpopKey, createTestAuth, createTestIssuer, type TestDpopKey, type TestIssuer } from 'nestjs-warden/testing';
import { Test } from '@nestjs/testing';
import { AuthModule } from 'nestjs-warden';
import request from 'supertest';
import { SenderConstrainedController, startSenderConstrainedApp } from './support/dpop-app.js';
import { ADAPTERS } from './support/http-app.js';

/**
 * DPoP (RFC 9449) through a real Nest app on Express and Fastify: a token bound to the client's key
 * (`cnf.jkt`) is accepted with a fresh proof of each request, and refused with a proof of another
 * request, another key, an old one, a replayed one, none, or as a bearer token; the challenges of
 * RFC 9449 section 7.1.
 */
const ALGS = 'ES256 ES384 ES512 EdDSA Ed25519 PS256 PS384 PS512 RS256 RS384 RS512';

describe.each(ADAPTERS)('DPoP (%s)', (adapter) => {
  let issuer: TestIssuer;
  let key: TestDpopKey;
  let app: INestApplication;
  let url: string;
  let bound: string;
  const seenCacheHits: boolean[] = [];

  beforeAll(async () => {
    issuer = await createTestIssuer();
    key = await createDpopKey();
    bound = await issuer.sign({ sub: 'user_dpop', cnf: key.cnf });
    ({ app, url } = await startSenderConstrainedApp(adapter, issuer, {
      dpop: 'allowed',
      onAuthenticated: (_auth, event) => void seenCacheHits.push(event.cacheHit),
    }));
  });
  afterAll(async () => {
    await app?.close();
  });

  const get = (path: string, headers: Record<string, string>) => request(url).get(path).set(headers);

  it('accepts a bound token with a proof of the request; the auth object names the binding', async () => {
    const res = await get('/orders', await key.headers(bound, { method: 'GET', url: `${url}/orders` })).expect(200);
    expect(res.body).toEqual({ isAuthenticated: true, subject: 'user_dpop', binding: { type: 'dpop', jkt: key.jkt } });
    const post = await request(url)
      .post('/orders')
      .set(await key.headers(bound, { method: 'POST', url: `${url}/orders` }))
      .expect(201);
    expect(post.body.binding).toEqual({ type: 'dpop', jkt: key.jkt });
  });

  it('keeps the bound token verified in the cache; only the proof is new per request', async () => {
    seenCacheHits.length = 0;
    for (let i = 0; i < 3; i += 1) await get('/orders', await key.headers(bound, { method: 'GET', url: `${url}/orders` })).expect(200);
    expect(seenCacheHits).toEqual([true, true, true]);
  });

  it('ignores the query string, and takes the htu in any normalised form', async () => {
    const proof = await key.proof({ method: 'GET', url: `${url.replace('http', 'HTTP')}/orders`, accessToken: bound });
    await request(url)
      .get('/orders?page=2')
      .set({ authorization: `DPoP ${bound}`, dpop: proof })
      .expect(200);
  });

  it.each([
    ['a proof of another method', { method: 'POST' }, 'dpop-proof-mismatch', 'invalid_dpop_proof'],
    ['a proof of another URL', { url: '/invoices' }, 'dpop-proof-mismatch', 'invalid_dpop_proof'],
    ['a proof of another host', { url: 'http://api.example.com/orders' }, 'dpop-proof-mismatch', 'invalid_dpop_proof'],
    ['a proof for another token', { accessToken: 'other.token.x' }, 'dpop-proof-mismatch', 'invalid_dpop_proof'],
    ['a proof made 10 minutes ago', { iat: Math.floor(Date.now() / 1000) - 600 }, 'dpop-proof-stale', 'invalid_dpop_proof'],
    ['a proof from 1 minute in the future', { iat: Math.floor(Date.now() / 1000) + 60 }, 'dpop-proof-stale', 'invalid_dpop_proof'],
  ])('refuses %s', async (_name, change, reason, code) => {
    const target = (change as { url?: string }).url ?? '/orders';
    const proof = await key.proof({
      method: 'GET',
      url: target.startsWith('http') ? target : `${url}${target}`,
      accessToken: bound,
      ...change,
      ...('url' in change ? { url: target.startsWith('http') ? target : `${url}${target}` } : {}),
    });
    const res = await get('/orders', { authorization: `DPoP ${bound}`, dpop: proof }).expect(401);
    expect(res.body.reason).toBe(reason);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="api", DPoP realm="api", algs="${ALGS}", error="${code}", error_description="${reason}"`);
  });

  it('refuses a proof signed by another key (401 dpop-key-mismatch)', async () => {
    const other = await createDpopKey();
    const res = await get('/orders', await other.headers(bound, { method: 'GET', url: `${url}/orders` })).expect(401);
    expect(res.body.reason).toBe('dpop-key-mismatch');
  });

  it('accepts a proof once: the same proof again is a replay (401 dpop-proof-replayed)', async () => {
    const headers = await key.headers(bound, { method: 'GET', url: `${url}/orders` });
    await get('/orders', headers).expect(200);
    const res = await get('/orders', headers).expect(401);
    expect(res.body.reason).toBe('dpop-proof-replayed');
  });

  it('refuses DPoP without a proof, and with two', async () => {
    expect((await get('/orders', { authorization: `DPoP ${bound}` }).expect(401)).body.reason).toBe('dpop-proof-missing');
    const [a, b] = await Promise.all([1, 2].map(() => key.proof({ method: 'GET', url: `${url}/orders`, accessToken: bound })));
    expect((await get('/orders', { authorization: `DPoP ${bound}`, dpop: `${a}, ${b}` }).expect(401)).body.reason).toBe('dpop-proof-invalid');
  });

  it('never downgrades: the bound token as a bearer token is refused, with both challenges', async () => {
    const res = await get('/orders', { authorization: `Bearer ${bound}` }).expect(401);
    expect(res.body.reason).toBe('dpop-bound-token-as-bearer');
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="api", error="invalid_token", error_description="dpop-bound-token-as-bearer", DPoP realm="api", algs="${ALGS}"`,
    );
  });

  it('takes an unbound token as a bearer token, and refuses it under DPoP', async () => {
    const plain = await issuer.sign({ sub: 'user_plain' });
    const res = await get('/orders', { authorization: `Bearer ${plain}` }).expect(200);
    expect(res.body).toEqual({ isAuthenticated: true, subject: 'user_plain', binding: null });
    expect((await get('/orders', await key.headers(plain, { method: 'GET', url: `${url}/orders` })).expect(401)).body.reason).toBe('dpop-key-mismatch');
  });

  it("dpop: 'required' on a route: a bearer token is an unsupported scheme there (DPoP challenge, no error code)", async () => {
    const plain = await issuer.sign({ sub: 'user_plain' });
    const res = await get('/dpop-only', { authorization: `Bearer ${plain}` }).expect(401);
    expect(res.body.reason).toBe('dpop-required');
    expect(res.headers['www-authenticate']).toBe(`DPoP realm="api", algs="${ALGS}"`);
    await get('/dpop-only', await key.headers(bound, { method: 'GET', url: `${url}/dpop-only` })).expect(200);
  });

  it("dpop: 'off' on a route: a DPoP-bound token is refused there, a bearer token taken", async () => {
    const res = await get('/no-dpop', await key.headers(bound, { method: 'GET', url: `${url}/no-dpop` })).expect(401);
    expect(res.body.reason).toBe('dpop-not-allowed');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    await get('/no-dpop', { authorization: `Bearer ${await issuer.sign({ sub: 'u' })}` }).expect(200);
  });

  it("@OptionalAuth({ dpop: 'required' }): a bearer token is seen as signed out, a bound one with its proof signed in", async () => {
    const plain = await issuer.sign({ sub: 'user_plain' });
    expect((await get('/optional', { authorization: `Bearer ${plain}` }).expect(200)).body.isAuthenticated).toBe(false);
    expect((await get('/optional', await key.headers(bound, { method: 'GET', url: `${url}/optional` })).expect(200)).body.isAuthenticated).toBe(true);
  });
});

describe.each(ADAPTERS)('DPoP off, the default (%s)', (adapter) => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    ({ app, url } = await startSenderConstrainedApp(adapter, issuer, {}));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses a DPoP-bound token whichever way it is sent; the challenge stays Bearer alone', async () => {
    const key = await createDpopKey();
    const bound = await issuer.sign({ sub: 'u', cnf: key.cnf });
    const asBearer = await request(url)
      .get('/orders')
      .set({ authorization: `Bearer ${bound}` })
      .expect(401);
    expect(asBearer.body.reason).toBe('dpop-bound-token-as-bearer');
    expect(asBearer.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="dpop-bound-token-as-bearer"');
    const asDpop = await request(url)
      .get('/orders')
      .set(await key.headers(bound, { method: 'GET', url: `${url}/orders` }))
      .expect(401);
    expect(asDpop.body.reason).toBe('dpop-not-allowed');
    expect(asDpop.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('refuses a token whose cnf binds it to something it cannot check', async () => {
    const res = await request(url)
      .get('/orders')
      .set({ authorization: `Bearer ${await issuer.sign({ sub: 'u', cnf: { jwk: { kty: 'EC' } } })}` })
      .expect(401);
    expect(res.body.reason).toBe('token-invalid-claims');
  });
});

describe('the testing kit, as docs/sender-constrained.md shows it', () => {
  let app: INestApplication;
  afterAll(async () => {
    await app?.close();
  });

  it('signs a DPoP-bound token and makes the proof of a request', async () => {
    let url = '';
    const start = async (issuer: TestIssuer) => {
      ({ app, url } = await startSenderConstrainedApp('express', issuer, { dpop: 'allowed' }));
    };
    const issuer = await createTestIssuer();
    await start(issuer); // AuthModule.forRoot(issuer.moduleOptions({ dpop: 'allowed', global: true })), listening
    const key = await createDpopKey(); // ES256 unless { alg } says otherwise
    const token = await issuer.sign({ sub: 'user_1', cnf: key.cnf });
    await request(url)
      .get('/orders')
      .set(await key.headers(token, { method: 'GET', url: `${url}/orders` }))
      .expect(200);
  });
});

describe("createTestAuth() keeps the app's DPoP mode", () => {
  it('its bearer tokens sign in where DPoP is allowed, and are refused where it is required', async () => {
    const issuer = await createTestIssuer();
    const testAuth = createTestAuth();
    const moduleRef = await testAuth
      .override(
        Test.createTestingModule({
          imports: [AuthModule.forRoot(issuer.moduleOptions({ dpop: 'allowed', global: true }))],
          controllers: [SenderConstrainedController],
        }),
      )
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const headers = await testAuth.headers({ sub: 'user_kit' });
      await request(app.getHttpServer()).get('/orders').set(headers).expect(200);
      await request(app.getHttpServer()).get('/dpop-only').set(headers).expect(401);
    } finally {
      await app.close();
    }
  });
});
