import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the real Redis of the unit specs is (the e2e suites use the same binary, test/support/redis-server.ts). */
export const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * Whether the Redis unit specs can run. Without redis-server: one SKIPPED line on a developer
 * machine; under CI=true a throw, so CI never passes by skipping.
 */
export function haveRedisServer(suite: string): boolean {
  if (existsSync(REDIS_SERVER)) return true;
  const hint = `${REDIS_SERVER} is missing (npm test installs it with apt-get when run as root)`;
  if (process.env.CI === 'true') throw new Error(`${suite}: ${hint}`);
  process.stdout.write(`SKIPPED ${suite}: ${hint}\n`);
  return false;
}

/** A redis-server on 127.0.0.1 without persistence that a spec may kill (a crash: the data is gone) and start again on its port. */
export interface RedisUnderTest {
  readonly url: string;
  /** Starts it (again) on its port, unless it runs. */
  start(): Promise<void>;
  kill(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts redis-server on a free loopback port; kill it in afterAll. */
export async function startRedisServer(): Promise<RedisUnderTest> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const redis: RedisUnderTest = {
    url: `redis://127.0.0.1:${port}`,
    start: () =>
      new Promise<void>((resolve, reject) => {
        // Already running: nothing to do (a second server could not bind the port, and would take the handle of the first).
        if (child && child.exitCode === null && child.signalCode === null) return resolve();
        const started = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        child = started;
        let out = '';
        const timer = setTimeout(() => fail(new Error('redis-server did not start within 10 s')), 10_000);
        const fail = (error: Error) => {
          clearTimeout(timer);
          started.kill('SIGKILL');
          reject(error);
        };
        started.once('exit', (code) => fail(new Error(`redis-server exited with ${code}`)));
        started.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('Ready to accept connections')) {
            clearTimeout(timer);
            started.removeAllListeners('exit');
            resolve();
          }
        });
      }),
    kill: () =>
      new Promise<void>((resolve) => {
        const running = child;
        child = null;
        if (!running || running.exitCode !== null || running.signalCode !== null) return resolve();
        running.once('exit', () => resolve());
        running.kill('SIGKILL');
      }),
  };
  await redis.start();
  return redis;
}

/** Polls `check` every 5 ms until it holds; throws after `ms` (a bound, never a pass). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
