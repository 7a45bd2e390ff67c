import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { AuthConfigError } from './auth-config-error.js';
import { checkJwtKey, checkSecret } from './key-material-checks.js';

function refusal(check: () => void): AuthConfigError {
  try {
    check();
  } catch (error) {
    return error as AuthConfigError;
  }
  throw new Error('expected the check to throw');
}

describe('checkSecret', () => {
  it('accepts random secrets in every usual encoding (no false positives)', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(32 + (i % 33));
      expect(() => checkSecret(new Uint8Array(bytes))).not.toThrow();
      expect(() => checkSecret(bytes.toString('base64'))).not.toThrow();
      expect(() => checkSecret(bytes.toString('base64url'))).not.toThrow();
      expect(() => checkSecret(bytes.toString('hex'))).not.toThrow();
    }
  });

  it('names the kind of material and points to the right option', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const error = refusal(() => checkSecret(pem));
    expect(error.option).toBe('secret');
    expect(error.message).toMatch(/PEM key material.*jwtKey/);
    expect(refusal(() => checkSecret(JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'a'.repeat(43), y: 'b'.repeat(43) }))).message).toMatch(/JWK.*jwks/);
  });

  it('keeps the type and length checks', () => {
    expect(refusal(() => checkSecret(42)).message).toMatch(/string or a Uint8Array/);
    expect(refusal(() => checkSecret('short')).message).toMatch(/at least 32 bytes \(got 5\)/);
  });
});

describe('checkJwtKey', () => {
  it.each(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY'])('refuses a "%s" block', (label) => {
    const error = refusal(() => checkJwtKey(`-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`));
    expect(error.option).toBe('jwtKey');
    expect(error.message).toMatch(/private key/);
    expect(error.message).not.toContain('AAAA');
  });

  it('requires PEM text', () => {
    expect(refusal(() => checkJwtKey('abc')).message).toMatch(/PEM public key/);
  });
});
