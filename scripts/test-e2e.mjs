// `npm run test:e2e`: the end-to-end suites in two passes. Most suites wait on servers and child
// processes, so they run two at a time (Jest's default on 2 cores is one); the suites that assert a
// latency (revocation reaching another replica within 250 ms, a bounded 503) run after them, one at a
// time, so a build running beside them cannot make them miss their bound. With arguments (a path, -t),
// one pass with them, two at a time.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Suites whose assertions include a time bound under load (paths relative to the repository). */
const TIMED = [
  'test/revocation-replicas.e2e-spec.ts',
  'test/backchannel-logout.e2e-spec.ts',
  'test/redis-revocation-clocks.e2e-spec.ts',
  'test/security/key-sources.e2e-spec.ts',
];

const jest = (args) =>
  spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', 'node_modules/jest/bin/jest.js', '--config', 'test/jest-e2e.json', ...args], {
    cwd: ROOT,
    stdio: 'inherit',
  }).status ?? 1;

const extra = process.argv.slice(2);
if (extra.length > 0) process.exit(jest(['--maxWorkers=2', ...extra]));
const escaped = TIMED.map((file) => `<rootDir>/${file.replace(/[.]/g, '\\.')}$`);
const ignored = ['/node_modules/', '<rootDir>/test/package/fixtures/', '<rootDir>/test/package/app-extras/', ...escaped];
const parallel = jest(['--maxWorkers=2', '--testPathIgnorePatterns', ...ignored]);
const timed = jest(['--runInBand', '--runTestsByPath', ...TIMED]);
process.exit(parallel || timed);
