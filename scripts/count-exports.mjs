// `npm run api:count`: how many names (values and types) each entry point of the package exports.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { readEntryPoints } from './lib-package/entry-points.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entries = readEntryPoints(root, 'nestjs-warden', path.join(root, 'libs/auth/src'));
const { config } = ts.readConfigFile(path.join(root, 'libs/auth/tsconfig.lib.json'), ts.sys.readFile);
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, path.join(root, 'libs/auth'));
const program = ts.createProgram(
  entries.map((e) => e.source),
  { ...parsed.options, noEmit: true },
);
const checker = program.getTypeChecker();
const rows = entries.map(({ subpath, source }) => {
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(source));
  const exports = symbol ? checker.getExportsOfModule(symbol) : [];
  const values = exports.filter((s) => (checker.getAliasedSymbol(s).flags & ts.SymbolFlags.Value) !== 0).length;
  return { entry: subpath === '.' ? 'nestjs-warden' : `nestjs-warden/${subpath.slice(2)}`, names: exports.length, values, types: exports.length - values };
});
console.table(rows);
