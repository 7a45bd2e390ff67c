import { expect } from '@jest/globals';
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clerkSessionClaims, type ServedJwks, type TestIssuer } from 'nestjs-warden/testing';
import { quickStartFiles } from '../../support/doc-blocks.js';
import { startApp } from './running-app.js';
import type { ThrowawayApp } from './throwaway-app.js';

// What the package test does to a starter app: add the docs' files and its own suites, then start
// the built app and call it as the README's Quick start says.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const EXTRAS = path.join(ROOT, 'test/package/app-extras');
const TYPE_SURFACE = path.join(ROOT, 'test/types/public-api.types.ts');
/** The files docs/quick-start.md shows whole: what a user adds to, or changes in, a fresh starter. */
const DOC_FILES = ['src/app.module.ts', 'src/invoices.controller.ts', 'src/app.controller.ts', 'test/app.e2e-spec.ts'];

/**
 * The starter plus the Quick start's files (with `variant`, that variant's: NestJS 12's starter with
 * @nestjs/observe has its own `src/app.module.ts`), this test's own suites and the type surface.
 */
export function addDocsAndExtras(app: ThrowawayApp, name: string, variant: string | null = null): void {
  const files = quickStartFiles(ROOT, variant);
  expect([...files.keys()].sort()).toEqual([...DOC_FILES].sort());
  app.writeFiles(files);
  cpSync(path.join(EXTRAS, 'common'), app.dir, { recursive: true });
  if (existsSync(path.join(EXTRAS, name))) cpSync(path.join(EXTRAS, name), app.dir, { recursive: true });
  cpSync(TYPE_SURFACE, path.join(app.dir, 'test/types/public-api.types.ts'));
}

/** Starts the built app against the served test issuer and calls it as the README's Quick start says. */
export async function callQuickStart(app: ThrowawayApp, issuer: TestIssuer, served: ServedJwks): Promise<void> {
  const running = await startApp(app.dir, 'dist/main.js', { AUTH_JWKS_URL: served.jwksUrl, AUTH_ISSUER: issuer.issuer });
  try {
    const get = (route: string, headers: Record<string, string> = {}) => fetch(`${running.url}${route}`, { headers });
    const home = await get('/');
    expect([home.status, await home.text()]).toEqual([200, 'Hello World!']);
    const signedOut = await get('/invoices/mine');
    expect([signedOut.status, signedOut.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="api"']);
    const user = await issuer.headers(clerkSessionClaims({ userId: 'user_1' }));
    const mine = await get('/invoices/mine', user);
    expect([mine.status, await mine.json()]).toEqual([200, { userId: 'user_1', orgId: null }]);
    expect((await get('/invoices', user)).status).toBe(403);
    const reader = await issuer.headers(
      clerkSessionClaims({ userId: 'user_2', org: { id: 'org_1', role: 'admin', permissions: ['org:invoices:read'] }, features: ['o:invoices'] }),
    );
    const list = await get('/invoices', reader);
    expect([list.status, await list.json()]).toEqual([200, { orgId: 'org_1' }]);
    const teaser = await get('/invoices/public');
    expect([teaser.status, await teaser.json()]).toEqual([200, { more: false }]);
    expect(running.output()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  } finally {
    await running.stop();
  }
}

/** Without the auth variables the Quick start app stops at boot, naming the option. */
export async function bootWithoutConfig(app: ThrowawayApp): Promise<void> {
  // PORT 0: should the boot not stop, the app listens on a free port until the time limit kills it.
  const result = await app.run('node', ['dist/main.js'], 30_000, { PORT: '0' });
  expect(result.code).not.toBe(0);
  expect(result.stderr + result.stdout).toMatch(/jwksUrl/);
}
