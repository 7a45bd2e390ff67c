import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { CompactEncrypt, exportJWK, generateKeyPair, importJWK } from 'jose';
import { AuthConfigError, AuthModule, type AuthModuleOptions } from 'nestjs-warden';
import { resolveAuthOptions, type DecryptionOptions } from 'nestjs-warden/core';
import { createTestAuth, createTestDecryptionKey, createTestIssuer, encryptToken, type TestDecryptionKey, type TestIssuer } from 'nestjs-warden/testing';
import { Test } from '@nestjs/testing';
import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { ADAPTERS, createHttpApp } from './support/http-app.js';
import { ProbeController } from './support/probe.controller.js';

/** Encrypted tokens: the app's private keys (a kid each: rotation), and room for the larger tokens. */
export function encryptedTokens(decryptionJwks: NonNullable<DecryptionOptions['jwks']>): Partial<AuthModuleOptions> {
  return { decryption: { jwks: decryptionJwks }, maxTokenBytes: 16384 };
}

/**
 * Encrypted tokens (JWE): nested JWTs, signed by the issuer then encrypted to the app's key with
 * jose's encrypt APIs, are decrypted with the app's keys and verified as any token. Key rotation by
 * `kid`, a wrong key, algorithms not pinned, and an unencrypted token where encryption is required.
 */
describe.each(ADAPTERS)('encrypted tokens (%s)', (adapter) => {
  let issuer: TestIssuer;
  let current: TestDecryptionKey;
  let previous: TestDecryptionKey;
  let ecdh: TestDecryptionKey;
  const apps: INestApplication[] = [];

  async function start(options: Partial<AuthModuleOptions>): Promise<INestApplication> {
    const app = await createHttpApp(adapter, {
      imports: [AuthModule.forRoot(issuer.moduleOptions({ debug: true, maxTokenBytes: 16_384, ...options, global: true }))],
      controllers: [ProbeController],
    });
    apps.push(app);
    return app;
  }
  const me = (app: INestApplication, token: string) => request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    issuer = await createTestIssuer();
    [current, previous, ecdh] = await Promise.all([
      createTestDecryptionKey({ kid: 'enc-2025-06' }),
      createTestDecryptionKey({ kid: 'enc-2025-01' }),
      createTestDecryptionKey({ alg: 'ECDH-ES+A256KW', kid: 'enc-ec' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  it('decrypts and verifies a nested JWT; getToken() gives the token as sent', async () => {
    const app = await start({ decryption: { keys: [current.privateJwk] } });
    const jwe = await current.encrypt(await issuer.sign({ sub: 'user_enc', sid: 'sess_enc' }));
    expect(jwe.split('.')).toHaveLength(5);
    const res = await me(app, jwe).expect(200);
    expect(res.body).toMatchObject({ userId: 'user_enc', sessionId: 'sess_enc' });
    expect((await request(app.getHttpServer()).get('/token').set('Authorization', `Bearer ${jwe}`).expect(200)).body.token).toBe(jwe);
  });

  it('picks the key by kid while keys rotate: tokens to the old and the new key both work', async () => {
    const app = await start(encryptedTokens({ keys: [current.privateJwk, previous.privateJwk, ecdh.privateJwk] }));
    for (const key of [current, previous, ecdh]) await me(app, await key.encrypt(await issuer.sign({ sub: `user_${key.kid}` }))).expect(200);
  });

  it('refuses a token encrypted to a key the app does not have, or to no kid it knows', async () => {
    const app = await start({ decryption: { keys: [current.privateJwk] } });
    const stranger = await createTestDecryptionKey({ kid: 'enc-2025-06' });
    expect((await me(app, await stranger.encrypt(await issuer.sign({ sub: 'u' }))).expect(401)).body.reason).toBe('token-decryption-failed');
    expect((await me(app, await previous.encrypt(await issuer.sign({ sub: 'u' }))).expect(401)).body.reason).toBe('token-decryption-failed');
  });

  it('refuses an unencrypted token where encryption is required (the default), and takes it with required: false', async () => {
    const strict = await start({ decryption: { keys: [current.privateJwk] } });
    expect((await me(strict, await issuer.sign({ sub: 'u' })).expect(401)).body.reason).toBe('token-not-encrypted');
    const lenient = await start({ decryption: { keys: [current.privateJwk], required: false } });
    await me(lenient, await issuer.sign({ sub: 'u' })).expect(200);
    await me(lenient, await current.encrypt(await issuer.sign({ sub: 'u' }))).expect(200);
  });

  it('pins the algorithms: another enc, RSA-OAEP (SHA-1) not listed, and dir are refused', async () => {
    const app = await start({ decryption: { keys: [current.privateJwk], encryptionAlgorithms: ['A256GCM'] } });
    const signed = await issuer.sign({ sub: 'u' });
    expect((await me(app, await current.encrypt(signed, { enc: 'A128GCM' })).expect(401)).body.reason).toBe('token-decryption-failed');
    expect((await me(app, await encryptToken(signed, current.publicJwk, { alg: 'RSA-OAEP' })).expect(401)).body.reason).toBe('token-decryption-failed');
    const dir = await new CompactEncrypt(new TextEncoder().encode(signed))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: current.kid })
      .encrypt(new Uint8Array(32));
    expect((await me(app, dir).expect(401)).body.reason).toBe('token-decryption-failed');
  });

  it('refuses an encrypted token whose content is not a signed JWT (claims encrypted but never signed)', async () => {
    const app = await start({ decryption: { keys: [current.privateJwk] } });
    const unsigned = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ sub: 'admin', exp: 9_999_999_999 })))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: current.kid })
      .encrypt(await importJWK(current.publicJwk, 'RSA-OAEP-256'));
    expect((await me(app, unsigned).expect(401)).body.reason).toBe('token-decryption-failed');
  });

  it('verifies the inner token as any other: a badly signed one inside is refused', async () => {
    const app = await start({ decryption: { keys: [current.privateJwk] } });
    const forger = await createTestIssuer({ issuer: issuer.issuer, kid: issuer.kid });
    expect((await me(app, await current.encrypt(await forger.sign({ sub: 'admin' }))).expect(401)).body.reason).toBe('token-invalid-signature');
  });
});

describe('decryption options at boot', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  it.each([
    [{ keys: [] }, 'decryption.keys'],
    [{}, 'decryption'],
    [{ keys: ['not a pem'] }, 'decryption.keys[0]'],
    [{ algorithms: ['RSA1_5'], keys: [rsa] }, 'decryption.algorithms'],
    [{ algorithms: ['ECDH-ES'], keys: [rsa] }, 'decryption.algorithms'],
    [{ keyz: [] }, 'decryption.keyz'],
  ])('%p stops the boot naming %s', async (decryption, option) => {
    const issuer = await createTestIssuer();
    let error: unknown;
    try {
      resolveAuthOptions(issuer.moduleOptions({ decryption: decryption as never }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuthConfigError);
    expect((error as AuthConfigError).message).toContain(option);
  });

  it('refuses a public key as a decryption key, and several keys without kids', async () => {
    const issuer = await createTestIssuer();
    const { publicKey, privateKey } = await generateKeyPair('RSA-OAEP-256', { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    expect(() => resolveAuthOptions(issuer.moduleOptions({ decryption: { keys: [publicJwk] } }))).toThrow(/decryption.keys\[0\]/);
    const jwk = await exportJWK(privateKey);
    expect(() => resolveAuthOptions(issuer.moduleOptions({ decryption: { keys: [jwk, jwk] } }))).toThrow(/its own kid/);
  });
});

describe('createTestAuth() in an app that expects encrypted tokens', () => {
  it("replaces the app's decryption keys with its own key, as it replaces the signing keys: its tokens sign in", async () => {
    const appKey = await createTestDecryptionKey();
    const issuer = await createTestIssuer();
    const testAuth = createTestAuth();
    const moduleRef = await testAuth
      .override(
        Test.createTestingModule({
          imports: [AuthModule.forRoot(issuer.moduleOptions({ decryption: appKey.decryption(), global: true }))],
          controllers: [ProbeController],
        }),
      )
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const res = await request(app.getHttpServer())
        .get('/me')
        .set(await testAuth.headers({ sub: 'user_kit' }))
        .expect(200);
      expect(res.body.userId).toBe('user_kit');
    } finally {
      await app.close();
    }
  });
});
