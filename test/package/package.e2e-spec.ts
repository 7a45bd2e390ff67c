import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, type ServedTestIssuer, type TestIssuer } from 'nestjs-warden/testing';
import { commonJsJestConfig } from './support/docs-jest-config.js';
import { describeResult, run, type CommandResult } from './support/run-command.js';
import { addTwice, buildAndCall, cloneStarter, nestAdd, treeDigest } from './support/nest-add.js';
import { runReadmeSession } from './support/readme-run.js';
import { addDocsAndExtras, bootWithoutConfig, callQuickStart } from './support/starter-app.js';
import { createThrowawayApp, type ThrowawayApp } from './support/throwaway-app.js';

// The package as users meet it: built by `npm run build:lib`, packed, and installed from the tarball
// into the NestJS 11 (CommonJS, Jest) and NestJS 12 (ESM, Vitest, @nestjs/observe) starter apps
// exactly as today's `nest new` generates them (test/package/fixtures/*-current,
// scripts/regenerate-starter-fixtures.mjs): one install per starter, shared by every test here. Into
// both go the Quick start's files, read from docs/quick-start.md at test time, and this test's own
// suites (test/package/app-extras/). Then each app is built with its own `npm run build`, started and
// called, and its own test suites run; the README's "Run it" lines are run against one of them.
// `nest add nestjs-warden` runs on fresh copies of both starters (and of the older NestJS 12 snapshot,
// without @nestjs/observe), which share the installs' node_modules. Installs come from the npm cache
// when it has the packages; the whole file takes three or four minutes.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = path.join(ROOT, 'dist/libs/auth');
const FIXTURES = path.join(ROOT, 'test/package/fixtures');
const SETUP_TIMEOUT = 420_000;
const STEP_TIMEOUT = 180_000;
/** Linters, formatters and deploy tools of the starters: nothing a build or a test run needs. */
const NOT_NEEDED = /^(@eslint\/|eslint|globals$|prettier$|typescript-eslint$|oxlint|@vitest\/coverage|@nestjs\/mau$)/;
/** The Quick start's file variant for the NestJS 12 starter of today (docs/quick-start.md). */
const OBSERVE_VARIANT = 'NestJS 12 starter, with @nestjs/observe';

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

let tempRoot: string;
/** A copy of the built package: `nest build` (another suite) deletes dist/ while this one runs. */
let DIST: string;
let tarball: string;
let packedFiles: string[];
// The packed package.json, as JSON: its fields are whatever the build wrote.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let manifest: Record<string, any>;
let cjsApp: ThrowawayApp;
let esmApp: ThrowawayApp;
let issuer: TestIssuer;
let served: ServedTestIssuer;

function expectOk(label: string, result: CommandResult): void {
  if (result.code !== 0) throw new Error(describeResult(label, result));
}

/** The majors a semver range admits among the ones we care about, e.g. "^11.0.0 || ^12.0.0" -> [11, 12]. */
function majorsOf(range: string): number[] {
  return range.split('||').map((part) => Number(/\^?(\d+)/.exec(part.trim())?.[1]));
}

beforeAll(async () => {
  expectOk('npm run build:lib', await run('node', ['scripts/build-lib.mjs'], ROOT));
  tempRoot = mkdtempSync(path.join(os.tmpdir(), 'nestjs-warden-package-'));
  DIST = path.join(tempRoot, 'built');
  cpSync(BUILT, DIST, { recursive: true });
  manifest = JSON.parse(readFileSync(path.join(DIST, 'package.json'), 'utf8'));
  const pack = await run('npm', ['pack', DIST, '--pack-destination', tempRoot, '--json', '--loglevel=error'], ROOT);
  expectOk('npm pack', pack);
  const [packed] = JSON.parse(pack.stdout) as PackResult[];
  tarball = path.join(tempRoot, packed.filename);
  packedFiles = packed.files.map((f) => f.path).sort();

  const [cjs, esm] = await Promise.all([
    createThrowawayApp(path.join(FIXTURES, 'nest11-current'), tempRoot, tarball, NOT_NEEDED),
    createThrowawayApp(path.join(FIXTURES, 'nest12-current'), tempRoot, tarball, NOT_NEEDED),
  ]);
  expectOk('npm install (NestJS 11 starter)', cjs.install);
  expectOk('npm install (NestJS 12 starter)', esm.install);
  cjsApp = cjs.app;
  esmApp = esm.app;
  addDocsAndExtras(cjsApp, 'nest11-cjs');
  addDocsAndExtras(esmApp, 'nest12-esm', OBSERVE_VARIANT);
  issuer = await createTestIssuer({ issuer: 'https://issuer.example.test' });
  served = await issuer.serve();
}, SETUP_TIMEOUT);

afterAll(async () => {
  await served?.close();
  if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the ESM build, its types, and the documents, and nothing for tests or development', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'SECURITY.md', 'CHANGELOG.md', 'index.js', 'index.d.ts', 'docs/README.md']),
    );
    const unexpected = packedFiles.filter(
      (f) =>
        !/\.(js|d\.ts)$/.test(f) &&
        !/^docs\/[\w-]+\.md$/.test(f) &&
        !/^schematics\/([\w-]+\/)?(collection|schema)\.json$/.test(f) &&
        !['package.json', 'README.md', 'LICENSE', 'SECURITY.md', 'CHANGELOG.md'].includes(f),
    );
    expect(unexpected).toEqual([]);
    expect(packedFiles.filter((f) => /(\.|-)(spec|test)\.|e2e|fixture|__/.test(f))).toEqual([]);
    for (const js of packedFiles.filter((f) => f.endsWith('.js'))) {
      expect(packedFiles).toContain(js.replace(/\.js$/, '.d.ts'));
    }
  });

  it('ships the docs with links that resolve inside the package', () => {
    const broken: string[] = [];
    for (const doc of packedFiles.filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(path.join(DIST, doc), 'utf8')
        .replace(/```[\s\S]*?```/g, '')
        .replace(/`[^`]*`/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue;
        if (!packedFiles.includes(path.posix.normalize(path.posix.join(path.posix.dirname(doc), target)))) broken.push(`${doc} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('has no source maps pointing at missing files, and no secrets', () => {
    for (const file of packedFiles) {
      const text = readFileSync(path.join(DIST, file), 'utf8');
      for (const [, target] of text.matchAll(/[#@] sourceMappingURL=(\S+)/g)) {
        expect({ file, map: target, packed: packedFiles.includes(path.posix.join(path.posix.dirname(file), target)) }).toEqual({
          file,
          map: target,
          packed: true,
        });
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
    expect(manifest.exports['./dev-issuer']).toEqual({ types: './dev-issuer/index.d.ts', default: './dev-issuer/index.js' });
    expect(manifest.bin).toEqual({ 'nestjs-warden': 'dev-issuer/cli.js' });
    expect(packedFiles).toContain('dev-issuer/cli.js');
    // `nest add nestjs-warden` finds its schematic through this field; typescript only the schematic loads.
    expect(manifest.schematics).toBe('./schematics/collection.json');
    expect(packedFiles).toEqual(expect.arrayContaining(['schematics/collection.json', 'schematics/nest-add/index.js', 'schematics/nest-add/schema.json']));
    expect(manifest.peerDependenciesMeta.typescript).toEqual({ optional: true });
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

  it(
    'passes npm publish --dry-run without warnings',
    async () => {
      const result = await run('npm', ['publish', DIST, '--dry-run', '--tag', 'dry-run'], ROOT, STEP_TIMEOUT);
      expectOk('npm publish --dry-run', result);
      // Only the reminder that this machine is not logged in to the registry may appear. npm's warnings
      // are its `npm warn` lines: a file listing (`npm notice … boot-warnings.js`) is not one.
      const warnings = result.stderr.split('\n').filter((line) => /^npm warn\b/i.test(line) && !/logged in|login|E?NEEDAUTH/i.test(line));
      expect(warnings).toEqual([]);
      expect(result.stderr).toContain(`${manifest.name}@${manifest.version}`);
    },
    STEP_TIMEOUT,
  );
});

/**
 * The long steps of both apps, each started once and shared: the NestJS 11 tests start their NestJS 12
 * counterpart at the same time, so the two apps build, test and type-check side by side (Jest runs
 * one suite at a time on a 2-core machine, leaving a core for this).
 */
const steps = new Map<string, Promise<CommandResult>>();
function step(name: string, start: () => Promise<CommandResult>): Promise<CommandResult> {
  if (!steps.has(name)) steps.set(name, start());
  return steps.get(name)!;
}
const buildEsm = () => step('build esm', () => esmApp.run('npm', ['run', 'build'], STEP_TIMEOUT));
const testEsm = () =>
  step('test esm', async () => {
    esmApp.duplicatePackage('nestjs-warden', 'nestjs-warden-copy');
    const unit = await esmApp.run('npm', ['test'], STEP_TIMEOUT);
    if (unit.code !== 0) return unit;
    const e2e = await esmApp.run('npm', ['run', 'test:e2e'], STEP_TIMEOUT);
    return { ...e2e, stdout: `${unit.stdout}\n${e2e.stdout}` };
  });
const typeCheckEsm = () => step('tsc esm', () => esmApp.run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], STEP_TIMEOUT));

describe('in the NestJS 11 CommonJS starter (Jest in CommonJS mode)', () => {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const jestLoadsEsm = major > 24 || (major === 24 && minor >= 9);

  it(
    "builds with its own npm run build, and serves the README's Quick start",
    async () => {
      const [build] = await Promise.all([cjsApp.run('npm', ['run', 'build'], STEP_TIMEOUT), buildEsm()]);
      expectOk('npm run build (NestJS 11 starter)', build);
      await callQuickStart(cjsApp, issuer, served);
      await bootWithoutConfig(cjsApp);
    },
    STEP_TIMEOUT,
  );

  it(
    'the starter Jest setup alone cannot load the ESM packages (why the docs configuration exists)',
    async () => {
      if (jestLoadsEsm) return; // Jest supports require(esm) natively there
      const result = await cjsApp.run('npx', ['jest', '--config', './test/jest-e2e.json', '--ci', '--no-cache'], STEP_TIMEOUT);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/Must use import to load ES Module|Cannot use import statement outside a module|Cannot find module '\.\/app/);
    },
    STEP_TIMEOUT,
  );

  it(
    "passes its own unit and e2e suites with the docs' Jest configuration, no auth variables set",
    async () => {
      const config = commonJsJestConfig(ROOT);
      cjsApp.mergeJson('package.json', config, 'jest');
      cjsApp.mergeJson('test/jest-e2e.json', config);
      const suites = async () => {
        const unit = await cjsApp.run('npx', ['jest', '--ci', '--no-cache'], STEP_TIMEOUT);
        expectOk('npm test (NestJS 11 starter)', unit);
        expect(unit.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
        const e2e = await cjsApp.run('npx', ['jest', '--config', './test/jest-e2e.json', '--ci', '--no-cache'], STEP_TIMEOUT);
        expectOk('npm run test:e2e (NestJS 11 starter)', e2e);
        // the docs' starter e2e test (3) and this test's own suite (5)
        expect(e2e.stderr).toMatch(/Tests:\s+8 passed, 8 total/);
      };
      await Promise.all([suites(), testEsm()]);
    },
    STEP_TIMEOUT,
  );

  it(
    'type-checks with the starter tsconfig (nodenext, type surface included) and the older one (commonjs)',
    async () => {
      const [nodenext, legacy] = await Promise.all([
        cjsApp.run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], STEP_TIMEOUT),
        cjsApp.run('npx', ['tsc', '-p', 'tsconfig.legacy.json', '--noEmit'], STEP_TIMEOUT),
        typeCheckEsm(),
      ]);
      expectOk('tsc nodenext (NestJS 11 starter)', nodenext);
      expectOk('tsc commonjs (NestJS 11 starter)', legacy);
    },
    STEP_TIMEOUT,
  );

  it(
    'installs the nestjs-warden command (npx nestjs-warden); --help of a command exits 0',
    async () => {
      const result = await cjsApp.run('npx', ['--no-install', 'nestjs-warden', 'help'], 60_000);
      expectOk('npx nestjs-warden help', result);
      expect(result.stdout).toContain('nestjs-warden dev-issuer [--port 4000]');
      const tokenHelp = await cjsApp.run('npx', ['--no-install', 'nestjs-warden', 'token', '--help'], 60_000);
      expectOk('npx nestjs-warden token --help', tokenHelp);
      expect(tokenHelp.stdout).toContain('nestjs-warden token --m2m');
    },
    STEP_TIMEOUT,
  );
});

describe('in the NestJS 12 ESM starter (Vitest)', () => {
  it(
    "builds with its own npm run build, and serves the README's Quick start",
    async () => {
      expectOk('npm run build (NestJS 12 starter)', await buildEsm());
      await callQuickStart(esmApp, issuer, served);
      await bootWithoutConfig(esmApp);
    },
    STEP_TIMEOUT,
  );

  it(
    'passes its own unit and e2e suites, no auth variables set, with a second copy of the package agreeing with the first',
    async () => {
      const result = await testEsm();
      expectOk('npm test && npm run test:e2e (NestJS 12 starter)', result);
      expect(result.stdout).toMatch(/Tests\s+1 passed \(1\)/);
      // the docs' starter e2e test (3), this test's own suite (5) and the two copies (3)
      expect(result.stdout).toMatch(/Tests\s+11 passed \(11\)/);
    },
    STEP_TIMEOUT,
  );

  it(
    'type-checks, type surface included',
    async () => {
      expectOk('tsc (NestJS 12 starter)', await typeCheckEsm());
    },
    STEP_TIMEOUT,
  );

  it(
    'installs the nestjs-warden command (npx nestjs-warden)',
    async () => {
      const result = await esmApp.run('npx', ['--no-install', 'nestjs-warden', 'help'], 60_000);
      expectOk('npx nestjs-warden help', result);
      expect(result.stdout).toContain('nestjs-warden dev-issuer [--port 4000]');
    },
    STEP_TIMEOUT,
  );

  it(
    'answers the README\'s "Run it" lines: a local issuer, the app, a token in one line',
    async () => {
      await runReadmeSession(ROOT, esmApp.dir);
    },
    STEP_TIMEOUT,
  );
});

describe('nest add nestjs-warden, on fresh starters', () => {
  /** A fresh copy of a starter (NestJS 11 or 12 of today, or the older NestJS 12 one) over an installed app's node_modules. */
  const fresh = (fixture: string, installed: ThrowawayApp, name: string) =>
    cloneStarter(path.join(FIXTURES, fixture), installed.dir, path.join(tempRoot, name));

  it(
    'NestJS 11: writes the setup once (a second run changes nothing), builds, answers 401 and 200; its own Jest suites pass',
    async () => {
      const dir = fresh('nest11-current', cjsApp, 'add-nest11');
      const output = await addTwice(ROOT, dir);
      expect(output).toMatch(/package\.json \(jest\): Jest loads nestjs-warden and jose/);
      await buildAndCall(dir, issuer, served);
      const unit = await run('npx', ['jest', '--ci'], dir, STEP_TIMEOUT);
      expectOk('npm test (NestJS 11 starter after nest add)', unit);
      const e2e = await run('npx', ['jest', '--config', './test/jest-e2e.json', '--ci'], dir, STEP_TIMEOUT);
      expectOk('npm run test:e2e (NestJS 11 starter after nest add, no auth variables)', e2e);
    },
    STEP_TIMEOUT,
  );

  it(
    'NestJS 12 with @nestjs/observe: keeps it, writes the setup once, builds, answers 401 and 200; its own e2e test passes',
    async () => {
      const dir = fresh('nest12-current', esmApp, 'add-nest12');
      await addTwice(ROOT, dir);
      expect(readFileSync(path.join(dir, 'src/app.module.ts'), 'utf8')).toMatch(/ObserveModule\.forRoot\([\s\S]*AuthModule\.forRoot\(/);
      expect(readFileSync(path.join(dir, 'src/main.ts'), 'utf8')).toContain('ObserveInstrument');
      await buildAndCall(dir, issuer, served);
      const e2e = await run('npm', ['run', 'test:e2e'], dir, STEP_TIMEOUT);
      expectOk('npm run test:e2e (NestJS 12 starter after nest add, no auth variables)', e2e);
    },
    STEP_TIMEOUT,
  );

  it(
    'the older NestJS 12 starter (no @nestjs/observe): writes the setup, builds, answers 401 and 200',
    async () => {
      const dir = fresh('nest12-esm', esmApp, 'add-nest12-esm');
      await addTwice(ROOT, dir);
      await buildAndCall(dir, issuer, served);
    },
    STEP_TIMEOUT,
  );

  it(
    '--dry-run says what it would change, and changes nothing',
    async () => {
      const dir = fresh('nest12-current', esmApp, 'add-dry-run');
      const before = treeDigest(dir);
      const result = await nestAdd(dir, ['--dry-run']);
      expectOk('nest add nestjs-warden --dry-run', result);
      expect(result.stdout).toMatch(/UPDATE src\/app\.module\.ts/);
      expect(result.stdout).toMatch(/CREATE \.env\.example/);
      expect(treeDigest(dir)).toBe(before);
    },
    STEP_TIMEOUT,
  );
});
