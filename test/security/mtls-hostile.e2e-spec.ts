import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AuthModule, type AuthModuleOptions } from 'nestjs-warden';
import { certificateCnf, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import { SenderConstrainedController } from '../support/dpop-app.js';
import { ADAPTERS, type AdapterName } from '../support/http-app.js';
import { httpsGet, makeMtlsCertificates, type MtlsCertificates } from '../support/mtls-certificates.js';
import { hasSystemBinary } from '../support/system-binary.js';
import { TLS_CERTIFICATE_TOOL } from '../support/tls-certificate.js';

const haveOpenssl = hasSystemBinary(TLS_CERTIFICATE_TOOL, 'mTLS hostile inputs (openssl)');

/**
 * The mTLS hostile cases of docs/security.md (RFC 8705 section 7 and around it), on a real https
 * server with a test CA; numbers are the catalogue's (M1 to M6).
 */
(haveOpenssl ? describe : describe.skip).each(ADAPTERS)('mTLS hostile inputs (%s)', (adapter: AdapterName) => {
  let certs: MtlsCertificates;
  let issuer: TestIssuer;
  let bound: string;
  const apps: INestApplication[] = [];

  async function start(options: Partial<AuthModuleOptions>): Promise<string> {
    const https = { key: certs.server.key, cert: certs.server.cert, ca: certs.ca.cert, requestCert: true, rejectUnauthorized: false };
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(issuer.moduleOptions({ debug: true, mtls: 'allowed', ...options, global: true }))],
      controllers: [SenderConstrainedController],
    }).compile();
    const app =
      adapter === 'fastify'
        ? moduleRef.createNestApplication(new FastifyAdapter({ https }), { logger: false })
        : moduleRef.createNestApplication({ logger: false, httpsOptions: https });
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    return `https://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }

  beforeAll(async () => {
    certs = makeMtlsCertificates(['victim', 'attacker'], ['victim']);
    issuer = await createTestIssuer();
    bound = await issuer.sign({ sub: 'svc_victim', cnf: certificateCnf(certs.clients.victim.cert) });
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  const reasonOf = async (url: string, headers: Record<string, string>, client?: string) => {
    const res = await httpsGet(`${url}/orders`, certs.ca.cert, headers, client ? certs.clients[client] : undefined);
    expect(res.status).toBe(401);
    return res.body.reason;
  };

  it('M1 a stolen certificate-bound token used without any client certificate is refused', async () => {
    expect(await reasonOf(await start({}), { authorization: `Bearer ${bound}` })).toBe('mtls-certificate-missing');
  });

  it("M2 a stolen token used with the thief's own certificate from the same CA is refused", async () => {
    expect(await reasonOf(await start({}), { authorization: `Bearer ${bound}` }, 'attacker')).toBe('mtls-certificate-mismatch');
  });

  it('M3 a certificate spoofing the victim subject (same DN, another key) is refused: the binding is the thumbprint, not the name', async () => {
    expect(await reasonOf(await start({}), { authorization: `Bearer ${bound}` }, 'victim-twin')).toBe('mtls-certificate-mismatch');
  });

  it('M4 a forged client-certificate header from a peer that is not a trusted proxy is ignored', async () => {
    const url = await start({ clientCertificate: { header: 'x-client-cert', trustedProxies: ['192.0.2.10'] } });
    const forged = { authorization: `Bearer ${bound}`, 'x-client-cert': encodeURIComponent(certs.clients.victim.cert) };
    expect(await reasonOf(url, forged)).toBe('mtls-certificate-missing');
    // Nor does the header outweigh the certificate the connection really presented.
    expect(await reasonOf(url, forged, 'attacker')).toBe('mtls-certificate-mismatch');
  });

  it('M5 garbage, a long value or several certificates in the trusted header are no certificate, never a 500', async () => {
    const url = await start({ clientCertificate: { header: 'x-client-cert', trustedProxies: ['127.0.0.1', '::1'] } });
    const pem = certs.clients.victim.cert;
    for (const value of [
      '-----BEGIN CERTIFICATE-----AAAA-----END CERTIFICATE-----',
      'x'.repeat(12_000),
      '%E0%A4%A',
      Buffer.from('not der').toString('base64'),
    ]) {
      expect(await reasonOf(url, { authorization: `Bearer ${bound}`, 'x-client-cert': value })).toBe('mtls-certificate-missing');
    }
    // A chain: the first certificate is the client's.
    const chain = `${certs.clients.attacker.cert}\n${pem}`;
    expect(await reasonOf(url, { authorization: `Bearer ${bound}`, 'x-client-cert': encodeURIComponent(chain) })).toBe('mtls-certificate-mismatch');
  });

  it('M6 a certificate-bound token on a route or issuer with mtls off is refused, not used as a bearer token', async () => {
    expect(await reasonOf(await start({ mtls: 'off' }), { authorization: `Bearer ${bound}` }, 'victim')).toBe('mtls-not-allowed');
  });
});
