// `npm run build:lib`: builds libs/auth into dist/libs/auth as the package users install
// (`npm pack dist/libs/auth`). Fails, naming the file, when the output would not work for them.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEntryPoints } from './lib-package/entry-points.mjs';
import { importsOf, listFiles, packageOf, staticPackagesOf } from './lib-package/inspect-output.mjs';
import { buildManifest } from './lib-package/manifest.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const libDir = path.join(root, 'libs/auth');
// `--out-dir <dir>`: build the package there instead (tests install it into an app's node_modules;
// dist/ is `nest build`'s, which deletes it).
const outArg = process.argv.indexOf('--out-dir');
const outDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'dist/libs/auth');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

// A clean folder, so files deleted from the sources never ship from an older build.
rmSync(outDir, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(libDir, 'tsconfig.lib.json'), '--outDir', outDir], {
  stdio: 'inherit',
});

// Files tsc does not emit but the package needs: the schematics collection and its schemas (`nest add`).
for (const file of listFiles(path.join(libDir, 'src')).filter((f) => f.endsWith('.json'))) {
  mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true });
  copyFileSync(path.join(libDir, 'src', file), path.join(outDir, file));
}

const template = readJson(path.join(libDir, 'package.json'));
const entries = readEntryPoints(root, template.name, path.join(libDir, 'src'));
for (const { subpath, module } of entries) {
  for (const ext of ['.js', '.d.ts']) {
    if (!existsSync(path.join(outDir, module + ext))) throw new Error(`build:lib: entry point "${subpath}" has no ${module}${ext}`);
  }
}

// The schematics collection must exist, and every factory and schema it names.
if (template.schematics) {
  const collectionFile = path.join(outDir, template.schematics);
  if (!existsSync(collectionFile)) throw new Error(`build:lib: "schematics" points to ${template.schematics}, which the build did not emit`);
  for (const [name, entry] of Object.entries(readJson(collectionFile).schematics ?? {})) {
    for (const target of [entry.factory?.split('#')[0], entry.schema].filter(Boolean)) {
      if (!existsSync(path.resolve(path.dirname(collectionFile), target)))
        throw new Error(`build:lib: schematic "${name}" names ${target}, which is not in the output`);
    }
  }
}

// Every command of "bin" must exist and start with a shebang, or `npx nestjs-warden` cannot run it.
for (const [command, file] of Object.entries(template.bin ?? {})) {
  const target = path.join(outDir, file);
  if (!existsSync(target)) throw new Error(`build:lib: bin "${command}" points to ${file}, which the build did not emit`);
  if (!readFileSync(target, 'utf8').startsWith('#!/usr/bin/env node\n'))
    throw new Error(`build:lib: bin "${command}" (${file}) has no "#!/usr/bin/env node" line`);
}

const files = listFiles(outDir);
const unwanted = files.filter((f) => /\.(spec|test|e2e-spec)\.(js|d\.ts)$|\.map$|\.tsbuildinfo$/.test(f));
if (unwanted.length > 0) throw new Error(`build:lib: test files or maps in the output: ${unwanted.join(', ')}`);

const runtimePackages = new Map();
for (const file of files.filter((f) => f.endsWith('.js'))) {
  const { staticImports, dynamicImports, topLevelAwait } = importsOf(path.join(outDir, file));
  // require(esm) refuses a module graph with top-level await: CommonJS apps could not load us.
  if (topLevelAwait !== null) throw new Error(`build:lib: top-level await in ${file}:${topLevelAwait}`);
  for (const specifier of [...staticImports, ...dynamicImports]) {
    const pkg = packageOf(specifier);
    if (pkg && !runtimePackages.has(pkg)) runtimePackages.set(pkg, file);
  }
}

const manifest = buildManifest({
  template,
  workspace: readJson(path.join(root, 'package.json')),
  entries,
  runtimePackages,
  mainEntryPackages: staticPackagesOf(outDir, entries.find((e) => e.subpath === '.').module),
});
writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const documents = [
  ['README.md', 'README.md'],
  ['LICENSE', 'LICENSE'],
  ['CHANGELOG.md', 'CHANGELOG.md'],
  ['libs/auth/SECURITY.md', 'SECURITY.md'],
];
for (const [from, to] of documents) copyFileSync(path.join(root, from), path.join(outDir, to));
// The root README and the guides in docs/ are the user documentation and ship as they are, except
// that their Markdown links to the other documents point where those sit in the package
// (`](libs/auth/SECURITY.md)` -> `](SECURITY.md)`, from docs/: `](../libs/auth/SECURITY.md)` -> `](../SECURITY.md)`).
mkdirSync(path.join(outDir, 'docs'));
const guides = readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md'));
for (const guide of guides) copyFileSync(path.join(root, 'docs', guide), path.join(outDir, 'docs', guide));
const relink = (file, prefix) => {
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of documents) {
    text = text.replaceAll(`](${prefix}${from})`, `](${prefix}${to})`).replaceAll(`](./${prefix}${from})`, `](${prefix}${to})`);
  }
  writeFileSync(file, text);
};
relink(path.join(outDir, 'README.md'), '');
for (const guide of guides) relink(path.join(outDir, 'docs', guide), '../');
console.log(`build:lib: ${manifest.name}@${manifest.version} in ${path.relative(root, outDir)} (${listFiles(outDir).length} files)`);
