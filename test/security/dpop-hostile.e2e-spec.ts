import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createDpopKey, createTestIssuer, type TestDpopKey, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { startSenderConstrainedApp } from '../support/dpop-app.js';
import { ADAPTERS } from '../support/http-app.js';

/**
 * The DPoP hostile cases of docs/security.md (RFC 9449 section 11 and the attacks around it), each
 * refused with its reason on Express and Fastify; numbers are the catalogue's (D1 to D14).
 */
describe.each(ADAPTERS)('DPoP hostile inputs (%s)', (adapter) => {
  let issuer: TestIssuer;
  let key: TestDpopKey;
  let app: INestApplication;
  let url: string;
  let nonceApp: INestApplication;
  let nonceUrl: string;
  let bound: string;
  let outbound = 0;
  let trap: Server;
  let trapUrl: string;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    key = await createDpopKey();
    bound = await issuer.sign({ sub: 'victim', cnf: key.cnf });
    ({ app, url } = await startSenderConstrainedApp(adapter, issuer, { dpop: 'allowed' }));
    ({ app: nonceApp, url: nonceUrl } = await startSenderConstrainedApp(adapter, issuer, {
      dpop: 'allowed',
      dpopProof: { nonce: { secret: 's'.repeat(32), rotationInMs: 60_000 } },
    }));
    trap = createServer((_req, res) => {
      outbound += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapUrl = `http://127.0.0.1:${(trap.address() as { port: number }).port}/jwks.json`;
  });
  afterAll(async () => {
    await Promise.all([app?.close(), nonceApp?.close()]);
    trap?.closeAllConnections();
    await new Promise((resolve) => trap?.close(resolve));
  });

  const orders = (headers: Record<string, string>, base = url) => request(base).get('/orders').set(headers);
  const reasonOf = async (headers: Record<string, string>, base = url) => {
    const res = await orders(headers, base);
    expect(res.status).toBe(401);
    return res.body.reason as string;
  };

  it('D1 a stolen bound token sent as Bearer (downgrade) is refused', async () => {
    expect(await reasonOf({ authorization: `Bearer ${bound}` })).toBe('dpop-bound-token-as-bearer');
  });

  it("D2 a stolen bound token with the thief's own key and proof is refused", async () => {
    const thief = await createDpopKey();
    expect(await reasonOf(await thief.headers(bound, { method: 'GET', url: `${url}/orders` }))).toBe('dpop-key-mismatch');
  });

  it('D3 a captured proof replayed (same request, same token) is refused', async () => {
    const headers = await key.headers(bound, { method: 'GET', url: `${url}/orders` });
    await orders(headers).expect(200);
    expect(await reasonOf(headers)).toBe('dpop-proof-replayed');
  });

  it('D4 a captured proof used for another method, path, host, scheme or port is refused', async () => {
    const target = new URL(`${url}/orders`);
    const others = [
      { method: 'DELETE', url: target.href },
      { method: 'get', url: target.href },
      { method: 'GET', url: `${url}/admin` },
      { method: 'GET', url: target.href.replace('127.0.0.1', 'localhost') },
      { method: 'GET', url: target.href.replace('http:', 'https:') },
      { method: 'GET', url: target.href.replace(`:${target.port}`, `:${Number(target.port) + 1}`) },
    ];
    for (const other of others)
      expect(await reasonOf({ authorization: `DPoP ${bound}`, dpop: await key.proof({ ...other, accessToken: bound }) })).toBe('dpop-proof-mismatch');
  });

  it('D5 signed token swapping: a proof made for another token of the same key is refused (ath)', async () => {
    const other = await issuer.sign({ sub: 'victim', cnf: key.cnf, scope: 'small' });
    const proof = await key.proof({ method: 'GET', url: `${url}/orders`, accessToken: other });
    expect(await reasonOf({ authorization: `DPoP ${bound}`, dpop: proof })).toBe('dpop-proof-mismatch');
  });

  it('D6 a proof pre-generated for later (iat ahead) or kept too long (iat behind) is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const iat of [now + 3600, now - 3600]) {
      expect(await reasonOf({ authorization: `DPoP ${bound}`, dpop: await key.proof({ method: 'GET', url: `${url}/orders`, accessToken: bound, iat }) })).toBe(
        'dpop-proof-stale',
      );
    }
  });

  it('D7 where nonces are required, a proof without one, with a made-up one or with a stale one is refused (no nonce downgrade)', async () => {
    for (const nonce of [undefined, 'made-up', `0.${'A'.repeat(22)}`]) {
      const res = await orders(
        { authorization: `DPoP ${bound}`, dpop: await key.proof({ method: 'GET', url: `${nonceUrl}/orders`, accessToken: bound, nonce }) },
        nonceUrl,
      ).expect(401);
      expect(res.body.reason).toBe('dpop-nonce-required');
      expect(res.headers['dpop-nonce']).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    }
  });

  it('D8 alg none, HS256 and a proof signed by another key than its jwk header are refused', async () => {
    const payload = { jti: 'x', htm: 'GET', htu: `${url}/orders`, iat: Math.floor(Date.now() / 1000) };
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: key.publicJwk })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
    const hs = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.publicJwk }).sign(new Uint8Array(32));
    const other = await createDpopKey();
    const mixed = await new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk }).sign(other.privateKey);
    for (const proof of [none, hs, mixed]) expect(await reasonOf({ authorization: `DPoP ${bound}`, dpop: proof })).toBe('dpop-proof-invalid');
  });

  it('D9 a private key in the jwk header is refused', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const proof = await new SignJWT({ jti: 'x', htm: 'GET', htu: `${url}/orders`, iat: Math.floor(Date.now() / 1000) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: privateJwk })
      .sign(privateKey);
    expect(await reasonOf({ authorization: `DPoP ${bound}`, dpop: proof })).toBe('dpop-proof-invalid');
  });

  it('D10 jku, x5u and x5c in a proof header are never followed: zero outbound requests', async () => {
    outbound = 0;
    for (const header of [{ jku: trapUrl }, { x5u: trapUrl }, { x5c: ['MIIB'] }]) {
      const proof = await key.proof({ method: 'GET', url: `${url}/orders`, accessToken: bound, header });
      // The proof is still made by the key the token is bound to: the extra header changes nothing.
      await orders({ authorization: `DPoP ${bound}`, dpop: proof }).expect(200);
    }
    expect(outbound).toBe(0);
  });

  it('D11 a proof typed JWT (another kind of JWT passed off as a proof) is refused', async () => {
    expect(
      await reasonOf({
        authorization: `DPoP ${bound}`,
        dpop: await key.proof({ method: 'GET', url: `${url}/orders`, accessToken: bound, header: { typ: 'JWT' } }),
      }),
    ).toBe('dpop-proof-invalid');
  });

  it('D12 two proofs in one request, an oversized proof and garbage are refused without a 500', async () => {
    const a = await key.proof({ method: 'GET', url: `${url}/orders`, accessToken: bound });
    for (const dpop of [`${a},${a}`, 'x'.repeat(9000), '%%%', 'a.b.c', '{}'])
      expect(await reasonOf({ authorization: `DPoP ${bound}`, dpop })).toMatch(/^dpop-proof-(invalid|missing)$/);
  });

  it('D13 an unbound token sent under DPoP is refused (a proof cannot bind a bearer token after the fact)', async () => {
    const plain = await issuer.sign({ sub: 'someone' });
    expect(await reasonOf(await key.headers(plain, { method: 'GET', url: `${url}/orders` }))).toBe('dpop-key-mismatch');
  });

  it('D14 a token bound by a confirmation method that cannot be checked (cnf.jwk, a malformed jkt) is refused, not taken as bearer', async () => {
    for (const cnf of [{ jwk: key.publicJwk }, { jkt: 42 }, { jkt: `${key.jkt}=` }, 'x']) {
      expect(await reasonOf({ authorization: `Bearer ${await issuer.sign({ sub: 'x', cnf })}` })).toBe('token-invalid-claims');
    }
  });
});
