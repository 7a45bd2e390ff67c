import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { AuthModule } from 'nestjs-warden';
import { DevIssuer, loadOrCreateDevIssuerKey, runCli } from 'nestjs-warden/dev-issuer';
import { certificateCnf, createDpopKey, createTestDecryptionKey } from 'nestjs-warden/testing';
import request from 'supertest';
import { SenderConstrainedController } from './support/dpop-app.js';
import { createHttpApp } from './support/http-app.js';
import { hasSystemBinary } from './support/system-binary.js';
import { makeTlsCertificate, TLS_CERTIFICATE_TOOL } from './support/tls-certificate.js';

/**
 * The local issuer mints sender-constrained and encrypted tokens: `nestjs-warden token --dpop-jkt`,
 * `--client-cert` and `--encrypt-to`, accepted by an app that trusts the issuer's JWKS.
 */
const ISSUER = 'http://127.0.0.1:4999';
let dir: string;
let keyFile: string;
let app: INestApplication;
let url: string;

async function token(args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const { code } = await runCli(['token', '--sub', 'user_cli', '--issuer', ISSUER, '--key-file', keyFile, ...args], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    cwd: dir,
  });
  if (code !== 0) throw new Error(`exit ${code}: ${err}`);
  return out.trim();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nestjs-warden-cli-'));
  keyFile = path.join(dir, 'key.json');
  await loadOrCreateDevIssuerKey(keyFile);
  const dev = await DevIssuer.open({ issuer: ISSUER, keyFile });
  app = await createHttpApp('express', {
    imports: [
      AuthModule.forRoot({
        jwks: dev.jwks,
        issuer: ISSUER,
        dpop: 'allowed',
        mtls: 'allowed',
        debug: true,
        decryption: { keys: [(await decryptionKey).privateJwk], required: false },
        global: true,
      }),
    ],
    controllers: [SenderConstrainedController],
  });
  await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
});
afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});
const decryptionKey = createTestDecryptionKey();

it('--dpop-jkt binds the token to a DPoP key: accepted with its proof, refused as Bearer', async () => {
  const key = await createDpopKey();
  const bound = await token(['--dpop-jkt', key.jkt]);
  expect(decodeJwt(bound).cnf).toEqual({ jkt: key.jkt });
  await request(url)
    .get('/orders')
    .set(await key.headers(bound, { method: 'GET', url: `${url}/orders` }))
    .expect(200);
  await request(url).get('/orders').set('authorization', `Bearer ${bound}`).expect(401);
});

it('--client-cert binds the token to a certificate', async () => {
  if (!hasSystemBinary(TLS_CERTIFICATE_TOOL, 'dev issuer --client-cert (openssl)')) return;
  const { cert } = makeTlsCertificate();
  await writeFile(path.join(dir, 'client.pem'), cert);
  expect(decodeJwt(await token(['--client-cert', 'client.pem'])).cnf).toEqual(certificateCnf(cert));
});

it('--encrypt-to encrypts the token to the app key (JWK file): the app decrypts and accepts it', async () => {
  const key = await decryptionKey;
  await writeFile(path.join(dir, 'app-key.json'), JSON.stringify(key.publicJwk));
  const jwe = await token(['--encrypt-to', 'app-key.json']);
  expect(jwe.split('.')).toHaveLength(5);
  expect((await request(url).get('/orders').set('authorization', `Bearer ${jwe}`).expect(200)).body.subject).toBe('user_cli');
});

it('refuses a thumbprint that is not one, and a key file without a public key, with one clear line', async () => {
  await expect(token(['--dpop-jkt', 'abc'])).rejects.toThrow(/exit 2: .*--dpop-jkt expects/);
  await writeFile(path.join(dir, 'junk.json'), '{"kty":"oct"}');
  await expect(token(['--encrypt-to', 'junk.json'])).rejects.toThrow(/exit 1: nestjs-warden: --encrypt-to: .* holds no public RSA or EC key/);
});
