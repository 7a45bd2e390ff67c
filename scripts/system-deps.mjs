// First step of `npm test`: the Debian packages some e2e suites drive for real (redis-server for the
// revocation store, chromium for the browser test, openssl for a throwaway TLS certificate). Installs the missing ones when this process may
// (root with apt-get, as on CI); otherwise says which are missing, and those suites print SKIPPED
// (or fail under CI=true). Never fails the run by itself: the suites decide.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** binary that proves the package is there -> Debian package */
const PACKAGES = { '/usr/bin/redis-server': 'redis-server', '/usr/bin/chromium': 'chromium', '/usr/bin/openssl': 'openssl' };

const missing = Object.entries(PACKAGES)
  .filter(([bin]) => !existsSync(bin))
  .map(([, pkg]) => pkg);
if (missing.length === 0) process.exit(0);

const root = typeof process.getuid === 'function' && process.getuid() === 0;
const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
if (!root || !apt || process.env.NESTJS_WARDEN_NO_APT === '1') {
  console.log(`system-deps: missing ${missing.join(', ')} (install with: apt-get install -y ${missing.join(' ')}); the suites that need them will be SKIPPED`);
  process.exit(0);
}
console.log(`system-deps: installing ${missing.join(', ')} with apt-get`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
} catch (error) {
  console.log(
    `system-deps: apt-get failed (${error.status ?? error.message}); the suites that need ${missing.join(', ')} will be SKIPPED or fail under CI=true`,
  );
}
