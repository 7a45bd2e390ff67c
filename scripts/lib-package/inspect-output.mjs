import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/** Every file under `dir`, as paths relative to it with forward slashes. */
export function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
}

/** `jose` for 'jose', `@nestjs/common` for '@nestjs/common/x'; null for relative and node: imports. */
export function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return null;
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * The imports of one emitted JavaScript module: static ones (`import`/`export ... from`, which load
 * when the module loads) apart from dynamic `import()` (which load only when called).
 */
export function importsOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const staticImports = [];
  const dynamicImports = [];
  for (const statement of source.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier) {
      staticImports.push(statement.moduleSpecifier.text);
    }
  }
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) dynamicImports.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { staticImports, dynamicImports, topLevelAwait: findTopLevelAwait(source) };
}

/** Line of the first top-level `await` / `for await` (which breaks `require(esm)`), or null. */
function findTopLevelAwait(source) {
  let found = null;
  const visit = (node) => {
    if (found !== null || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) {
      found = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
  return found;
}

/**
 * Follows the static relative imports from one entry module and returns the packages that load with
 * it, each with the first module that imports it.
 *
 * @param {string} outDir the emitted package folder
 * @param {string} entryModule e.g. 'index' or 'testing/index'
 * @returns {Map<string, string>} package name -> importing module (relative to outDir)
 */
export function staticPackagesOf(outDir, entryModule) {
  const packages = new Map();
  const seen = new Set();
  const queue = [path.join(outDir, `${entryModule}.js`)];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importsOf(file).staticImports) {
      const pkg = packageOf(specifier);
      if (pkg && !packages.has(pkg)) packages.set(pkg, path.relative(outDir, file));
      if (specifier.startsWith('.')) queue.push(path.resolve(path.dirname(file), specifier));
    }
  }
  return packages;
}
