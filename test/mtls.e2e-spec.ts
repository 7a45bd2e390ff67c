import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AuthModule, type AuthModuleOptions } from 'nestjs-warden';
import { certificateCnf, createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { SenderConstrainedController } from './support/dpop-app.js';
import { ADAPTERS, type AdapterName } from './support/http-app.js';
import { httpsGet, makeMtlsCertificates, type MtlsCertificates } from './support/mtls-certificates.js';
import { hasSystemBinary } from './support/system-binary.js';
import { TLS_CERTIFICATE_TOOL } from './support/tls-certificate.js';

const haveOpenssl = hasSystemBinary(TLS_CERTIFICATE_TOOL, 'mTLS-bound tokens (openssl)');

/** Behind a TLS-terminating proxy: the certificate comes in its header, read only from the proxy's addresses. */
export function behindProxy(trustedProxies: string[]): Partial<AuthModuleOptions> {
  return { mtls: 'allowed', clientCertificate: { header: 'x-client-cert', trustedProxies } };
}

/**
 * mTLS-bound tokens (RFC 8705) on a real https server (Node `https` with `requestCert`) with a test CA
 * and client certificates made by openssl: the token's `cnf["x5t#S256"]` must be the thumbprint of
 * the certificate the connection presented; and behind a TLS-terminating proxy, of the certificate in
 * the header the app configured, only when the connection comes from a proxy it trusts.
 */
(haveOpenssl ? describe : describe.skip)('mTLS-bound tokens', () => {
  let certs: MtlsCertificates;
  let issuer: TestIssuer;

  beforeAll(async () => {
    certs = makeMtlsCertificates(['client-a', 'client-b'], ['client-a']);
    issuer = await createTestIssuer();
  });

  async function startHttps(adapter: AdapterName, options: Partial<AuthModuleOptions>): Promise<{ app: INestApplication; url: string }> {
    // TLS ends in Node: ask for client certificates. Without rejectUnauthorized, a connection without
    // one still reaches the guard, which then takes bearer tokens and refuses certificate-bound ones.
    const https = { key: certs.server.key, cert: certs.server.cert, ca: certs.ca.cert, requestCert: true, rejectUnauthorized: false };
    // NestFactory.create(AppModule, { httpsOptions: https }), or new FastifyAdapter({ https })
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(issuer.moduleOptions({ debug: true, mtls: 'allowed', ...options, global: true }))],
      controllers: [SenderConstrainedController],
    }).compile();
    const app =
      adapter === 'fastify'
        ? moduleRef.createNestApplication(new FastifyAdapter({ https }), { logger: false })
        : moduleRef.createNestApplication({ logger: false, httpsOptions: https });
    await app.listen(0, '127.0.0.1');
    return { app, url: `https://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
  }

  describe.each(ADAPTERS)('over TLS (%s)', (adapter) => {
    let app: INestApplication;
    let url: string;
    let bound: string;
    beforeAll(async () => {
      ({ app, url } = await startHttps(adapter, {}));
      bound = await issuer.sign({ sub: 'svc_a', cnf: certificateCnf(certs.clients['client-a'].cert) });
    });
    afterAll(async () => {
      await app?.close();
    });

    const get = (path: string, token: string, client?: keyof MtlsCertificates['clients']) =>
      httpsGet(`${url}${path}`, certs.ca.cert, { authorization: `Bearer ${token}` }, client ? certs.clients[client] : undefined);

    it('accepts the token with the certificate it is bound to; the auth object names the binding', async () => {
      const res = await get('/orders', bound, 'client-a');
      expect(res).toEqual({
        status: 200,
        body: { isAuthenticated: true, subject: 'svc_a', binding: { type: 'mtls', x5tS256: certificateCnf(certs.clients['client-a'].cert)['x5t#S256'] } },
      });
    });

    it('refuses it with another certificate of the same CA, and with a certificate of the same subject under another key', async () => {
      expect(await get('/orders', bound, 'client-b')).toMatchObject({ status: 401, body: { reason: 'mtls-certificate-mismatch' } });
      expect(await get('/orders', bound, 'client-a-twin')).toMatchObject({ status: 401, body: { reason: 'mtls-certificate-mismatch' } });
    });

    it('refuses it without a client certificate', async () => {
      expect(await get('/orders', bound)).toMatchObject({ status: 401, body: { reason: 'mtls-certificate-missing' } });
    });

    it("takes an unbound token over mTLS, except on a route with mtls: 'required'", async () => {
      const plain = await issuer.sign({ sub: 'svc_plain' });
      expect(await get('/orders', plain, 'client-a')).toMatchObject({ status: 200, body: { binding: null } });
      expect(await get('/mtls-only', plain, 'client-a')).toMatchObject({ status: 401, body: { reason: 'mtls-required' } });
      expect(await get('/mtls-only', bound, 'client-a')).toMatchObject({ status: 200 });
    });
  });

  describe('mtls off, the default', () => {
    it('refuses a bound token even with its certificate (the binding is never ignored)', async () => {
      const { app, url } = await startHttps('express', { mtls: undefined });
      try {
        const bound = await issuer.sign({ sub: 'svc_a', cnf: certificateCnf(certs.clients['client-a'].cert) });
        expect(await httpsGet(`${url}/orders`, certs.ca.cert, { authorization: `Bearer ${bound}` }, certs.clients['client-a'])).toMatchObject({
          status: 401,
          body: { reason: 'mtls-not-allowed' },
        });
      } finally {
        await app.close();
      }
    });
  });

  describe.each(ADAPTERS)('behind a TLS-terminating proxy (%s)', (adapter) => {
    const apps: INestApplication[] = [];
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
    });
    async function plainApp(trustedProxies: string[]): Promise<INestApplication> {
      const moduleRef = await Test.createTestingModule({
        imports: [AuthModule.forRoot(issuer.moduleOptions({ debug: true, ...behindProxy(trustedProxies), global: true }))],
        controllers: [SenderConstrainedController],
      }).compile();
      const app =
        adapter === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
      await app.init();
      if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
      apps.push(app);
      return app;
    }

    it('reads the certificate from the header of a trusted proxy (URL-encoded PEM, as nginx sends it)', async () => {
      const app = await plainApp(['127.0.0.1', '::1']);
      const bound = await issuer.sign({ sub: 'svc_a', cnf: certificateCnf(certs.clients['client-a'].cert) });
      const send = (cert: string) =>
        request(app.getHttpServer())
          .get('/orders')
          .set({ authorization: `Bearer ${bound}`, 'x-client-cert': encodeURIComponent(cert) });
      expect((await send(certs.clients['client-a'].cert).expect(200)).body.binding).toMatchObject({ type: 'mtls' });
      expect((await send(certs.clients['client-b'].cert).expect(401)).body.reason).toBe('mtls-certificate-mismatch');
      expect((await send('not a certificate').expect(401)).body.reason).toBe('mtls-certificate-missing');
    });

    it('ignores the header from a peer that is not a trusted proxy: anyone can send a header', async () => {
      const app = await plainApp(['10.0.0.0/8']);
      const bound = await issuer.sign({ sub: 'svc_a', cnf: certificateCnf(certs.clients['client-a'].cert) });
      const res = await request(app.getHttpServer())
        .get('/orders')
        .set({ authorization: `Bearer ${bound}`, 'x-client-cert': encodeURIComponent(certs.clients['client-a'].cert) })
        .expect(401);
      expect(res.body.reason).toBe('mtls-certificate-missing');
    });
  });
});
