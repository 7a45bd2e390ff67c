import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The package's entry points, read from the `paths` of the root tsconfig.json: the repository already
 * imports `nestjs-warden` and `nestjs-warden/<sub>` through them, so a new public entry point is added in
 * one place and the published `exports` map follows.
 *
 * @param {string} root repository root
 * @param {string} packageName e.g. 'nestjs-warden'
 * @param {string} sourceDir the library's source folder, e.g. <root>/libs/auth/src
 * @returns {Array<{ subpath: string, source: string, module: string }>} e.g.
 *   { subpath: './testing', source: '<abs>/testing/index.ts', module: 'testing/index' }
 */
export function readEntryPoints(root, packageName, sourceDir) {
  const file = path.join(root, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(file, (f) => readFileSync(f, 'utf8'));
  if (error) throw new Error(`build:lib: cannot read ${file}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  const paths = config.compilerOptions?.paths ?? {};
  const entries = [];
  for (const [specifier, targets] of Object.entries(paths)) {
    if (specifier !== packageName && !specifier.startsWith(`${packageName}/`)) continue;
    if (specifier.includes('*') || targets.length !== 1) {
      throw new Error(`build:lib: tsconfig.json paths["${specifier}"] must map to exactly one file, no wildcards`);
    }
    const source = path.resolve(root, targets[0]);
    const relative = path.relative(sourceDir, source);
    if (relative.startsWith('..') || !source.endsWith('.ts')) {
      throw new Error(`build:lib: tsconfig.json paths["${specifier}"] points outside ${sourceDir}: ${targets[0]}`);
    }
    entries.push({
      subpath: specifier === packageName ? '.' : `./${specifier.slice(packageName.length + 1)}`,
      source,
      module: relative.slice(0, -'.ts'.length).split(path.sep).join('/'),
    });
  }
  if (!entries.some((e) => e.subpath === '.')) throw new Error(`build:lib: tsconfig.json has no paths["${packageName}"]`);
  return entries.sort((a, b) => a.subpath.localeCompare(b.subpath));
}
