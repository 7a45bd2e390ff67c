import { afterAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { AuthErrorReason } from 'nestjs-warden';
import { createTestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { ADAPTERS } from '../support/http-app.js';
import { startJwksServer } from '../support/jwks-server.js';
import { expectHygiene } from '../support/response-hygiene.js';
import { createSecurityApp } from '../support/security-app.js';
import { b64u, claimsAt, forge } from '../support/token-forge.js';

/** Catalogue tokens #10, #11 (secret mode), #14 (ES256) and #15 (weak RSA): each needs its own key source. */
const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const stranger = createTestIssuer({ issuer: 'https://issuer.test', kid: 'key-1' });
const esIssuer = createTestIssuer({ issuer: 'https://issuer.test', alg: 'ES256', kid: 'es-1' });

describe.each(ADAPTERS)('hostile tokens needing their own key source on %s', (adapter) => {
  const apps: INestApplication[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });
  const boot = async (options: Parameters<typeof createSecurityApp>[1]) => {
    const app = await createSecurityApp(adapter, { debug: true, ...options });
    apps.push(app);
    return app;
  };
  const get = async (app: INestApplication, token: string) => {
    const res = await request(app.getHttpServer()).get('/private').set('authorization', `Bearer ${token}`);
    expectHygiene(res, token);
    return res;
  };

  it('token #10: secret mode receiving RS256 / ES256 tokens', async () => {
    const app = await boot({ secret: SECRET, issuer: 'https://issuer.test' });
    expect((await get(app, forge({ alg: 'HS256', typ: 'JWT' }, claimsAt(Date.now()), { alg: 'HS256', secret: SECRET }))).status).toBe(200);
    const rsa = await stranger;
    for (const token of [await rsa.sign({}), await (await esIssuer).sign({})]) {
      const res = await get(app, token);
      expect(res.status).toBe(401);
      expect(res.body.reason).toBe(AuthErrorReason.TokenInvalidAlgorithm);
    }
  });

  it('token #11: HS384 against an HS256 secret', async () => {
    const app = await boot({ secret: SECRET, issuer: 'https://issuer.test' });
    const res = await get(app, forge({ alg: 'HS384', typ: 'JWT' }, claimsAt(Date.now()), { alg: 'HS384', secret: SECRET }));
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe(AuthErrorReason.TokenInvalidAlgorithm);
  });

  it('token #14: ES256 signature DER-encoded, or r = s = 0', async () => {
    const es = await esIssuer;
    const app = await boot(es.moduleOptions());
    const header = { alg: 'ES256', kid: 'es-1', typ: 'JWT' };
    expect((await get(app, forge(header, claimsAt(Date.now()), { alg: 'ES256', key: es.privateKey }))).status).toBe(200);
    const der = await get(app, forge(header, claimsAt(Date.now()), { alg: 'ES256', key: es.privateKey, der: true }));
    expect(der.status).toBe(401);
    const psychic = await get(app, forge(header, claimsAt(Date.now()), { signature: b64u(new Uint8Array(64)) }));
    expect(psychic.status).toBe(401);
    expect(psychic.body.reason).toBe(AuthErrorReason.TokenInvalidSignature);
  });

  it('token #15: an RSA key under 2048 bits: ignored in a remote JWKS (401), refused at boot as jwtKey / jwks', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...weak.publicKey.export({ format: 'jwk' }), kid: 'weak', alg: 'RS256', use: 'sig' };
    const server = await startJwksServer([jwk, (await stranger).publicJwk]);
    try {
      const app = await boot({ jwksUrl: server.jwksUrl, issuer: 'https://issuer.test' });
      const res = await get(app, forge({ alg: 'RS256', kid: 'weak', typ: 'JWT' }, claimsAt(Date.now()), { alg: 'RS256', key: weak.privateKey }));
      expect(res.status).toBe(401);
      expect(res.body.reason).toBe(AuthErrorReason.KeyNotFound);
    } finally {
      await server.close();
    }
    const pem = weak.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    await expect(createSecurityApp(adapter, { jwtKey: pem })).rejects.toThrow(/"jwtKey".*2048/);
    await expect(createSecurityApp(adapter, { jwks: { keys: [jwk] } })).rejects.toThrow(/"jwks".*2048/);
  });
});
