import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { type AuthModuleOptions } from './config/auth-options.js';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import { SECRET } from './guard-context.spec-support.js';
import { attachVerification, presentedToken, type AuthCarrier } from './request-context.js';
import { createAuthObject } from './testing/index.js';
import { certificateThumbprint } from './verification/mtls/client-certificate.js';
import { X509_CERTIFICATE_PEM } from './verification/mtls/x509-certificate.spec-support.js';
import { presentedVerification, signedOutVerification } from './verification/verification.js';

const options = (extra: AuthModuleOptions = {}) => resolveAuthOptions({ secret: SECRET, ...extra });
const viaProxy = () => options({ clientCertificate: { header: 'X-Client-Cert', trustedProxies: ['10.0.0.0/8', 'fd00::/8'] } });

describe('presentedToken: the DPoP proofs and the request they must name', () => {
  it('reads every value of the DPoP header, split on commas and trimmed', () => {
    const proofs = (dpop: unknown) => presentedToken({ headers: { dpop } as AuthCarrier['headers'] }, 'dpop', options(), 't').dpopProofs;
    expect(proofs(undefined)).toEqual([]);
    expect(proofs(' a , b')).toEqual(['a', 'b']);
    expect(proofs(['a', 'b,c'])).toEqual(['a', 'b', 'c']);
    expect(presentedToken({}, 'bearer', options(), 't')).toMatchObject({ scheme: 'bearer', dpopProofs: [], request: undefined, provenProof: null });
    const full = { method: 'GET', url: '/orders', protocol: 'https', headers: { host: 'api.test' } } as AuthCarrier;
    expect(presentedToken(full, 'bearer', options(), 't').request).toBeUndefined(); // only a DPoP proof names a request
    expect(presentedToken(full, 'dpop', options(), 't').request).toEqual({ method: 'GET', url: 'https://api.test/orders' });
  });

  const requestOf = (carrier: object, extra: AuthModuleOptions = {}) => presentedToken(carrier, 'dpop', options(extra), 't').request;

  it('names the method and the absolute URL from the scheme and host the framework reports, without query or fragment', () => {
    expect(requestOf({ method: 'POST', url: '/orders?page=2#top', protocol: 'https', headers: { host: 'api.test' } })).toEqual({
      method: 'POST',
      url: 'https://api.test/orders',
    });
    expect(requestOf({ method: 'GET', url: '/a#b?c', protocol: 'http', headers: { host: 'api.test:8080' } })?.url).toBe('http://api.test:8080/a');
    expect(requestOf({ method: 'GET', originalUrl: '/mounted/orders', url: '/orders', protocol: 'https', headers: { host: 'api.test' } })?.url).toBe(
      'https://api.test/mounted/orders',
    );
    expect(requestOf({ method: 'GET', url: '/orders', protocol: 'https', host: 'proxied.test', headers: { host: 'api.test' } })?.url).toBe(
      'https://proxied.test/orders',
    );
    expect(requestOf({ method: 'GET', url: '/orders', protocol: 'https', host: '', headers: { host: 'api.test' } })?.url).toBe('https://api.test/orders');
    expect(requestOf({ method: 'GET', url: '/orders', secure: true, headers: { host: 'ws.test' } })?.url).toBe('https://ws.test/orders');
  });

  it('keeps only the path of an absolute-form target (a request through a forward proxy)', () => {
    const base = { method: 'GET', protocol: 'https', headers: { host: 'api.test' } };
    expect(requestOf({ ...base, url: 'HTTPS://elsewhere.test:444/orders?x=1' })?.url).toBe('https://api.test/orders');
    expect(requestOf({ ...base, url: 'http://elsewhere.test/' })?.url).toBe('https://api.test/');
    expect(requestOf({ ...base, url: 'ftp://elsewhere.test/orders' })).toBeUndefined();
  });

  it('uses the configured public origin instead of the request', () => {
    const carrier = { method: 'GET', url: '/orders?x', protocol: 'http', headers: { host: 'internal:3000' } };
    expect(requestOf(carrier, { dpopProof: { publicOrigin: 'https://api.example.com' } })?.url).toBe('https://api.example.com/orders');
  });

  it('names nothing without a method, a target, a path, a scheme or a plain host', () => {
    const ok = { method: 'GET', url: '/orders', protocol: 'https', headers: { host: 'api.test' } };
    expect(requestOf(ok)).toBeDefined();
    expect(requestOf({ ...ok, method: undefined })).toBeUndefined();
    expect(requestOf({ ...ok, url: undefined })).toBeUndefined();
    expect(requestOf({ ...ok, url: 'orders' })).toBeUndefined();
    expect(requestOf({ ...ok, url: '*' })).toBeUndefined();
    expect(requestOf({ ...ok, protocol: undefined })).toBeUndefined();
    expect(requestOf({ ...ok, headers: {} })).toBeUndefined();
    expect(requestOf({ ...ok, headers: { host: 'api.test/evil' } })).toBeUndefined();
    expect(requestOf({ ...ok, headers: { host: 'api.test@evil.test' } })).toBeUndefined();
    expect(requestOf({ ...ok, headers: undefined })).toBeUndefined();
    expect(requestOf({ ...ok, headers: { host: '[::1]:8443' } })?.url).toBe('https://[::1]:8443/orders');
    expect(requestOf({ ...ok, headers: { host: 'API.Example-1_a.test' } })?.url).toBe('https://API.Example-1_a.test/orders');
  });
});

describe('presentedToken: the proof a live connection proved its token with before', () => {
  const stored = (token: string, proof: string) =>
    presentedVerification({ ...signedOutVerification(null, true, { token, source: 'header' }), auth: createAuthObject() }, 'dpop', proof);

  it('is the stored proof for the same token on a live carrier only', () => {
    const live: AuthCarrier = { headers: {}, live: true };
    attachVerification(live, stored('t1', 'p1'), createAuthObject());
    expect(presentedToken(live, 'dpop', options(), 't1').provenProof).toBe('p1');
    expect(presentedToken(live, 'dpop', options(), 't2').provenProof).toBeNull();
    expect(presentedToken(live, 'dpop', options(), null).provenProof).toBeNull();
    const request: AuthCarrier = { headers: {} };
    attachVerification(request, stored('t1', 'p1'), createAuthObject());
    expect(presentedToken(request, 'dpop', options(), 't1').provenProof).toBeNull();
    expect(presentedToken({ headers: {}, live: true }, 'dpop', options(), 't1').provenProof).toBeNull();
  });
});

describe('presentedToken: the client certificate', () => {
  const der = () => new X509Certificate(X509_CERTIFICATE_PEM).raw;
  const tlsSocket = (raw: unknown, encrypted: unknown = true) => ({ encrypted, getPeerCertificate: () => (raw === null ? null : { raw }) });
  const thumbprintOf = (carrier: object, o = options()) => presentedToken(carrier, 'bearer', o, 't').certificateThumbprint();

  it("is the TLS connection's peer certificate (Express's socket, Fastify's raw.socket)", () => {
    expect(thumbprintOf({ socket: tlsSocket(der()) })).toBe(certificateThumbprint(der()));
    expect(thumbprintOf({ raw: { socket: tlsSocket(der()) } })).toBe(certificateThumbprint(der()));
  });

  it('is none over a plain connection, without a certificate, or without a way to ask', () => {
    expect(thumbprintOf({ socket: tlsSocket(der(), false) })).toBeUndefined();
    expect(thumbprintOf({ socket: tlsSocket(der(), 'yes') })).toBeUndefined();
    expect(thumbprintOf({ socket: tlsSocket(new Uint8Array(0)) })).toBeUndefined();
    expect(thumbprintOf({ socket: tlsSocket(null) })).toBeUndefined();
    expect(thumbprintOf({ socket: tlsSocket('not bytes') })).toBeUndefined();
    expect(thumbprintOf({ socket: { encrypted: true } })).toBeUndefined();
    expect(thumbprintOf({})).toBeUndefined();
  });

  it("is the trusted proxy's header (IPv4, IPv4 on a dual-stack socket, IPv6), never another peer's", () => {
    const header = { 'x-client-cert': encodeURIComponent(X509_CERTIFICATE_PEM) };
    const from = (remoteAddress: unknown) => thumbprintOf({ headers: header, socket: { remoteAddress } }, viaProxy());
    expect(from('10.0.0.7')).toBe(certificateThumbprint(der()));
    expect(from('::ffff:10.0.0.7')).toBe(certificateThumbprint(der()));
    expect(from('fd00::7')).toBe(certificateThumbprint(der()));
    expect(from('192.168.0.7')).toBeUndefined();
    expect(from('::ffff:192.168.0.7')).toBeUndefined();
    expect(from('fe80::7')).toBeUndefined();
    expect(from(undefined)).toBeUndefined();
    expect(from('::abcd:10.0.0.7')).toBeUndefined(); // seven characters before a dotted quad, but not an IPv4-mapped address
    expect(thumbprintOf({ headers: header }, viaProxy())).toBeUndefined();
    expect(thumbprintOf({ headers: header, raw: { socket: { remoteAddress: '10.0.0.7' } } }, viaProxy())).toBe(certificateThumbprint(der()));
  });

  it('reads no header without clientCertificate, and falls back to the connection for an untrusted peer', () => {
    const header = { 'x-client-cert': encodeURIComponent(X509_CERTIFICATE_PEM) };
    expect(thumbprintOf({ headers: header, socket: { remoteAddress: '10.0.0.7' } })).toBeUndefined();
    const tls = { ...tlsSocket(der()), remoteAddress: '192.168.0.7' };
    expect(thumbprintOf({ headers: { 'x-client-cert': 'garbage' }, socket: tls }, viaProxy())).toBe(certificateThumbprint(der()));
    expect(thumbprintOf({ headers: { 'x-client-cert': 'garbage' }, socket: { remoteAddress: '10.0.0.7' } }, viaProxy())).toBeUndefined();
  });
});
