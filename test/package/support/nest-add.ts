import { expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestIssuer, ServedJwks } from 'nestjs-warden/testing';
import { excerptFits } from '../../support/doc-apps.js';
import { codeBlocks, isTypeScript, roleOf } from '../../support/doc-blocks.js';
import { describeResult, run, type CommandResult } from './run-command.js';
import { startApp } from './running-app.js';

// `nest add nestjs-warden` on a starter, as a user runs it once the package is installed: with the
// starter's own @nestjs/cli (`npx nest`), `--skip-install` because the tarball is installed already.

/** A starter's files (not node_modules), with the node_modules of an app where the package is installed. */
export function cloneStarter(fixtureDir: string, installed: string, target: string): string {
  cpSync(fixtureDir, target, { recursive: true });
  // The starter's manifest with the dependency the install added (the installed app's may have been
  // changed by other tests since).
  const manifestFile = path.join(target, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { dependencies: Record<string, string> };
  const installedManifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  manifest.dependencies['nestjs-warden'] = installedManifest.dependencies['nestjs-warden'];
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  symlinkSync(path.join(installed, 'node_modules'), path.join(target, 'node_modules'));
  return target;
}

/** A digest of every file of the app but node_modules and dist: what a second `nest add` must not change. */
export function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (sub: string) => {
    for (const name of readdirSync(path.join(dir, sub)).sort()) {
      if (sub === '' && (name === 'node_modules' || name === 'dist')) continue;
      const relative = path.join(sub, name);
      const full = path.join(dir, relative);
      if (statSync(full).isDirectory()) walk(relative);
      else hash.update(`${relative}\0`).update(readFileSync(full)).update('\0');
    }
  };
  walk('');
  return hash.digest('hex');
}

/** Runs `nest add nestjs-warden` in `dir`; its output without colours (the CLI colours CREATE/UPDATE whatever NO_COLOR says). */
export async function nestAdd(dir: string, flags: string[] = []): Promise<CommandResult> {
  const result = await run('npx', ['--no-install', 'nest', 'add', 'nestjs-warden', '--skip-install', ...flags], dir, 120_000);
  // Terminal colour codes (ESC [ ... m) around the CLI output.
  // eslint-disable-next-line no-control-regex
  const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
  return { ...result, stdout: plain(result.stdout), stderr: plain(result.stderr) };
}

/** The README's excerpt of src/app.module.ts: the lines it says `nest add` writes. */
export function readmeModuleExcerpt(root: string): string {
  const block = codeBlocks(root, 'README.md').find(
    (b) => isTypeScript(b) && roleOf(b).kind === 'excerpt' && (roleOf(b) as { path: string }).path === 'src/app.module.ts',
  );
  if (!block) throw new Error('README.md has no excerpt of src/app.module.ts');
  return block.body;
}

/**
 * Runs `nest add` twice: the first run writes the setup (and the README's lines into the root
 * module), the second changes nothing. Returns the first run's output.
 */
export async function addTwice(root: string, dir: string): Promise<string> {
  const first = await nestAdd(dir);
  if (first.code !== 0) throw new Error(describeResult('nest add nestjs-warden', first));
  expect(first.stdout).toMatch(/added AuthModule\.forRoot\(\.\.\.\) to src\/app\.module\.ts/);
  expect(excerptFits(readmeModuleExcerpt(root), readFileSync(path.join(dir, 'src/app.module.ts'), 'utf8'))).toBe(true);
  const before = treeDigest(dir);
  const second = await nestAdd(dir);
  if (second.code !== 0) throw new Error(describeResult('nest add nestjs-warden (again)', second));
  expect(second.stdout).toContain('Nothing to be done');
  expect(treeDigest(dir)).toBe(before);
  return first.stdout;
}

/** Builds the app with its own `npm run build`, starts it, and calls `GET /`: 401 signed out, 200 signed in. */
export async function buildAndCall(dir: string, issuer: TestIssuer, served: ServedJwks): Promise<void> {
  const build = await run('npm', ['run', 'build'], dir, 180_000);
  if (build.code !== 0) throw new Error(describeResult('npm run build', build));
  const running = await startApp(dir, 'dist/main.js', { AUTH_JWKS_URL: served.jwksUrl, AUTH_ISSUER: issuer.issuer });
  try {
    const signedOut = await fetch(`${running.url}/`);
    expect([signedOut.status, signedOut.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="api"']);
    const signedIn = await fetch(`${running.url}/`, { headers: await issuer.headers({ sub: 'user_1', sid: 'sess_1' }) });
    expect([signedIn.status, await signedIn.text()]).toEqual([200, 'Hello World!']);
  } finally {
    await running.stop();
  }
}
