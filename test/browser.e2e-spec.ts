import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AUTH_OPTIONS } from 'nestjs-warden';
import { type ResolvedAuthOptions } from 'nestjs-warden/core';
import type { BrowserContext, Page } from 'playwright-core';
import { hasSystemBinary } from './support/system-binary.js';

const CHROMIUM = '/usr/bin/chromium';
// Never a downloaded browser: the system one, a fresh profile, nothing that calls home.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const haveChromium = hasSystemBinary(CHROMIUM, 'browser (the demo page in system Chromium)');

/** A tiny site on its own loopback port: another origin, same host, so the browser sends the API's cookie. */
async function startSite(): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other site</title><p>other site</p>'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function freePort(): Promise<number> {
  const { server } = await startSite();
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits (bounded by the context's timeout) until the element's text matches. */
function textMatches(page: Page, id: string, pattern: RegExp): Promise<unknown> {
  return page.waitForFunction(`${pattern}.test(document.getElementById(${JSON.stringify(id)})?.textContent ?? '')`);
}

/** Runs `fetch(url, { credentials: 'include' })` in the page, as that page's script would. */
function fetchFromPage(page: Page, url: string): Promise<{ status?: number; body?: string; error?: string }> {
  return page.evaluate(async (target) => {
    try {
      const response = await fetch(target, { credentials: 'include' });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      return { error: String(error) };
    }
  }, url);
}

(haveChromium ? describe : describe.skip)('the demo in a real browser (system Chromium)', () => {
  let app: INestApplication;
  let api: string;
  let trusted: { origin: string; server: Server };
  let stranger: { origin: string; server: Server };
  let context: BrowserContext;
  let profile: string;
  /** What the API answered, as its HTTP server saw it: a browser hides refused cross-origin answers from the page. */
  const answered: Array<{ url: string; origin?: string; cookie: boolean; status: number }> = [];
  const savedEnv = { PORT: process.env.PORT, DEMO_ALLOWED_ORIGINS: process.env.DEMO_ALLOWED_ORIGINS };

  beforeAll(async () => {
    trusted = await startSite();
    stranger = await startSite();
    const port = await freePort();
    // The demo reads its port and extra origins from the environment when its module loads.
    process.env.PORT = String(port);
    process.env.DEMO_ALLOWED_ORIGINS = trusted.origin;
    const { AppModule } = await import('../src/app.module.js');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
      res.on('finish', () =>
        answered.push({ url: req.url ?? '', origin: req.headers.origin, cookie: /(^|;\s*)__session=/.test(req.headers.cookie ?? ''), status: res.statusCode }),
      );
      next();
    });
    const { authorizedParties } = app.get<ResolvedAuthOptions>(AUTH_OPTIONS).issuers;
    app.enableCors({ origin: authorizedParties ?? false, credentials: true });
    await app.listen(port, '127.0.0.1');
    api = `http://127.0.0.1:${port}`;

    const { chromium } = await import('playwright-core');
    profile = await mkdtemp(path.join(os.tmpdir(), 'nestjs-warden-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    for (const site of [trusted, stranger]) if (site) await new Promise((resolve) => site.server.close(resolve));
    if (profile) await rm(profile, { recursive: true, force: true });
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }, 30_000);

  it('signs in on the page (an HttpOnly __session cookie) and calls /me and /org/invoices with it', async () => {
    const page = await context.newPage();
    await page.goto(`${api}/`);
    await page.selectOption('#user', { label: 'Alice: org admin, may read invoices' });
    await page.click('#sign-in');
    await textMatches(page, 'status', /^Signed in as user_alice$/);
    const cookies = await context.cookies(api);
    expect(cookies.find((c) => c.name === '__session')).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate('document.cookie')).toBe(''); // page scripts cannot read it

    const result = () => page.locator('#result').textContent();
    await page.click('#call-me');
    await textMatches(page, 'result', /^GET \/me -> /);
    expect(await result()).toMatch(/^GET \/me -> 200\n/);
    expect(await result()).toContain('"userId": "user_alice"');
    await page.click('#call-invoices');
    await textMatches(page, 'result', /^GET \/org\/invoices -> /);
    expect(await result()).toMatch(/^GET \/org\/invoices -> 200\n[\s\S]*"orgId": "org_acme"/);

    await page.selectOption('#user', { label: 'Bob: org member, no invoice permission' });
    await page.click('#sign-in');
    await textMatches(page, 'status', /^Signed in as user_bob$/);
    await page.click('#call-invoices');
    await textMatches(page, 'result', /^GET \/org\/invoices -> 403\n/);

    await page.click('#sign-out');
    await textMatches(page, 'status', /^Signed out$/);
    await page.click('#call-me');
    await textMatches(page, 'result', /^GET \/me -> 401\n/);
    await page.close();
  });

  it('refuses the cookie from a page on another origin that authorizedParties does not list; serves one it lists', async () => {
    const page = await context.newPage();
    await page.goto(`${api}/`);
    await page.selectOption('#user', { label: 'Alice: org admin, may read invoices' });
    await page.click('#sign-in');
    await textMatches(page, 'status', /^Signed in as user_alice$/);

    // Listed (authorizedParties and CORS): the other origin's script reads the signed-in answer.
    await page.goto(`${trusted.origin}/`);
    const fromTrusted = await fetchFromPage(page, `${api}/me`);
    expect(fromTrusted.status).toBe(200);
    expect(JSON.parse(fromTrusted.body ?? '{}')).toMatchObject({ userId: 'user_alice' });

    // Not listed: the browser still sends the cookie (same host, other port), the API refuses it,
    // and CORS keeps the answer from the page's script.
    await page.goto(`${stranger.origin}/`);
    answered.length = 0;
    const fromStranger = await fetchFromPage(page, `${api}/me`);
    expect(fromStranger.error).toMatch(/TypeError/);
    expect(answered).toEqual([{ url: '/me', origin: stranger.origin, cookie: true, status: 401 }]);
    await page.close();
  });

  it('answers CORS as configured: credentials for listed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${api}/me`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    const listed = await preflight(trusted.origin);
    expect(listed.headers.get('access-control-allow-origin')).toBe(trusted.origin);
    expect(listed.headers.get('access-control-allow-credentials')).toBe('true');
    const unlisted = await preflight(stranger.origin);
    expect(unlisted.headers.get('access-control-allow-origin')).toBeNull();
  });
});
