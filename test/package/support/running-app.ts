import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { cleanEnv } from './run-command.js';

/** A starter app started with `node <main>` on 127.0.0.1, until stop(). */
export interface RunningApp {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Starts `node <main>` in `dir` with PORT and `env`, and resolves once `GET /` answers at all
 * (polled every 200 ms, for at most `deadlineMs`). Rejects with the app's output otherwise.
 */
export async function startApp(dir: string, main: string, env: Record<string, string>, deadlineMs = 30_000): Promise<RunningApp> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [main], { cwd: dir, env: cleanEnv({ ...env, PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) });
      return { url, output: () => output, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await stop();
  throw new Error(`node ${main} did not answer on ${url} within ${deadlineMs} ms:\n${output.slice(-4000)}`);
}
