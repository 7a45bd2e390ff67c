import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../verification/loopback-server.spec-support.js';

// The one helper that starts a real Redis for tests: the unit specs import it from here (Stryker's
// sandbox leaves test/ out) and the e2e suites through test/support/redis-server.ts.

/** Where the real Redis of the tests is (a Debian package; `.ci/run` installs it when missing). */
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

/** A real redis-server on 127.0.0.1 without persistence, which a test may kill and start again on the same port. */
export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** Starts it (again) on the same port, unless it runs; resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL, as a crash: every connection drops, and with no persistence the data is gone. */
  kill(): Promise<void>;
}

/** Starts redis-server on a free loopback port (or `port`) with `--save '' --appendonly no`. Kill it in afterAll. */
export async function startRedis(port?: number): Promise<RedisProcess> {
  const listenOn = port ?? (await freePort());
  let child: ChildProcess | null = null;
  const redis: RedisProcess = {
    port: listenOn,
    url: `redis://127.0.0.1:${listenOn}`,
    start: () =>
      new Promise<void>((resolve, reject) => {
        // Already running: a second server could not bind the port, and would take the handle of the first.
        if (child && child.exitCode === null && child.signalCode === null) return resolve();
        const started = spawn(REDIS_SERVER, ['--port', String(listenOn), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        child = started;
        let out = '';
        const timer = setTimeout(() => fail(new Error('redis-server did not start within 10 s')), 10_000);
        const fail = (error: Error) => {
          clearTimeout(timer);
          started.kill('SIGKILL');
          // Redis logs to stdout: its last lines say why it would not start (a port in use, a bad flag).
          reject(new Error(`${error.message}\n${out.slice(-2000)}`));
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
