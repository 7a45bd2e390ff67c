import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { createTestIssuer } from 'nestjs-warden/testing';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts a command and resolves once it logs that it listens; rejects after the deadline. */
function startServer(command: string, args: string[], env: NodeJS.ProcessEnv, deadlineMs: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Listening on" within ${deadlineMs} ms:\n${output}`)), deadlineMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Listening on')) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
}

function stop(child: ChildProcess | undefined): void {
  if (child?.pid && child.exitCode === null) {
    child.removeAllListeners('exit');
    process.kill(-child.pid, 'SIGTERM');
  }
}

/** CONTRIBUTING.md's "Try the demo" shell block, pointed at the given port. */
function readmeCurlSession(port: number): string {
  const guide = readFileSync(`${ROOT}/CONTRIBUTING.md`, 'utf8');
  const section = guide.slice(guide.indexOf('## Try the demo'));
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('CONTRIBUTING.md has no bash block under "Try the demo"');
  return block.replaceAll('localhost:3000', `localhost:${port}`);
}

describe('the demo walkthrough (CONTRIBUTING.md), pasted', () => {
  let demo: ChildProcess | undefined;
  let port: number;
  let logs: () => string;

  beforeAll(async () => {
    port = await freePort();
    const started = await startServer(
      'npm',
      ['start'],
      { PORT: String(port), AUTH_JWKS_URL: '', AUTH_JWT_KEY: '', AUTH_ISSUER: '', AUTH_AUDIENCE: '', AUTH_AUTHORIZED_PARTIES: '' },
      120_000,
    );
    demo = started.child;
    logs = started.output;
  }, 130_000);
  afterAll(() => stop(demo));

  it('npm start logs loudly that it runs a dev issuer', () => {
    expect(logs()).toMatch(/DEV ISSUER ACTIVE/);
  });

  it('the curl session answers as CONTRIBUTING.md says', async () => {
    const { stdout } = await run('bash', ['-c', readmeCurlSession(port)], { cwd: ROOT, env: { ...process.env, PORT: String(port) }, timeout: 60_000 });
    expect(stdout).toContain('{"status":"ok"}');
    expect(stdout).toMatch(/HTTP\/1\.1 401 Unauthorized[\s\S]*WWW-Authenticate: Bearer realm="api"\r?\n/);
    expect(stdout).toContain('"userId":"user_123"');
    expect(stdout).toContain('"signedIn":false');
    expect(stdout).toContain('"signedIn":true');
    expect(stdout).toContain('"orgId":"org_1","invoices"');
    expect(stdout).toMatch(/HTTP\/1\.1 403 Forbidden[\s\S]*error="insufficient_scope"/);
    expect(stdout).toContain('error="invalid_token"');
    expect(logs()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  }, 70_000);
});

describe('the demo with a real key source', () => {
  it('turns the dev issuer off and trusts AUTH_JWKS_URL + AUTH_ISSUER', async () => {
    const issuer = await createTestIssuer({ issuer: 'https://issuer.test' });
    const jwks = await issuer.serve();
    const port = await freePort();
    await run('npx', ['nest', 'build'], { cwd: ROOT, timeout: 120_000 });
    const { child, output } = await startServer(
      'node',
      ['dist/src/main.js'],
      { PORT: String(port), AUTH_JWKS_URL: jwks.jwksUrl, AUTH_ISSUER: issuer.issuer },
      60_000,
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      expect(output()).not.toMatch(/DEV ISSUER/);
      expect((await fetch(`${base}/dev/tokens`, { method: 'POST' })).status).toBe(404);
      const token = await issuer.sign({ sub: 'user_real' });
      const me = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await me.json()) as { userId: string }).userId).toBe('user_real');
    } finally {
      stop(child);
      await jwks.close();
    }
  }, 200_000);
});
