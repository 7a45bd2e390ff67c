import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDevIssuerServer, type RunningDevIssuer } from 'nestjs-warden/dev-issuer';
import { AppModule } from '../src/app.module.js';
import { ADAPTERS, createHttpApp } from './support/http-app.js';

/** One raw request to 127.0.0.1:port with exactly these headers (a browser after DNS rebinding sends its own Host). */
function send(port: number, method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: 5000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const CLAIMS = '{"sub":"user_admin"}';

/**
 * After DNS rebinding, a page on http://evil.example:<port> talks to the dev issuer on 127.0.0.1 as
 * its own origin: only the Host header (and Origin) still say who it is. A cross-origin page that does
 * not rebind can still POST a "simple" request (text/plain, a form): only application/json forces the
 * CORS preflight it cannot pass.
 */
function refusesForeignRequests(name: string, target: () => { port: number; mintPath: string; mintStatus: number }) {
  describe(name, () => {
    const post = (headers: Record<string, string>, body = CLAIMS) => {
      const { port, mintPath } = target();
      return send(port, 'POST', mintPath, headers, body);
    };

    it('mints for a loopback Host (127.0.0.1, localhost, [::1]) with application/json, Origin absent or loopback', async () => {
      const { port, mintStatus } = target();
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost', `LOCALHOST:${port}`]) {
        expect({ host, status: (await post({ host, ...JSON_TYPE })).status }).toEqual({ host, status: mintStatus });
      }
      expect((await post({ host: `localhost:${port}`, 'content-type': 'application/json; charset=utf-8', origin: 'http://localhost:5173' })).status).toBe(
        mintStatus,
      );
      expect((await post({ host: `127.0.0.1:${port}`, ...JSON_TYPE, origin: `http://127.0.0.1:${port}` })).status).toBe(mintStatus);
    });

    it('refuses any other Host with 403: a rebound name, a LAN address, a name ending like an address', async () => {
      const { port } = target();
      for (const host of [`evil.example:${port}`, 'evil.example', `192.168.1.10:${port}`, `localhost.evil.example:${port}`, `127.0.0.1.evil.example`]) {
        const res = await post({ host, ...JSON_TYPE });
        expect({ host, status: res.status }).toEqual({ host, status: 403 });
        expect(res.body).not.toMatch(/eyJ/);
        expect(res.body).toContain('loopback host only');
      }
    });

    it('refuses an Origin that is not loopback with 403, Origin: null included', async () => {
      const { port } = target();
      for (const origin of ['http://evil.example', `http://evil.example:${port}`, 'null', 'https://localhost.evil.example']) {
        const res = await post({ host: `127.0.0.1:${port}`, ...JSON_TYPE, origin });
        expect({ origin, status: res.status }).toEqual({ origin, status: 403 });
        expect(res.body).not.toMatch(/eyJ/);
      }
    });

    it('refuses a body that is not application/json with 415: text/plain, a form, none', async () => {
      const { port } = target();
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
        const res = await post({ host: `127.0.0.1:${port}`, ...(type ? { 'content-type': type } : {}) });
        expect({ type, status: res.status }).toEqual({ type, status: 415 });
        expect(res.body).not.toMatch(/eyJ/);
      }
    });
  });
}

describe('the dev issuer server (nestjs-warden dev-issuer)', () => {
  let running: RunningDevIssuer;
  beforeAll(async () => {
    running = await startDevIssuerServer({ port: 0, keyFile: false });
  });
  afterAll(() => running?.close());

  refusesForeignRequests('POST /tokens', () => ({ port: Number(new URL(running.url).port), mintPath: '/tokens', mintStatus: 201 }));

  it('serves its JWKS and discovery to loopback hosts only', async () => {
    const port = Number(new URL(running.url).port);
    expect((await send(port, 'GET', '/.well-known/jwks.json', { host: `localhost:${port}` })).status).toBe(200);
    expect((await send(port, 'GET', '/.well-known/jwks.json', { host: `evil.example:${port}` })).status).toBe(403);
    expect((await send(port, 'GET', '/.well-known/openid-configuration', { host: `evil.example:${port}` })).status).toBe(403);
  });
});

describe.each(ADAPTERS)("the demo's embedded dev issuer (%s)", (adapter) => {
  let app: INestApplication;
  let port: number;
  beforeAll(async () => {
    app = await createHttpApp(adapter, { imports: [AppModule] });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => app?.close());

  refusesForeignRequests('POST /dev/tokens', () => ({ port, mintPath: '/dev/tokens', mintStatus: 201 }));
  refusesForeignRequests('POST /dev/session', () => ({ port, mintPath: '/dev/session', mintStatus: 200 }));

  it('POST /dev/revoke and DELETE /dev/session answer loopback hosts only', async () => {
    const revoke = (host: string, headers: Record<string, string> = JSON_TYPE) => send(port, 'POST', '/dev/revoke', { host, ...headers }, '{"sub":"user_x"}');
    expect((await revoke(`127.0.0.1:${port}`)).status).toBe(200);
    expect((await revoke(`evil.example:${port}`)).status).toBe(403);
    expect((await revoke(`127.0.0.1:${port}`, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await send(port, 'DELETE', '/dev/session', { host: `evil.example:${port}` })).status).toBe(403);
    expect((await send(port, 'DELETE', '/dev/session', { host: `localhost:${port}` })).status).toBe(200);
  });
});
