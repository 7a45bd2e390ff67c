import { describe, expect, it } from '@jest/globals';
import { createHash, X509Certificate } from 'node:crypto';
import { certificateFromHeader, certificateThumbprint } from './client-certificate.js';
import { X509_CERTIFICATE_PEM as pem } from './x509-certificate.spec-support.js';

// PEM armour around bytes that are not a whole certificate (cut short).
const PEM = `-----BEGIN CERTIFICATE-----
MIIBeTCCAR+gAwIBAgIUQ8h9Hd0d0mBwbBv3XHGSXq0nN1UwCgYIKoZIzj0EAwIw
ETEPMA0GA1UEAwwGY2xpZW50MCAXDTI1MDEwMTAwMDAwMFoYDzIxMjQxMjA4MDAw
MDAwWjARMQ8wDQYDVQQDDAZjbGllbnQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AAQ=
-----END CERTIFICATE-----`;

describe('client certificates', () => {
  it('the thumbprint is the base64url SHA-256 of the DER', () => {
    const der = new X509Certificate(pem).raw;
    expect(certificateThumbprint(der)).toBe(createHash('sha256').update(der).digest('base64url'));
  });

  it('reads PEM, URL-encoded PEM, PEM with spaces for newlines, and base64 DER from a header', () => {
    const der = new X509Certificate(pem).raw;
    for (const value of [pem, encodeURIComponent(pem), pem.replace(/\n/g, ' '), der.toString('base64'), [pem]]) {
      expect(Buffer.from(certificateFromHeader(value) as Uint8Array).equals(der)).toBe(true);
    }
  });

  it('reads base64 DER with spaces around it, and a header of exactly 16384 characters', () => {
    const der = new X509Certificate(pem).raw;
    expect(Buffer.from(certificateFromHeader(`  ${der.toString('base64')}\n`) as Uint8Array).equals(der)).toBe(true);
    const longest = pem.padEnd(16384, ' ');
    expect(Buffer.from(certificateFromHeader(longest) as Uint8Array).equals(der)).toBe(true);
    expect(certificateFromHeader(`${longest} `)).toBeUndefined();
  });

  it('reads nothing from base64 with other characters in it, several headers, or a PEM with a broken escape', () => {
    const base64 = new X509Certificate(pem).raw.toString('base64');
    for (const value of [`!${base64}`, `${base64}!`, `${base64.slice(0, 40)}!${base64.slice(40)}`, [pem, pem], `${pem}%zz`]) {
      expect(certificateFromHeader(value)).toBeUndefined();
    }
  });

  it.each([undefined, '', 'garbage', '%E0%A4%A', PEM, 'x'.repeat(20_000), ['a', 'b']])('reads no certificate from %p', (value) => {
    expect(certificateFromHeader(value as never)).toBeUndefined();
  });
});
