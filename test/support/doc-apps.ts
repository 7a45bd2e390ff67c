import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { codeBlocksOf, isTypeScript, QUICK_START_DOC, roleOf, type DocBlock } from './doc-blocks.js';

/** A file of a docs app, and the block it came from (null: the starter's own). */
export interface AppFile {
  text: string;
  block: DocBlock | null;
}

/**
 * A page's app: the starter, the Quick start's files, and the complete files the page shows (a
 * variant adds the files marked with its name to the page's others). `tests` are the test files the
 * page shows (a variant's own, when it shows some): they are run.
 */
export interface DocApp {
  /** `docs-options`, `docs-options--use-class`: a folder name. */
  name: string;
  doc: string;
  variant: string | null;
  files: Map<string, AppFile>;
  /** The files the page (and variant) shows whole. */
  shown: string[];
  tests: string[];
}

/** The text of every file under `dir`, by path relative to it (forward slashes). */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (sub: string) => {
    for (const name of readdirSync(path.join(dir, sub))) {
      const relative = sub ? `${sub}/${name}` : name;
      if (statSync(path.join(dir, relative)).isDirectory()) walk(relative);
      else files.set(relative, readFileSync(path.join(dir, relative), 'utf8'));
    }
  };
  walk('');
  return files;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
const isTest = (file: string) => file.startsWith('test/') || /\.spec\.ts$/.test(file);

/** Whether `excerpt` (its lines after the first; `// ...` between parts) is in `text`, part after part, each part's lines in a row. */
export function excerptFits(excerpt: string, text: string): boolean {
  const fileLines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const parts: string[][] = [[]];
  for (const line of excerpt.split('\n').slice(1)) {
    if (/^\s*\/\/ \.\.\.\s*$/.test(line)) parts.push([]);
    else if (line.trim()) parts[parts.length - 1].push(line.trim());
  }
  let from = 0;
  for (const part of parts.filter((p) => p.length > 0)) {
    let found = -1;
    for (let i = from; i + part.length <= fileLines.length && found < 0; i++) {
      if (part.every((line, j) => fileLines[i + j] === line)) found = i;
    }
    if (found < 0) return false;
    from = found + part.length;
  }
  return true;
}

/** The relative files a TypeScript file imports, as app paths (`./x.js` -> `src/x.ts`). */
function importedFiles(file: string, text: string): string[] {
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map(([, specifier]) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, '.ts'),
  );
}

/**
 * The apps of the documentation, and what is wrong with it: TypeScript blocks that are neither a
 * complete file nor an excerpt, a file shown twice on a page without a variant, excerpts that are not
 * in their file, files a page shows that nothing of its app imports.
 *
 * @param starter the starter app's files (src/, test/, package.json, tsconfig.json, ...)
 * @param docs each page's Markdown text, by path (README.md, docs/x.md)
 */
export function docApps(starter: Map<string, string>, docs: Map<string, string>): { apps: DocApp[]; problems: string[] } {
  const problems: string[] = [];
  const byDoc = new Map<string, DocBlock[]>();
  for (const [doc, text] of docs) byDoc.set(doc, codeBlocksOf(doc, text).filter(isTypeScript));

  const base = new Map<string, AppFile>([...starter].map(([file, text]) => [file, { text, block: null }]));
  const apps: DocApp[] = [];
  const order = [QUICK_START_DOC, ...[...byDoc.keys()].filter((d) => d !== QUICK_START_DOC)];
  for (const doc of order) {
    const blocks = byDoc.get(doc) ?? [];
    const variants = new Map<string | null, Map<string, AppFile>>([[null, new Map()]]);
    for (const block of blocks) {
      const role = roleOf(block);
      const where = `${block.doc}:${block.line}`;
      if (role.kind === 'unmarked') {
        problems.push(`${where}: a TypeScript block must start with "// <path>" (a complete file) or "// excerpt of <path>"`);
        continue;
      }
      if (role.kind !== 'file') continue;
      const files = variants.get(role.variant) ?? new Map<string, AppFile>();
      variants.set(role.variant, files);
      if (files.has(role.path)) problems.push(`${where}: ${role.path} is shown whole twice on this page; mark one "(variant name)"`);
      files.set(role.path, { text: `${block.body}\n`, block });
    }
    const pageFiles = variants.get(null)!;
    for (const [variant, own] of variants) {
      // A page without files of its own adds no app (the Quick start's is there already).
      if (own.size === 0 && (variant !== null || doc !== QUICK_START_DOC)) continue;
      const files = new Map([...base, ...pageFiles, ...own]);
      const shown = new Map([...pageFiles, ...own]);
      const name = `${slug(doc.replace(/\.md$/, ''))}${variant ? `--${slug(variant)}` : ''}`;
      // A variant with test files of its own runs those; otherwise it runs the page's.
      const ownTests = [...own.keys()].filter(isTest);
      const tests = variant !== null && ownTests.length > 0 ? ownTests : [...shown.keys()].filter(isTest);
      apps.push({ name, doc, variant, files, shown: [...shown.keys()].sort(), tests: tests.sort() });
      // A page's own files must be used by its app, a variant's by the variant's.
      for (const [file, { block }] of variant === null ? shown : own) {
        if (isTest(file) || file === 'src/main.ts' || file === 'src/app.module.ts' || !file.startsWith('src/')) continue;
        const used = [...files].some(([other, { text }]) => other !== file && importedFiles(other, text).includes(file));
        if (!used) problems.push(`${block!.doc}:${block!.line}: nothing in the app of ${doc}${variant ? ` (${variant})` : ''} imports ${file}`);
      }
    }
    if (doc === QUICK_START_DOC) for (const [file, appFile] of pageFiles) base.set(file, appFile);
  }

  for (const blocks of byDoc.values()) {
    for (const block of blocks) {
      const role = roleOf(block);
      if (role.kind !== 'excerpt') continue;
      const app = apps.find((a) => a.doc === block.doc && a.variant === role.variant) ?? apps.find((a) => a.doc === block.doc && a.variant === null);
      const file = app?.files.get(role.path);
      const where = `${block.doc}:${block.line}`;
      if (!file) problems.push(`${where}: an excerpt of ${role.path}, which neither this page nor ${QUICK_START_DOC} shows whole`);
      else if (!excerptFits(block.body, file.text)) {
        const from = file.block ? `${file.block.doc}:${file.block.line}` : 'the starter';
        problems.push(`${where}: this excerpt of ${role.path} is not in the file (${from}) as written`);
      }
    }
  }
  return { apps, problems };
}
