import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readmeJestConfig } from './support/readme-jest-config.js';
import { describeResult, run, type CommandResult } from './support/run-command.js';
import { createThrowawayApp, type ThrowawayApp } from './support/throwaway-app.js';

// The package as users meet it: built by `npm run build:lib`, packed, installed from the tarball into
// a NestJS 12 ESM app and a NestJS 11 CommonJS app made in a temp folder, whose own suites then run.
// Installs come from the npm cache when it has the packages; the whole file takes a minute or two.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = path.join(ROOT, 'dist/libs/auth');
const FIXTURES = path.join(ROOT, 'test/package/fixtures');
const TYPE_SURFACE = path.join(ROOT, 'test/types/public-api.types.ts');
const SETUP_TIMEOUT = 420_000;
const STEP_TIMEOUT = 180_000;

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

let tempRoot: string;
let tarball: string;
let packedFiles: string[];
let manifest: Record<string, any>;
let cjsApp: ThrowawayApp;
let esmApp: ThrowawayApp;

function expectOk(label: string, result: CommandResult): void {
  if (result.code !== 0) throw new Error(describeResult(label, result));
}

/** The majors a semver range admits among the ones we care about, e.g. "^11.0.0 || ^12.0.0" -> [11, 12]. */
function majorsOf(range: string): number[] {
  return range.split('||').map((part) => Number(/\^?(\d+)/.exec(part.trim())?.[1]));
}

beforeAll(async () => {
  expectOk('npm run build:lib', await run('node', ['scripts/build-lib.mjs'], ROOT));
  manifest = JSON.parse(readFileSync(path.join(DIST, 'package.json'), 'utf8'));
  tempRoot = mkdtempSync(path.join(os.tmpdir(), 'nestjs-warden-package-'));
  const pack = await run('npm', ['pack', DIST, '--pack-destination', tempRoot, '--json', '--loglevel=error'], ROOT);
  expectOk('npm pack', pack);
  const [packed] = JSON.parse(pack.stdout) as PackResult[];
  tarball = path.join(tempRoot, packed.filename);
  packedFiles = packed.files.map((f) => f.path).sort();

  const [cjs, esm] = await Promise.all([
    createThrowawayApp(path.join(FIXTURES, 'nest11-cjs'), tempRoot, tarball),
    createThrowawayApp(path.join(FIXTURES, 'nest12-esm'), tempRoot, tarball),
  ]);
  expectOk('npm install (NestJS 11 app)', cjs.install);
  expectOk('npm install (NestJS 12 app)', esm.install);
  cjsApp = cjs.app;
  esmApp = esm.app;
  for (const app of [cjsApp, esmApp]) cpSync(TYPE_SURFACE, path.join(app.dir, 'types/public-api.types.ts'));
}, SETUP_TIMEOUT);

afterAll(() => {
  if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the ESM build, its types, and the documents, and nothing for tests or development', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'SECURITY.md', 'CHANGELOG.md', 'index.js', 'index.d.ts']));
    const unexpected = packedFiles.filter(
      (f) => !/\.(js|d\.ts)$/.test(f) && !['package.json', 'README.md', 'LICENSE', 'SECURITY.md', 'CHANGELOG.md'].includes(f),
    );
    expect(unexpected).toEqual([]);
    expect(packedFiles.filter((f) => /(\.|-)(spec|test)\.|e2e|fixture|__/.test(f))).toEqual([]);
    for (const js of packedFiles.filter((f) => f.endsWith('.js'))) {
      expect(packedFiles).toContain(js.replace(/\.js$/, '.d.ts'));
    }
  });

  it('has no source maps pointing at missing files, and no secrets', () => {
    for (const file of packedFiles) {
      const text = readFileSync(path.join(DIST, file), 'utf8');
      for (const [, target] of text.matchAll(/[#@] sourceMappingURL=(\S+)/g)) {
        expect({ file, map: target, packed: packedFiles.includes(path.posix.join(path.posix.dirname(file), target)) }).toEqual({ file, map: target, packed: true });
      }
      expect({ file, privateKey: /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text) }).toEqual({ file, privateKey: false });
      expect({ file, npmToken: /npm_[A-Za-z0-9]{36}|_authToken/.test(text) }).toEqual({ file, npmToken: false });
    }
    expect(packedFiles.filter((f) => /(^|\/)\.(env|npmrc)|\.(pem|key|p12|tgz)$/.test(f))).toEqual([]);
  });

  it('declares a package.json users can install on Node 20.19+ with NestJS 11 or 12', () => {
    expect(manifest).toMatchObject({ name: 'nestjs-warden', type: 'module', engines: { node: '>=20.19' } });
    expect(manifest.exports['.']).toEqual({ types: './index.d.ts', default: './index.js' });
    expect(manifest.exports['./testing']).toEqual({ types: './testing/index.d.ts', default: './testing/index.js' });
    for (const target of Object.values<Record<string, string> | string>(manifest.exports)) {
      for (const file of typeof target === 'string' ? [target] : Object.values(target)) expect(packedFiles).toContain(file.slice(2));
    }
    // jose is the only crypto; the runtime dependencies stay this small.
    expect(Object.keys(manifest.dependencies).sort()).toEqual(expect.arrayContaining(['jose']));
    // lru-cache (no dependencies of its own) backs the verified-token cache.
    expect(Object.keys(manifest.dependencies).filter((d) => !['jose', 'cookie', 'lru-cache'].includes(d))).toEqual([]);
    for (const peer of ['@nestjs/common', '@nestjs/core']) expect(majorsOf(manifest.peerDependencies[peer])).toEqual(expect.arrayContaining([11, 12]));
    expect(Object.keys(manifest.peerDependencies)).toEqual(expect.arrayContaining(['reflect-metadata', 'rxjs']));
    for (const optional of ['@nestjs/platform-fastify', '@nestjs/graphql', '@nestjs/websockets', '@nestjs/microservices']) {
      expect({ optional, meta: manifest.peerDependenciesMeta[optional] }).toEqual({ optional, meta: { optional: true } });
    }
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    expect(readFileSync(path.join(DIST, 'CHANGELOG.md'), 'utf8')).toContain(`## [${manifest.version}]`);
  });

  it('passes npm publish --dry-run without warnings', async () => {
    const result = await run('npm', ['publish', DIST, '--dry-run', '--tag', 'dry-run'], ROOT, STEP_TIMEOUT);
    expectOk('npm publish --dry-run', result);
    // Only the reminder that this machine is not logged in to the registry may appear. npm's warnings
    // are its `npm warn` lines: a file listing (`npm notice … boot-warnings.js`) is not one.
    const warnings = result.stderr.split('\n').filter((line) => /^npm warn\b/i.test(line) && !/logged in|login|E?NEEDAUTH/i.test(line));
    expect(warnings).toEqual([]);
    expect(result.stderr).toContain(`${manifest.name}@${manifest.version}`);
  }, STEP_TIMEOUT);
});

describe('in a NestJS 11 CommonJS app (Jest in CommonJS mode)', () => {
  const jestE2e = ['jest', '--config', './test/jest-e2e.json', '--ci', '--no-cache'];
  const [major, minor] = process.versions.node.split('.').map(Number);
  const jestLoadsEsm = major > 24 || (major === 24 && minor >= 9);

  it('the starter Jest setup alone cannot load the ESM packages (why the README configuration exists)', async () => {
    if (jestLoadsEsm) return; // Jest supports require(esm) natively there
    const result = await cjsApp.run('npx', jestE2e, STEP_TIMEOUT);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Must use import to load ES Module|Cannot use import statement outside a module/);
  }, STEP_TIMEOUT);

  it("passes its e2e suite with the README's Jest configuration", async () => {
    const config = readmeJestConfig(path.join(ROOT, 'README.md'));
    cjsApp.mergeJson('test/jest-e2e.json', config);
    const result = await cjsApp.run('npx', jestE2e, STEP_TIMEOUT);
    expectOk('jest (NestJS 11 app)', result);
    expect(result.stderr).toMatch(/Tests:\s+5 passed, 5 total/);
  }, STEP_TIMEOUT);

  it('type-checks with the starter tsconfig (nodenext) and the older one (commonjs), type surface included', async () => {
    expectOk('tsc nodenext (NestJS 11 app)', await cjsApp.run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], STEP_TIMEOUT));
    expectOk('tsc commonjs (NestJS 11 app)', await cjsApp.run('npx', ['tsc', '-p', 'tsconfig.legacy.json', '--noEmit'], STEP_TIMEOUT));
  }, STEP_TIMEOUT);

  it('builds and runs with node dist/main (require of an ES module)', async () => {
    expectOk('tsc build (NestJS 11 app)', await cjsApp.run('npx', ['tsc', '-p', 'tsconfig.build.json'], STEP_TIMEOUT));
    const result = await cjsApp.run('node', ['dist/main'], 60_000);
    expectOk('node dist/main (NestJS 11 app)', result);
    expect(result.stdout).toContain('GET /me -> 401 Bearer');
  }, STEP_TIMEOUT);
});

describe('in a NestJS 12 ESM app', () => {
  it('passes its e2e suite, with a second copy of the package agreeing with the first', async () => {
    esmApp.duplicatePackage('nestjs-warden', 'nestjs-warden-copy');
    const result = await esmApp.run('node', ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--config', './test/jest-e2e.json', '--ci', '--no-cache'], STEP_TIMEOUT);
    expectOk('jest (NestJS 12 app)', result);
    expect(result.stderr).toMatch(/Tests:\s+8 passed, 8 total/);
  }, STEP_TIMEOUT);

  it('type-checks, type surface included', async () => {
    expectOk('tsc (NestJS 12 app)', await esmApp.run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], STEP_TIMEOUT));
  }, STEP_TIMEOUT);

  it('builds and runs with node dist/main.js', async () => {
    expectOk('tsc build (NestJS 12 app)', await esmApp.run('npx', ['tsc', '-p', 'tsconfig.build.json'], STEP_TIMEOUT));
    const result = await esmApp.run('node', ['dist/main.js'], 60_000);
    expectOk('node dist/main.js (NestJS 12 app)', result);
    expect(result.stdout).toContain('GET /me -> 401 Bearer');
  }, STEP_TIMEOUT);
});
