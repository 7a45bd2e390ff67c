import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A running replica process. */
export interface Replica {
  origin: string;
  stop(): Promise<void>;
}

/**
 * Compiles the library as it ships into a folder under node_modules (so its imports resolve from
 * this repo), for replica processes to import. Returns its index.js and a cleanup.
 */
export async function compileLibrary(): Promise<{ index: string; remove(): Promise<void> }> {
  const out = await mkdtemp(join(root, 'node_modules/.cache-replicas-'));
  await promisify(execFile)(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'libs/auth/tsconfig.lib.json'), '--outDir', out, '--declaration', 'false'],
    {
      cwd: root,
      timeout: 150_000,
    },
  );
  return { index: join(out, 'index.js'), remove: () => rm(out, { recursive: true, force: true }) };
}

/** Starts test/support/replica/replica-app.mjs as its own node process; resolves once it listens. */
export function startReplica(libraryIndex: string, config: object): Promise<Replica> {
  return startNodeApp([join(root, 'test/support/replica/replica-app.mjs'), libraryIndex], config);
}

/** Starts `node <args>` with `REPLICA_CONFIG`; resolves once it prints `READY <port>`. */
export function startNodeApp(args: string[], config: object): Promise<Replica> {
  const child = spawn(process.execPath, ['--no-warnings', ...args], {
    cwd: root,
    env: { ...process.env, REPLICA_CONFIG: JSON.stringify(config), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => fail(new Error('did not start within 30 s')), 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`replica: ${error.message}\n${stderr}`));
    };
    child.once('exit', (code) => fail(new Error(`exited with ${code}`)));
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\d+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolvePromise({
        origin: `http://127.0.0.1:${match[1]}`,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
