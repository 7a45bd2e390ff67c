import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startNodeApp, type Replica } from '../replica/replicas.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Compiles test/support/throttler/throttler-app.ts (and the library files it imports) into a folder
 * under node_modules, so its package imports resolve from this repo. Returns the entry and a cleanup.
 */
export async function compileThrottlerApp(): Promise<{ entry: string; remove(): Promise<void> }> {
  const out = await mkdtemp(join(root, 'node_modules/.cache-throttler-'));
  const flags = [
    '--ignoreConfig',
    '--noCheck',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'ES2022',
    '--experimentalDecorators',
    '--emitDecoratorMetadata',
  ];
  const more = ['--skipLibCheck', '--esModuleInterop', '--types', 'node', '--rootDir', root, '--outDir', out];
  await promisify(execFile)(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), ...flags, ...more, join(root, 'test/support/throttler/throttler-app.ts')],
    {
      cwd: root,
      timeout: 150_000,
    },
  );
  // The repo is "type": "module"; the compiled folder sits under node_modules, which has no package.json of its own.
  await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
  return { entry: join(out, 'test/support/throttler/throttler-app.js'), remove: () => rm(out, { recursive: true, force: true }) };
}

/** Starts one compiled replica. */
export function startThrottlerApp(
  entry: string,
  config: { jwks: object; issuer: string; adapter: 'express' | 'fastify'; redisUrl?: string; graphql?: boolean },
): Promise<Replica> {
  return startNodeApp([entry], config);
}
