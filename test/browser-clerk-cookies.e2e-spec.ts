import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AuthModule, clerk } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { clerkCookieSuffix } from '../libs/auth/src/config/clerk-cookie-options.js';
import { ProbeController } from './support/probe.controller.js';
import { hasSystemBinary } from './support/system-binary.js';

/**
 * Clerk's cookie rules in a real browser (system Chromium, as test/browser.e2e-spec.ts): the page sets
 * `__session` and `__client_uat` from script, as clerk-js does, and calls the API with `fetch`; a
 * second tab signs out or in again by moving `__client_uat`, and the first tab's session cookie stops
 * working. Apps sharing the domain: this instance's suffixed cookies are read beside another's.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const haveChromium = hasSystemBinary(CHROMIUM, 'browser (Clerk cookie rules in system Chromium)');

const FRONTEND_API = 'clerk.browser.test';
const ISSUER = `https://${FRONTEND_API}`;
const publishableKey = `pk_live_${Buffer.from(`${FRONTEND_API}$`).toString('base64')}`;
const PAGE = '<!doctype html><title>app</title><p>app</p>';
const now = () => Math.floor(Date.now() / 1000);

/** Sets cookies from the page's script, as clerk-js does (`document.cookie`, path /). */
function setCookies(page: Page, cookies: Record<string, string>): Promise<void> {
  return page.evaluate((pairs) => {
    const { document } = globalThis as unknown as { document: { cookie: string } };
    for (const [name, value] of Object.entries(pairs)) document.cookie = `${name}=${value}; path=/; SameSite=Lax`;
  }, cookies);
}

/** `fetch('/me')` from the page, with its cookies: the status and, signed in, the session; signed out, the reason (debug). */
function callMe(page: Page): Promise<{ status: number; sessionId?: string; reason?: string }> {
  return page.evaluate(async () => {
    const response = await fetch('/me', { credentials: 'same-origin' });
    const body = (await response.json()) as { sessionId?: string; reason?: string };
    return { status: response.status, sessionId: body.sessionId, reason: body.reason };
  });
}

(haveChromium ? describe : describe.skip)("Clerk's cookie rules in a real browser (system Chromium)", () => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let origin: string;
  let context: BrowserContext;
  let profile: string;
  const session = (sid: string, age: number, iss = ISSUER) => issuer.sign({ sub: 'user_1', sid, iss, iat: now() - age, nbf: now() - age - 5, exp: now() + 60 });

  beforeAll(async () => {
    issuer = await createTestIssuer({ issuer: ISSUER });
    const options = clerk({ publishableKey, jwtKey: issuer.publicKeyPem, debug: true });
    const moduleRef = await Test.createTestingModule({ imports: [AuthModule.forRoot({ ...options, global: true })], controllers: [ProbeController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    // The app's page, outside any guarded route.
    app.use('/app', (_req: IncomingMessage, res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    await app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    const { chromium } = await import('playwright-core');
    profile = await mkdtemp(path.join(os.tmpdir(), 'nestjs-warden-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  }, 30_000);

  it('a sign-out in another tab ends the session cookie: __client_uat newer than the token, then 0', async () => {
    await context.clearCookies();
    const tab = await context.newPage();
    const other = await context.newPage();
    await tab.goto(`${origin}/app`);
    await other.goto(`${origin}/app`);
    await setCookies(tab, { __session: await session('sess_tab', 20), __client_uat: String(now() - 30) });
    expect(await callMe(tab)).toEqual({ status: 200, sessionId: 'sess_tab' });

    // The other tab signs out and in again: a newer __client_uat, while this tab's session cookie stays behind.
    await setCookies(other, { __client_uat: String(now()) });
    expect(await callMe(tab)).toEqual({ status: 401, reason: 'session-token-iat-before-client-uat' });

    // Signed out: __client_uat=0.
    await setCookies(other, { __client_uat: '0' });
    expect(await callMe(tab)).toEqual({ status: 401, reason: 'session-token-but-no-client-uat' });

    // Signed in again: a session cookie minted after the last sign-in counts.
    await setCookies(other, { __session: await session('sess_again', 0), __client_uat: String(now() - 5) });
    expect(await callMe(tab)).toEqual({ status: 200, sessionId: 'sess_again' });
    await tab.close();
    await other.close();
  });

  it("apps sharing the domain: this instance's suffixed cookies, beside another instance's unsuffixed ones", async () => {
    await context.clearCookies();
    const tab = await context.newPage();
    await tab.goto(`${origin}/app`);
    const suffix = clerkCookieSuffix(publishableKey);
    await setCookies(tab, {
      __session: await session('sess_elsewhere', 5, 'https://clerk.other-app.test'),
      __client_uat: String(now() - 10),
      [`__session_${suffix}`]: await session('sess_mine', 20),
      [`__client_uat_${suffix}`]: String(now() - 30),
    });
    expect(await callMe(tab)).toEqual({ status: 200, sessionId: 'sess_mine' });
    await setCookies(tab, { [`__client_uat_${suffix}`]: String(now()) });
    expect(await callMe(tab)).toEqual({ status: 401, reason: 'session-token-iat-before-client-uat' });
    await tab.close();
  });
});
