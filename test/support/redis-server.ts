import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const REDIS_SERVER = '/usr/bin/redis-server';

/** A real redis-server on 127.0.0.1 without persistence, which a test may kill and start again on the same port. */
export interface RedisProcess {
  port: number;
  url: string;
  /** Starts it (again) on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL, as a crash: every connection drops, and with no persistence the data is gone. */
  kill(): Promise<void>;
}

/** A free loopback port (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts redis-server on a free loopback port (or `port`) with `--save '' --appendonly no`. Kill it in afterAll. */
export async function startRedis(port?: number): Promise<RedisProcess> {
  port ??= await freePort();
  let child: ChildProcess | null = null;
  const redis: RedisProcess = {
    port,
    url: `redis://127.0.0.1:${port}`,
    start: () =>
      new Promise<void>((resolve, reject) => {
        const started = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child = started;
        let out = '';
        const timer = setTimeout(() => fail(new Error('redis-server did not start within 10 s')), 10_000);
        const fail = (error: Error) => {
          clearTimeout(timer);
          started.kill('SIGKILL');
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

/** Polls `check` every 5 ms until it is true or `ms` passed; returns the time it took, or throws. */
export async function within(ms: number, check: () => boolean | Promise<boolean>, what: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
