import ts from 'typescript';

/** One text change: replace `[start, end)` with `text` (an insertion when start === end). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Applies edits that do not overlap, last first, so earlier positions stay valid. */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  let result = source;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/** Parses TypeScript source with parent pointers (what `getText()` and `getStart()` need). */
export function parse(fileName: string, source: string): ts.SourceFile {
  return ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** The whitespace that starts the line `position` is on. */
export function lineIndent(source: string, position: number): string {
  const lineStart = source.lastIndexOf('\n', position - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))![0];
}

/** The file's indentation unit, guessed from its first indented line (two spaces by default). */
export function indentUnit(source: string): string {
  return /\n([ \t]+)\S/.exec(source)?.[1] ?? '  ';
}

/** The quote the file's imports use: `'` unless its first import uses `"`. */
export function quoteOf(file: ts.SourceFile): string {
  const first = file.statements.find(ts.isImportDeclaration);
  return first?.moduleSpecifier.getText(file).startsWith('"') ? '"' : "'";
}

/** Prefixes every non-empty line of `block` with `indent`. */
export function indentBlock(block: string, indent: string): string {
  return block
    .split('\n')
    .map((line) => (line ? indent + line : line))
    .join('\n');
}

/**
 * The edits that make `names` importable from `from`: added to an existing `import { … } from 'from'`,
 * or a new import after the last one. Names already imported from there are left alone.
 */
export function namedImportEdits(file: ts.SourceFile, names: readonly string[], from: string): TextEdit[] {
  const imports = file.statements.filter(ts.isImportDeclaration);
  const existing = imports.find(
    (d) =>
      ts.isStringLiteral(d.moduleSpecifier) &&
      d.moduleSpecifier.text === from &&
      d.importClause?.namedBindings &&
      ts.isNamedImports(d.importClause.namedBindings),
  );
  const imported = new Set(
    imports
      .filter((d) => ts.isStringLiteral(d.moduleSpecifier) && d.moduleSpecifier.text === from)
      .flatMap((d) => (d.importClause?.namedBindings && ts.isNamedImports(d.importClause.namedBindings) ? d.importClause.namedBindings.elements : []))
      .map((e) => e.name.text),
  );
  const missing = names.filter((name) => !imported.has(name));
  if (missing.length === 0) return [];
  if (existing) {
    const bindings = existing.importClause!.namedBindings as ts.NamedImports;
    const last = bindings.elements[bindings.elements.length - 1];
    if (last) return [{ start: last.end, end: last.end, text: `, ${missing.join(', ')}` }];
    return [{ start: bindings.getStart(file), end: bindings.end, text: `{ ${missing.join(', ')} }` }];
  }
  const quote = quoteOf(file);
  const line = `import { ${missing.join(', ')} } from ${quote}${from}${quote};`;
  // Among the package imports, before the relative ones, as Nest's generated files order them.
  const packages = imports.filter((d) => ts.isStringLiteral(d.moduleSpecifier) && !d.moduleSpecifier.text.startsWith('.'));
  const after = packages[packages.length - 1];
  if (after) return [{ start: after.end, end: after.end, text: `\n${line}` }];
  const first = imports[0];
  return first ? [{ start: first.getStart(file), end: first.getStart(file), text: `${line}\n` }] : [{ start: 0, end: 0, text: `${line}\n` }];
}

/** Whether the file imports anything from `from`. */
export function importsFrom(file: ts.SourceFile, from: string): boolean {
  return file.statements.some((s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === from);
}

/**
 * The edits that add `element` (an expression, possibly of several lines, not indented) at the end of
 * an array literal, one element per line as Nest's generated code writes them: a one-line array is
 * opened up, a trailing comma is kept where the array has one.
 */
export function appendToArrayEdits(source: string, file: ts.SourceFile, array: ts.ArrayLiteralExpression, element: string): TextEdit[] {
  const outer = lineIndent(source, array.getStart(file));
  const inner = outer + indentUnit(source);
  const elements = array.elements;
  const multiline = elements.length > 0 && source.slice(array.getStart(file), array.end).includes('\n');
  if (!multiline) {
    const all = [...elements.map((e) => e.getText(file)), element];
    return [{ start: array.getStart(file), end: array.end, text: `[\n${all.map((e) => `${indentBlock(e, inner)},`).join('\n')}\n${outer}]` }];
  }
  const indent = lineIndent(source, elements[0].getStart(file));
  const last = elements[elements.length - 1];
  if (elements.hasTrailingComma) {
    const comma = source.indexOf(',', last.end) + 1;
    return [{ start: comma, end: comma, text: `\n${indentBlock(element, indent)},` }];
  }
  return [{ start: last.end, end: last.end, text: `,\n${indentBlock(element, indent)}` }];
}
