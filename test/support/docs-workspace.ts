import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import path from 'node:path';
import type { DocApp } from './doc-apps.js';

// A starter app folder in which the docs' apps are compiled and run: the NestJS 12 starter's
// package.json and tsconfig.json, a node_modules made of links to this repository's packages (every
// package the docs name is a devDependency here), and nestjs-warden built as it ships
// (`scripts/build-lib.mjs --out-dir`), so the apps import it exactly as users do. Nothing is installed.

/** Outcome of a command; never throws, so a test can show the output. */
export interface Ran {
  code: number;
  output: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, env: { ...cleanEnv(), ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** Ours without Jest's and npm's variables and without AUTH_*: the apps get only what a test gives them. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|JEST_|AUTH_|NODE_OPTIONS$|REDIS_URL$)/i.test(key)));
}

/**
 * Makes `dir` a starter app: the starter's package.json, its tsconfig.json (test globals from Jest,
 * which runs the docs' tests here, instead of Vitest), links to `root`'s packages, and nestjs-warden
 * built into node_modules/nestjs-warden. Returns the build's output when it failed.
 */
export async function prepareDocsWorkspace(root: string, dir: string, starter: Map<string, string>): Promise<Ran> {
  writeFileSync(path.join(dir, 'package.json'), starter.get('package.json')!);
  const tsconfig = JSON.parse(starter.get('tsconfig.json')!) as { compilerOptions: Record<string, unknown> };
  const compilerOptions = { ...tsconfig.compilerOptions, types: ['jest', 'node'], incremental: false, declaration: false, sourceMap: false };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['apps/*/src', 'apps/*/test'] }, null, 2));
  const modules = path.join(dir, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(path.join(root, 'node_modules'))) {
    if (name === 'nestjs-warden' || name.startsWith('.cache')) continue;
    symlinkSync(path.join(root, 'node_modules', name), path.join(modules, name));
  }
  return run(process.execPath, [path.join(root, 'scripts/build-lib.mjs'), '--out-dir', path.join(modules, 'nestjs-warden')], root, 180_000);
}

/** Writes each app's src/ and test/ files under apps/<name>/. */
export function writeApps(dir: string, apps: readonly DocApp[]): void {
  for (const app of apps) {
    for (const [file, { text }] of app.files) {
      if (!file.startsWith('src/') && !file.startsWith('test/')) continue;
      const target = path.join(dir, 'apps', app.name, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
  }
}

/** Compiles every app (one tsc run) into dist/apps/<name>/; diagnostics point at the docs' lines. */
export async function compileApps(
  root: string,
  dir: string,
  apps: readonly DocApp[],
  project = 'tsconfig.json',
  folder = 'apps',
): Promise<{ ok: boolean; diagnostics: string[] }> {
  const result = await run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', project, '--pretty', 'false'], dir, 300_000);
  const located = new RegExp(`^${folder.replace(/\//g, '\\/')}\\/([^/]+)\\/(.+?)\\((\\d+),\\d+\\): (.*)$`);
  const diagnostics = result.output
    .split('\n')
    .filter((line) => /error TS\d+/.test(line))
    .map((line) => {
      const match = located.exec(line);
      const app = match && apps.find((a) => a.name === match[1]);
      const block = app?.files.get(match![2])?.block;
      return block ? `${block.doc}:${block.line + Number(match![3])} (${match![2]} of app ${app.name}): ${match![4]}` : line;
    });
  return { ok: result.code === 0, diagnostics: diagnostics.length > 0 || result.code === 0 ? diagnostics : [result.output.slice(-4000)] };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** `GET /` over https: for an app that ends TLS itself. A probe of our own app on 127.0.0.1, so its certificate is not checked. */
function httpsStatus(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false, agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', reject);
    req.end();
  });
}

/** `GET /` over http; when something listens but does not speak plain HTTP (an app ending TLS, docs/sender-constrained.md), over https. */
async function statusOf(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) })).status;
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') throw error;
    return httpsStatus(port);
  }
}

/**
 * Starts an app's `src/main.ts` (compiled) with `env` and a free PORT, waits until `GET /` answers
 * (polled, for at most `deadlineMs`; over https when the app ends TLS itself), and stops it. The app
 * ran when it answered without a 5xx and did not exit on its own.
 */
export async function bootApp(
  dir: string,
  app: DocApp,
  env: Record<string, string>,
  deadlineMs = 20_000,
): Promise<{ ok: boolean; status: number | null; output: string }> {
  const port = await freePort();
  const main = path.join(dir, 'dist/apps', app.name, 'src/main.js');
  const child = spawn(process.execPath, [main], { cwd: dir, env: { ...cleanEnv(), ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let status: number | null = null;
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline && child.exitCode === null && status === null) {
    try {
      status = await statusOf(port);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  if (child.exitCode === null) child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
  clearTimeout(timer);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  return { ok: status !== null && status < 500, status, output };
}

/** Runs the compiled test files of the apps with Jest (ES modules, the tests' globals), in one run, with `env`. */
export function runAppTests(root: string, dir: string, apps: readonly DocApp[], env: Record<string, string> = {}): Promise<Ran> {
  const files = apps.flatMap((app) => app.tests.map((file) => `dist/apps/${app.name}/${file.replace(/\.ts$/, '.js')}`));
  const config = { rootDir: dir, roots: ['<rootDir>/dist/apps'], testRegex: '\\.(e2e-)?spec\\.js$', transform: {}, testEnvironment: 'node' };
  return run(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--no-warnings',
      path.join(root, 'node_modules/jest/bin/jest.js'),
      '--config',
      JSON.stringify(config),
      '--ci',
      '--runTestsByPath',
      ...files,
    ],
    dir,
    300_000,
    env,
  );
}

/** A test of the workspace itself: the text of a file written for an app. */
export function appFile(dir: string, app: DocApp, file: string): string {
  return readFileSync(path.join(dir, 'apps', app.name, file), 'utf8');
}
