import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const support = join(root, 'test/support/peer-check');

// The library is compiled as it ships (ESM .js) into a folder under node_modules, so that its bare
// imports resolve from this repo's node_modules, where the optional peers are then hidden.
describe('an app with only @nestjs/platform-express', () => {
  let out: string;
  let log: string;

  beforeAll(async () => {
    out = await mkdtemp(join(root, 'node_modules/.cache-peer-check-'));
    log = join(out, 'hidden-peers.log');
    await writeFile(log, '');
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'libs/auth/tsconfig.lib.json'), '--outDir', out], {
      cwd: root,
      timeout: 120_000,
    });
  }, 150_000);
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  const node = (args: string[]) =>
    run(process.execPath, ['--no-warnings', '--import', join(support, 'hide-optional-peers.mjs'), ...args], {
      cwd: root,
      timeout: 30_000,
      env: { ...process.env, HIDDEN_PEERS_LOG: log, NODE_OPTIONS: '' },
    });

  it('the hidden packages really are missing in that process', async () => {
    await expect(node(['--input-type=module', '-e', "await import('@nestjs/websockets')"])).rejects.toThrow(/Cannot find package/);
    await expect(node(['--input-type=module', '-e', "await import('ioredis')"])).rejects.toThrow(/Cannot find package/);
  });

  it('imports nestjs-warden and nestjs-warden/testing, boots, and answers 401 / 200, never touching WebSocket, RPC or GraphQL packages', async () => {
    await writeFile(log, '');
    const { stdout } = await node([join(support, 'express-only-app.mjs'), join(out, 'index.js'), join(out, 'testing/index.js')]);
    expect(JSON.parse(stdout.trim().split('\n').pop() ?? '')).toEqual({
      signedOut: 401,
      signedIn: 200,
      body: { userId: 'user_express_only' },
    });
    const attempts = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    // Nest's core probes for the optional packages itself: proof that attempts are seen at all.
    expect(attempts.some((line) => line.includes('/@nestjs/core/'))).toBe(true);
    expect(attempts.filter((line) => line.includes(pathToFileURL(out).href))).toEqual([]);
  });
});
