import { execFile } from 'node:child_process';

/** Outcome of one command; never throws on a non-zero exit, so a test can assert on the output. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a command run in a throwaway app: ours minus what npm and Jest set for this
 * run (npm_config_*, npm_package_*, JEST_*, VITEST*), which would point npm at this workspace or
 * confuse the inner test runner, and AUTH_* variables.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // AUTH_*: the apps must prove they need no auth configuration where the docs say so.
    if (/^(npm_|JEST_|VITEST|AUTH_)/i.test(key) || key === 'INIT_CWD' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

/** Runs a command in `cwd` with a clean environment and a hard time limit. */
export function run(command: string, args: string[], cwd: string, timeoutMs = 180_000, env: Record<string, string> = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: cleanEnv(env), timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The output of a command, for a failure message. */
export function describeResult(label: string, result: CommandResult): string {
  return `${label} exited ${result.code}\n--- stdout\n${result.stdout.slice(-6000)}\n--- stderr\n${result.stderr.slice(-6000)}`;
}
