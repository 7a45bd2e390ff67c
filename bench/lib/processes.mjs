// Child processes of the bench: one server at a time pinned to one core, autocannon on the other.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Whether processes can be pinned to cores (Linux `taskset`). */
export const canPin = HAS_TASKSET;

function pinned(cpu, args) {
  return HAS_TASKSET && cpu !== undefined ? ['taskset', ['-c', String(cpu), process.execPath, ...args]] : [process.execPath, args];
}

/**
 * Starts `servers/<name>.mjs` on `cpu`; resolves once it listens. BENCH_SERVER_NODE_ARGS adds node
 * flags to the servers, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them.
 */
export function startServer(name, config, cpu) {
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const [command, args] = pinned(cpu, [...extra, `${BENCH_DIR}servers/${name}.mjs`]);
  const child = spawn(command, args, {
    cwd: BENCH_DIR,
    env: { ...process.env, BENCH_CONFIG: JSON.stringify(config), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('did not start within 30 s')), 30_000);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`server ${name}: ${error.message}\n${stderr}`));
    };
    child.once('exit', (code) => fail(new Error(`exited with ${code}`)));
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /READY (\d+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        url: `http://127.0.0.1:${match[1]}/me`,
        pid: child.pid,
        stop: () =>
          new Promise((done) => {
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

/** One autocannon run (see load.mjs) on `cpu`; resolves with its JSON result. */
export function runLoad(job, cpu) {
  const [command, args] = pinned(cpu, [`${BENCH_DIR}load.mjs`]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: BENCH_DIR, env: { ...process.env, BENCH_LOAD: JSON.stringify(job) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err = (err + chunk).slice(-4000)));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load failed (${code}): ${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        reject(new Error(`load printed no result: ${out} ${err}`));
      }
    });
  });
}

/** Runs a node script in the bench directory and returns its last stdout line as JSON. */
export function runNodeJson(args, env = {}) {
  const result = spawnSync(process.execPath, args, { cwd: BENCH_DIR, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. On a
 * shared machine this is steadier than req/s: other loads slow a server down but do not add to its CPU time.
 */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
