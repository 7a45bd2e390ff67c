import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Auth, AuthModule, RequireAuth } from 'nestjs-warden';
import { runCli, startDevIssuerServer } from 'nestjs-warden/dev-issuer';
import request from 'supertest';
import { createHttpApp } from './support/http-app.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

@Controller()
class AppController {
  @Get('me')
  me(@Auth('userId') userId: string, @Auth('orgId') orgId: string | null) {
    return { userId, orgId };
  }

  @RequireAuth({ permission: 'org:invoices:read' })
  @Get('invoices')
  invoices() {
    return ['inv_1'];
  }
}

/** A started `nestjs-warden dev-issuer` process and what it printed. */
interface Started {
  child: ChildProcess;
  stdout: string;
  env: Record<string, string>;
}

let out: string;
let cwd: string;
let cli: string;
const children = new Set<ChildProcess>();
const apps: INestApplication[] = [];

/** Starts the bin as a user would (`npx nestjs-warden dev-issuer ...`); resolves once it printed its env lines. */
function startIssuer(args: string[]): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'dev-issuer', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`dev-issuer did not start in 20 s:\n${stdout}\n${stderr}`)), 20_000);
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!/^AUTH_ISSUER=.*\n/m.test(stdout)) return;
      clearTimeout(timer);
      const env = Object.fromEntries([...stdout.matchAll(/^(AUTH_[A-Z_]+)=(.*)$/gm)].map(([, k, v]) => [k, v]));
      resolve({ child, stdout, env });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dev-issuer exited (${code}):\n${stderr}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await exited;
  children.delete(child);
  return code;
}

async function cliRun(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The local address a TCP port listens on, from the kernel's table (Linux). */
function listeningAddress(port: number): string | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) return local.split(':')[0];
    }
  }
  return undefined;
}

async function appTrusting(env: Record<string, string>): Promise<INestApplication> {
  const saved = { AUTH_JWKS_URL: process.env.AUTH_JWKS_URL, AUTH_ISSUER: process.env.AUTH_ISSUER };
  Object.assign(process.env, env);
  try {
    const auth = AuthModule.forRoot({
      jwksUrl: process.env.AUTH_JWKS_URL,
      issuer: process.env.AUTH_ISSUER,
      global: true,
    });
    const app = await createHttpApp('express', { imports: [auth], controllers: [AppController] });
    apps.push(app);
    return app;
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

beforeAll(async () => {
  // The library as it ships (ESM .js with the bin's shebang), under node_modules so `jose` resolves.
  out = await mkdtemp(path.join(ROOT, 'node_modules/.cache-dev-issuer-'));
  await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'libs/auth/tsconfig.lib.json'), '--outDir', out], {
    cwd: ROOT,
    timeout: 120_000,
  });
  cli = path.join(out, 'dev-issuer/cli.js');
  cwd = await mkdtemp(path.join(os.tmpdir(), 'nestjs-warden-dev-issuer-'));
}, 150_000);

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const child of children) await stop(child);
  if (out) await rm(out, { recursive: true, force: true });
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

describe('npx nestjs-warden dev-issuer / token', () => {
  let port: number;
  let first: Started;
  let kid: string;
  let tokenBeforeRestart: string;

  it('serves a JWKS on 127.0.0.1 at the given port, prints the env lines, keeps its key in a 0600 file', async () => {
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    port = await freePort();
    first = await startIssuer(['--port', String(port)]);
    expect(first.env).toEqual({ AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`, AUTH_ISSUER: `http://127.0.0.1:${port}` });
    if (process.platform === 'linux') expect(listeningAddress(port)).toBe('0100007F'); // 127.0.0.1, not 0.0.0.0

    const jwks = await fetch(first.env.AUTH_JWKS_URL).then((r) => r.json() as Promise<{ keys: Array<Record<string, unknown>> }>);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
    kid = jwks.keys[0].kid as string;
    expect(first.stdout).toContain(`kid ${kid}`);

    const discovery = await fetch(`${first.env.AUTH_ISSUER}/.well-known/openid-configuration`).then((r) => r.json());
    expect(discovery).toMatchObject({ issuer: first.env.AUTH_ISSUER, jwks_uri: first.env.AUTH_JWKS_URL });

    const keyFile = path.join(cwd, '.nestjs-warden/dev-issuer-key.json');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(keyFile)).mode & 0o777).toBe(0o700);
  });

  it('mints from the command line, with no server involved, a token a real AuthModule app accepts', async () => {
    const app = await appTrusting(first.env);
    const minted = await cliRun([
      'token',
      '--sub',
      'user_1',
      '--org',
      'org_1',
      '--role',
      'org:admin',
      '--permission',
      'org:invoices:read',
      '--expires',
      '3600',
    ]);
    expect(minted.code).toBe(0);
    tokenBeforeRestart = minted.stdout.trim();
    const bearer = { Authorization: `Bearer ${tokenBeforeRestart}` };
    await request(app.getHttpServer()).get('/me').set(bearer).expect(200, { userId: 'user_1', orgId: 'org_1' });
    await request(app.getHttpServer()).get('/invoices').set(bearer).expect(200);
    const plain = (await cliRun(['token', '--sub', 'user_2'])).stdout.trim();
    await request(app.getHttpServer()).get('/invoices').set('Authorization', `Bearer ${plain}`).expect(403);
  });

  it('mints over HTTP too (POST /tokens), and refuses bad requests with 400', async () => {
    const app = await appTrusting(first.env);
    const post = (body: string) => fetch(`${first.env.AUTH_ISSUER}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const created = await post('{"sub":"user_http"}');
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`).expect(200, { userId: 'user_http', orgId: null });
    expect((await post('{"sub":5}')).status).toBe(400);
    expect((await post('not json')).status).toBe(400);
    expect((await post('{"expiresInSeconds":999999}')).status).toBe(400);
    expect((await fetch(`${first.env.AUTH_ISSUER}/tokens`)).status).toBe(405);
  });

  it('keeps its key across restarts: same kid, and tokens minted before still verify', async () => {
    expect(await stop(first.child)).toBe(0);
    const second = await startIssuer(['--port', String(port)]);
    const jwks = await fetch(second.env.AUTH_JWKS_URL).then((r) => r.json() as Promise<{ keys: Array<{ kid: string }> }>);
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid]);
    const app = await appTrusting(second.env);
    await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${tokenBeforeRestart}`).expect(200);
    await stop(second.child);
  });

  it('says what is wrong: a taken port, a bad option, no key file yet', async () => {
    const holder = await startIssuer(['--port', '0']);
    const taken = new URL(holder.env.AUTH_ISSUER).port;
    const busy = await cliRun(['dev-issuer', '--port', taken]);
    expect(busy).toMatchObject({ code: 1, stderr: `nestjs-warden: port ${taken} on 127.0.0.1 is in use: pick another with --port\n` });
    await stop(holder.child);
    expect(await cliRun(['dev-issuer', '--port', 'abc'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--port must be a port number') });
    expect(await cliRun(['token', '--nope'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--nope'") });
    const missing = await cliRun(['token', '--sub', 'u', '--key-file', 'nowhere/key.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no key at');
  });

  it('is not part of the runtime: the main entry point never imports it', async () => {
    const { importsOf } = (await import(pathToFileURL(path.join(ROOT, 'scripts/lib-package/inspect-output.mjs')).href)) as {
      importsOf(file: string): { staticImports: string[]; dynamicImports: string[] };
    };
    const seen = new Set<string>();
    const queue = [path.join(out, 'index.js')];
    while (queue.length > 0 && seen.size < 500) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const { staticImports, dynamicImports } = importsOf(file);
      for (const specifier of [...staticImports, ...dynamicImports]) {
        if (specifier.startsWith('.')) queue.push(path.resolve(path.dirname(file), specifier));
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].filter((file) => file.includes(`${path.sep}dev-issuer${path.sep}`))).toEqual([]);
  });
});

describe('dev-issuer and a key file others may read', () => {
  /** Runs `dev-issuer` in process in `dir`; returns what it wrote to stderr and the mode the key file has once it runs. */
  async function serve(dir: string, port: number): Promise<{ stderr: string; mode: number; url: string }> {
    let stderr = '';
    const result = await runCli(['dev-issuer', '--port', String(port)], { stdout: () => undefined, stderr: (text) => (stderr += text), cwd: dir });
    expect(result.code).toBe(0);
    try {
      return { stderr, mode: statSync(path.join(dir, '.nestjs-warden/dev-issuer-key.json')).mode & 0o777, url: result.running!.url };
    } finally {
      await result.running!.close();
    }
  }

  it('warns when the file was readable by others before it restricts it to 0600, whether or not it records a new issuer', async () => {
    if (process.platform === 'win32') return;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nestjs-warden-key-mode-'));
    try {
      const keyFile = path.join(dir, '.nestjs-warden/dev-issuer-key.json');
      const fresh = await serve(dir, 0);
      expect(fresh).toMatchObject({ stderr: '', mode: 0o600 });
      // Readable by others, and the server records another issuer (another port): the file is rewritten.
      await chmod(keyFile, 0o644);
      const moved = await serve(dir, 0);
      expect(moved.stderr).toBe(`warning: ${keyFile} was readable by other users; it is now 0600. Delete it to make a new key if they may have copied it\n`);
      expect(moved.mode).toBe(0o600);
      // Readable by others, and the same issuer (nothing to record): still warned, and restricted too.
      await chmod(keyFile, 0o640);
      const same = await serve(dir, Number(new URL(moved.url).port));
      expect(same.stderr).toContain('was readable by other users; it is now 0600');
      expect(same.mode).toBe(0o600);
      expect(await serve(dir, 0)).toMatchObject({ stderr: '', mode: 0o600 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('nestjs-warden/dev-issuer in a test', () => {
  it('runs in process on a free port with a key in memory', async () => {
    const issuer = await startDevIssuerServer({ port: 0, keyFile: false });
    const token = await issuer.issuer.mint({ sub: 'user_1', org_id: 'org_1' });
    try {
      const app = await appTrusting({ AUTH_JWKS_URL: issuer.jwksUrl, AUTH_ISSUER: issuer.url });
      await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`).expect(200, { userId: 'user_1', orgId: 'org_1' });
    } finally {
      await issuer.close();
    }
  });
});
