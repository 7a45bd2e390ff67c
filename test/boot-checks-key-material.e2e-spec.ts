import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { AuthConfigError, AuthModule, type AuthModuleOptions } from 'nestjs-warden';
import { X509_CERTIFICATE_BASE64, X509_CERTIFICATE_PEM } from './fixtures/x509-certificate.js';

/** Issue 12, defect 3: key material in the wrong option stops the boot, naming the option, never echoing the material. */
async function boot(options: AuthModuleOptions): Promise<Error | null> {
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AuthModule.forRoot(options)] })
      .setLogger(false as never)
      .compile();
    await moduleRef.close();
    return null;
  } catch (error) {
    return error as Error;
  }
}

/** Every 16-character run of the material's text, so no fragment of it can hide in a message. */
function fragments(material: string | Uint8Array): string[] {
  const text = typeof material === 'string' ? material : Buffer.from(material).toString('base64');
  const body = text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const runs: string[] = [];
  for (let i = 0; i + 16 <= body.length; i += 16) runs.push(body.slice(i, i + 16));
  return runs;
}

async function expectRefused(options: AuthModuleOptions, option: 'secret' | 'jwtKey', material: string | Uint8Array): Promise<void> {
  const error = await boot(options);
  expect(error).toBeInstanceOf(AuthConfigError);
  expect((error as AuthConfigError).option).toBe(option);
  expect(error?.message).toContain(`"${option}"`);
  for (const run of fragments(material)) expect(error?.message).not.toContain(run);
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const spkiPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ecSpkiPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const spkiDer = new Uint8Array(rsa.publicKey.export({ type: 'spki', format: 'der' }));
const publicJwk = JSON.stringify(rsa.publicKey.export({ format: 'jwk' }));
const privateKeys = {
  'PKCS#8 (PRIVATE KEY)': rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  'PKCS#1 (RSA PRIVATE KEY)': rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  'SEC1 (EC PRIVATE KEY)': ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
  'encrypted PKCS#8 (ENCRYPTED PRIVATE KEY)': ec.privateKey
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'a passphrase' })
    .toString(),
  'a public key followed by its private key': `${ecSpkiPem}${ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()}`,
};

describe('key material as "secret" stops the boot', () => {
  it.each<[string, string | Uint8Array]>([
    ['a PEM public key', spkiPem],
    ['a PEM public key as bytes', new TextEncoder().encode(spkiPem)],
    ['a PEM certificate', X509_CERTIFICATE_PEM],
    ['a bare base64 DER certificate (x5c)', X509_CERTIFICATE_BASE64],
    ['DER public key bytes', spkiDer],
    ['a PEM private key', privateKeys['PKCS#8 (PRIVATE KEY)']],
    ['a public JWK as JSON', publicJwk],
    ['a JWKS as JSON', JSON.stringify({ keys: [JSON.parse(publicJwk)] })],
    ['a symmetric JWK as JSON', JSON.stringify({ kty: 'oct', k: randomBytes(32).toString('base64url') })],
  ])('%s', async (_name, secret) => {
    await expectRefused({ secret }, 'secret', secret);
  });

  it('a real shared secret still boots, as text or bytes', async () => {
    expect(await boot({ secret: randomBytes(32).toString('base64') })).toBeNull();
    expect(await boot({ secret: new Uint8Array(randomBytes(64)) })).toBeNull();
    expect(await boot({ secret: 'a-shared-secret-of-at-least-32-bytes!' })).toBeNull();
  });
});

describe('a private key as "jwtKey" stops the boot', () => {
  it.each(Object.entries(privateKeys))('%s', async (_name, pem) => {
    await expectRefused({ jwtKey: pem }, 'jwtKey', pem);
  });

  it('public keys and certificates still boot', async () => {
    expect(await boot({ jwtKey: spkiPem })).toBeNull();
    expect(await boot({ jwtKey: ecSpkiPem })).toBeNull();
    expect(await boot({ jwtKey: X509_CERTIFICATE_PEM })).toBeNull();
  });
});
