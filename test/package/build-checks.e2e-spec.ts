import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The guards of `npm run build:lib` (scripts/lib-package/), fed small inputs: they must stop a build
// whose package would break users, and name the file at fault.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Entry {
  subpath: string;
  module: string;
  source?: string;
}
interface ManifestInput {
  template: Record<string, unknown>;
  workspace: Record<string, unknown>;
  entries: Entry[];
  runtimePackages: Map<string, string>;
  mainEntryPackages: Map<string, string>;
}
interface Helpers {
  buildManifest(input: ManifestInput): Record<string, unknown>;
  importsOf(file: string): { staticImports: string[]; dynamicImports: string[]; topLevelAwait: number | null };
  packageOf(specifier: string): string | null;
  readEntryPoints(root: string, packageName: string, sourceDir: string): Entry[];
}

let helpers: Helpers;
let tempDir: string;

const template = {
  name: 'nestjs-warden',
  version: '1.2.3',
  peerDependencies: { '@nestjs/common': '^11.0.0 || ^12.0.0', '@nestjs/graphql': '^13.0.0 || ^14.0.0' },
  peerDependenciesMeta: { '@nestjs/graphql': { optional: true } },
};
const workspace = { dependencies: { jose: '^6.2.18', '@nestjs/common': '^12.5.1' } };
const entries: Entry[] = [
  { subpath: '.', module: 'index' },
  { subpath: './graphql', module: 'graphql/index' },
];

beforeAll(async () => {
  const load = (file: string) => import(pathToFileURL(path.join(ROOT, 'scripts/lib-package', file)).href);
  helpers = { ...(await load('manifest.mjs')), ...(await load('inspect-output.mjs')), ...(await load('entry-points.mjs')) } as Helpers;
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'nestjs-warden-build-checks-'));
});

afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function moduleFile(name: string, text: string): string {
  const file = path.join(tempDir, name);
  writeFileSync(file, text);
  return file;
}

describe('build:lib manifest', () => {
  it('maps every entry point to types and default, and finds dependencies in the emitted code', () => {
    const manifest = helpers.buildManifest({
      template,
      workspace,
      entries,
      runtimePackages: new Map([
        ['jose', 'a.js'],
        ['@nestjs/common', 'b.js'],
        ['@nestjs/graphql', 'graphql/index.js'],
      ]),
      mainEntryPackages: new Map([
        ['jose', 'a.js'],
        ['@nestjs/common', 'b.js'],
      ]),
    });
    expect(manifest.exports).toEqual({
      '.': { types: './index.d.ts', default: './index.js' },
      './graphql': { types: './graphql/index.d.ts', default: './graphql/index.js' },
      './package.json': './package.json',
    });
    expect(manifest.typesVersions).toEqual({ '*': { graphql: ['./graphql/index.d.ts'] } });
    expect(manifest.dependencies).toEqual({ jose: '^6.2.18' }); // peers are never dependencies
    expect(manifest).toMatchObject({ name: 'nestjs-warden', version: '1.2.3', type: 'module', main: './index.js', types: './index.d.ts' });
  });

  it('refuses an import that is neither a workspace dependency nor a peer, naming the file', () => {
    const build = () =>
      helpers.buildManifest({ template, workspace, entries, runtimePackages: new Map([['left-pad', 'claims.js']]), mainEntryPackages: new Map() });
    expect(build).toThrow(/claims\.js imports "left-pad"/);
  });

  it('refuses an optional peer that loads with the main entry point, naming the file', () => {
    const build = () =>
      helpers.buildManifest({
        template,
        workspace,
        entries,
        runtimePackages: new Map([['@nestjs/graphql', 'request-context.js']]),
        mainEntryPackages: new Map([['@nestjs/graphql', 'request-context.js']]),
      });
    expect(build).toThrow(/request-context\.js statically imports the optional peer "@nestjs\/graphql"/);
  });

  it('reads the entry points from the tsconfig paths of the repository', () => {
    const found = helpers.readEntryPoints(ROOT, 'nestjs-warden', path.join(ROOT, 'libs/auth/src'));
    expect(found.map((e) => [e.subpath, e.module])).toEqual(
      expect.arrayContaining([
        ['.', 'index'],
        ['./testing', 'testing/index'],
      ]),
    );
  });
});

describe('build:lib output inspection', () => {
  it('finds top-level await, and only at the top level', () => {
    expect(helpers.importsOf(moduleFile('tla.js', "import x from 'jose';\nconst k = await x();\n")).topLevelAwait).toBe(2);
    expect(helpers.importsOf(moduleFile('for-await.js', 'for await (const a of []) {}\n')).topLevelAwait).toBe(1);
    const nested = 'export async function f() { await 1; }\nexport const g = async () => { for await (const a of []) {} };\n';
    expect(helpers.importsOf(moduleFile('nested.js', nested)).topLevelAwait).toBeNull();
  });

  it('tells static imports from dynamic ones, and packages from relative and node: imports', () => {
    const text =
      "import { a } from './a.js';\nexport { b } from '@nestjs/common';\nimport 'node:fs';\nexport async function f() { return import('@nestjs/graphql'); }\n";
    const { staticImports, dynamicImports } = helpers.importsOf(moduleFile('mixed.js', text));
    expect(staticImports).toEqual(['./a.js', '@nestjs/common', 'node:fs']);
    expect(dynamicImports).toEqual(['@nestjs/graphql']);
    expect(['./a.js', '@nestjs/common/x', 'node:fs', 'crypto', 'jose/jwk/embedded'].map(helpers.packageOf)).toEqual([
      null,
      '@nestjs/common',
      null,
      null,
      'jose',
    ]);
  });
});

describe("the docs' Jest configuration for CommonJS projects", () => {
  it('lets nestjs-warden and jose through, in npm and pnpm layouts, and nothing else', async () => {
    const { commonJsJestConfig } = await import('./support/docs-jest-config.js');
    const patterns = (commonJsJestConfig(ROOT).transformIgnorePatterns as string[]).map((p) => new RegExp(p));
    const ignored = (file: string) => patterns.some((p) => p.test(file));
    for (const file of [
      '/app/node_modules/nestjs-warden/index.js',
      '/app/node_modules/jose/dist/webapi/index.js',
      '/app/node_modules/.pnpm/jose@6.2.18/node_modules/jose/dist/webapi/index.js',
      '/app/node_modules/.pnpm/nestjs-warden@0.1.0_@nestjs+common@11.1.0/node_modules/nestjs-warden/index.js',
      '/app/src/app.module.ts',
    ]) {
      expect({ file, ignored: ignored(file) }).toEqual({ file, ignored: false });
    }
    for (const file of [
      '/app/node_modules/rxjs/dist/cjs/index.js',
      '/app/node_modules/@nestjs/common/index.js',
      '/app/node_modules/jose-extra/index.js',
      '/app/node_modules/.pnpm/rxjs@7.8.1/node_modules/rxjs/dist/cjs/index.js',
    ]) {
      expect({ file, ignored: ignored(file) }).toEqual({ file, ignored: true });
    }
  });

  it('maps relative imports ending in .js to their sources, and leaves packages alone', async () => {
    const { commonJsJestConfig } = await import('./support/docs-jest-config.js');
    const mapper = Object.entries(commonJsJestConfig(ROOT).moduleNameMapper as Record<string, string>);
    const map = (specifier: string) => {
      for (const [pattern, target] of mapper) if (new RegExp(pattern).test(specifier)) return specifier.replace(new RegExp(pattern), target);
      return specifier;
    };
    expect(['./app.controller.js', '../src/app.module.js', 'supertest/types.js', 'nestjs-warden', './data.json'].map(map)).toEqual([
      './app.controller',
      '../src/app.module',
      'supertest/types.js',
      'nestjs-warden',
      './data.json',
    ]);
  });
});
