import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { AuthConfigError } from '../config/auth-config-error.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { createKeySource } from './key-sources.js';
import { TokenVerifier } from './token-verifier.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

function build(options: AuthModuleOptions) {
  return createKeySource(resolveAuthOptions(options).issuers.entries[0]);
}

function configError(options: AuthModuleOptions): AuthConfigError {
  try {
    build(options);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return error as AuthConfigError;
  }
  throw new Error('expected an AuthConfigError');
}

/** A self-signed certificate made by openssl, as issuers publish them (X.509 PEM). */
function selfSignedCertificate(): { certificate: string; privateKeyPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nw-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=issuer.test', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { certificate: readFileSync(join(dir, 'cert.pem'), 'utf8'), privateKeyPem: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('createKeySource', () => {
  let rsaPem: string;
  let rsaJwk: Record<string, unknown>;

  beforeAll(async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    rsaPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    rsaJwk = publicKey.export({ format: 'jwk' });
  });

  it('pins HS256 for a secret, and only HS* may be configured', () => {
    expect(build({ secret: SECRET }).algorithms).toEqual(['HS256']);
    expect(build({ secret: SECRET, algorithms: ['HS512'] }).algorithms).toEqual(['HS512']);
    expect(configError({ secret: SECRET, algorithms: ['RS256'] }).option).toBe('algorithms');
  });

  it('pins RS256 for an RSA PEM key; HS* can never be configured for it', () => {
    expect(build({ jwtKey: rsaPem }).algorithms).toEqual(['RS256']);
    expect(build({ jwtKey: rsaPem, algorithms: ['PS256'] }).algorithms).toEqual(['PS256']);
    expect(configError({ jwtKey: rsaPem, algorithms: ['HS256'] }).message).toMatch(/HS256/);
    expect(configError({ jwtKey: rsaPem, algorithms: ['none'] }).message).toMatch(/unknown/);
  });

  it('derives ES256 from a P-256 PEM and EdDSA from an Ed25519 PEM', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(build({ jwtKey: ec }).algorithms).toEqual(['ES256']);
    expect(build({ jwtKey: ed }).algorithms).toEqual(['EdDSA', 'Ed25519']);
  });

  it('refuses an unparsable PEM and an RSA key under 2048 bits', () => {
    expect(configError({ jwtKey: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----' }).option).toBe('jwtKey');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(configError({ jwtKey: weak }).message).toMatch(/2048 bits/);
    const weakJwk = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(configError({ jwks: { keys: [{ ...weakJwk, kid: 'weak' }] } }).message).toMatch(/2048 bits/);
  });

  it('verifies with an X.509 certificate given as jwtKey', async () => {
    const { certificate, privateKeyPem } = selfSignedCertificate();
    const key = await importPKCS8(privateKeyPem, 'RS256');
    const token = await new SignJWT({ sub: 'user_x509' }).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('1m').sign(key);
    const verifier = new TokenVerifier(resolveAuthOptions({ jwtKey: certificate }));
    await expect(verifier.verify(token)).resolves.toMatchObject({ claims: { sub: 'user_x509' } });
  });

  it('takes each JWK alg, or the family of its type', () => {
    expect(build({ jwks: { keys: [{ ...rsaJwk, kid: 'a', alg: 'RS256' }] } }).algorithms).toEqual(['RS256']);
    expect(build({ jwks: { keys: [{ ...rsaJwk, kid: 'a' }] } }).algorithms).toEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
    expect(configError({ jwks: { keys: [{ ...rsaJwk, kid: 'a', alg: 'RS256' }] }, algorithms: ['ES256'] }).option).toBe('algorithms');
  });

  it('refuses a JWKS holding a private or symmetric key, and ignores encryption keys', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    expect(configError({ jwks: { keys: [privateJwk] } }).message).toMatch(/private or symmetric/);
    expect(configError({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }).message).toMatch(/private or symmetric/);
    expect(configError({ jwks: { keys: [{ ...rsaJwk, use: 'enc' }] } }).message).toMatch(/no key usable/);
    expect(configError({ jwks: { keys: [null as never] } }).message).toMatch(/JWK object/);
  });
});
