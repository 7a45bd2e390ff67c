import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The documentation (README.md and docs/*.md) as the tests see it: its fenced code blocks with the
// marker line in front of them, and the `// #region readme:NAME` regions of the test code they show.

/** What the line just above a code fence says about the block. */
export type BlockMarker =
  /** `<!-- example: NAME -->`: the block is the text of the region `// #region readme:NAME` of a test. */
  | { kind: 'example'; name: string }
  /** `<!-- file: src/app.module.ts -->`: a whole file that test/package/ writes into the starter apps, then builds and runs. */
  | { kind: 'file'; name: string };

/** One fenced code block of a Markdown file. */
export interface DocBlock {
  doc: string;
  line: number;
  lang: string;
  marker: BlockMarker | null;
  body: string;
}

/** README.md and every docs/*.md, relative to the repository root. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

function markerOf(line: string | undefined): BlockMarker | null {
  const match = /^<!-- (example|file): ([\w./-]+) -->$/.exec(line?.trim() ?? '');
  return match ? { kind: match[1] as BlockMarker['kind'], name: match[2] } : null;
}

/** The fenced code blocks of one Markdown file. */
export function codeBlocks(root: string, doc: string): DocBlock[] {
  const lines = readFileSync(path.join(root, doc), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`${doc}:${i + 1}: code block never closed`);
    blocks.push({ doc, line: i + 1, lang: open[1], marker: markerOf(lines[i - 1]), body: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** Every documentation block, all files together. */
export function allCodeBlocks(root: string): DocBlock[] {
  return documentationFiles(root).flatMap((doc) => codeBlocks(root, doc));
}

/** The blocks marked `<!-- file: PATH -->`: the files a user adds to a fresh starter app, by path. */
export function starterFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const block of allCodeBlocks(root)) {
    if (block.marker?.kind === 'file') files.set(block.marker.name, `${block.body}\n`);
  }
  return files;
}

function listTs(dir: string, skip: (p: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (skip(full) || entry.name === 'node_modules') return [];
    if (entry.isDirectory()) return listTs(full, skip);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function dedent(text: string): string {
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** One `// #region readme:NAME` region of the test code, dedented. */
export interface Region {
  name: string;
  file: string;
  body: string;
}

/** Every `readme:` region in test/, libs/ and src/ (the package test's starter apps aside). */
export function readmeRegions(root: string): Region[] {
  const skip = (p: string) => /test\/package\/(fixtures|app-extras)$/.test(p);
  const files = ['test', 'libs', 'src'].flatMap((dir) => listTs(path.join(root, dir), skip));
  const regions: Region[] = [];
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const [, name, body] of source.matchAll(/\/\/ #region readme:([\w-]+)\n([\s\S]*?)\n[ \t]*\/\/ #endregion/g)) {
      regions.push({ name, file: path.relative(root, file), body: dedent(body) });
    }
  }
  return regions;
}
