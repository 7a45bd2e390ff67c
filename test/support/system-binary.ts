import { existsSync } from 'node:fs';

/**
 * Whether a suite that drives a real program (redis-server, chromium) can run. Missing: one SKIPPED
 * line on a developer machine; under CI=true a throw, so CI never passes by skipping.
 *
 * @example
 * const haveRedis = hasSystemBinary('/usr/bin/redis-server', 'revocation (Redis)');
 * (haveRedis ? describe : describe.skip)('redis revocation store', () => { ... });
 */
export function hasSystemBinary(binary: string, suite: string): boolean {
  if (existsSync(binary)) return true;
  const hint = `${binary} is missing (npm test installs it with apt-get when run as root)`;
  if (process.env.CI === 'true') throw new Error(`${suite}: ${hint}`);
  process.stdout.write(`SKIPPED ${suite}: ${hint}\n`);
  return false;
}
