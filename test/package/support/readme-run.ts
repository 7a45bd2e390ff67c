import { expect } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeResult, run } from './run-command.js';
import { cleanEnv } from './run-command.js';
import { startApp } from './running-app.js';

// The README's "Run it, with a token in one line", pasted into a starter that has the Quick start:
// a local issuer from the installed package, the app pointed at it, and the three curl lines. Ports
// are the only change: a free one for the issuer (4000 in the README) and for the app (3000).

/** The bash blocks of the README section, in order. */
function runItBlocks(root: string): string[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('### Run it, with a token in one line');
  const section = readme.slice(start, readme.indexOf('\n### ', start + 5));
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)\n```/g)].map(([, body]) => body);
  if (blocks.length !== 3) throw new Error(`README "Run it" has ${blocks.length} bash blocks, expected 3`);
  return blocks;
}

/** Starts `npx nestjs-warden dev-issuer` in `dir` on a free port; resolves with its URL once it printed it. */
function startDevIssuer(dir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--no-install', 'nestjs-warden', 'dev-issuer', '--port', '0'], {
      cwd: dir,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: npx does not pass a SIGTERM on to the issuer it started, so the group is stopped.
      detached: true,
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`dev-issuer did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /^AUTH_ISSUER=(\S+)$/m.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}

export async function runReadmeSession(root: string, dir: string): Promise<void> {
  const [issuerCommand, startCommand, curls] = runItBlocks(root);
  expect(issuerCommand.trim()).toBe('npx nestjs-warden dev-issuer');
  const issuer = await startDevIssuer(dir);
  try {
    // "AUTH_JWKS_URL=... AUTH_ISSUER=... npm run start", with the issuer's real port; the app is the built one.
    const env = Object.fromEntries(
      [...startCommand.replaceAll('127.0.0.1:4000', new URL(issuer.url).host).matchAll(/\b(AUTH_[A-Z_]+)=(\S+)/g)].map(([, k, v]) => [k, v]),
    );
    expect(Object.keys(env).sort()).toEqual(['AUTH_ISSUER', 'AUTH_JWKS_URL']);
    expect(startCommand).toMatch(/ npm run start$/);
    const app = await startApp(dir, 'dist/main.js', env);
    try {
      const session = curls.replaceAll('localhost:3000', new URL(app.url).host);
      const result = await run('bash', ['-c', session], dir, 60_000);
      if (result.code !== 0) throw new Error(describeResult('the README curl lines', result));
      expect(result.stdout).toContain('Hello World!');
      expect(result.stdout).toMatch(/HTTP\/1\.1 401 Unauthorized[\s\S]*WWW-Authenticate: Bearer realm="api"/i);
      expect(result.stdout).toContain('{"userId":"user_1","orgId":null}');
      expect(result.stderr).toBe('');
    } finally {
      await app.stop();
    }
  } finally {
    await stopGroup(issuer.child);
  }
}

/** Stops a detached child and everything it started; resolves once it exited (or after 10 s). */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  await exited;
}
