import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The documentation (README.md and docs/*.md) as the tests see it: its fenced code blocks, and what
// the first line of each TypeScript block says it is. A TypeScript block is one of:
//
//   // src/app.module.ts                       a complete file, exactly as it is in the app
//   // src/app.module.ts (NestJS 12 starter)   a complete file of a variant of the page's app
//   // excerpt of src/app.module.ts — ...      lines of a complete file shown elsewhere: on the same
//                                              page, or on docs/quick-start.md (the starter files)
//
// Anything after " — " is for the reader. test/docs-apps.e2e-spec.ts compiles and runs the complete
// files in a starter app; test/docs.e2e-spec.ts checks that every block is one of these.

/** One fenced code block of a Markdown file. */
export interface DocBlock {
  doc: string;
  /** Line of the opening fence (1-based). */
  line: number;
  lang: string;
  body: string;
}

/** What a TypeScript block says it is, by its first line. */
export type BlockRole =
  { kind: 'file'; path: string; variant: string | null } | { kind: 'excerpt'; path: string; variant: string | null } | { kind: 'unmarked' };

const PATH = String.raw`((?:src|test)/[\w./-]+\.ts)`;
const FILE_LINE = new RegExp(String.raw`^// ${PATH}(?: \(([^)]+)\))?(?: — .*)?$`);
const EXCERPT_LINE = new RegExp(String.raw`^// excerpt of ${PATH}(?: \(([^)]+)\))?(?: — .*)?$`);

/** The page whose complete files every app starts from (besides the starter's own). */
export const QUICK_START_DOC = 'docs/quick-start.md';

/** README.md and every docs/*.md, relative to the repository root. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

/** The fenced code blocks of Markdown text. */
export function codeBlocksOf(doc: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`${doc}:${i + 1}: code block never closed`);
    blocks.push({ doc, line: i + 1, lang: open[1], body: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** The fenced code blocks of one Markdown file. */
export function codeBlocks(root: string, doc: string): DocBlock[] {
  return codeBlocksOf(doc, readFileSync(path.join(root, doc), 'utf8'));
}

/** Every documentation block, all files together. */
export function allCodeBlocks(root: string): DocBlock[] {
  return documentationFiles(root).flatMap((doc) => codeBlocks(root, doc));
}

/** Whether a block is TypeScript. */
export function isTypeScript(block: DocBlock): boolean {
  return /^(ts|typescript|tsx)$/.test(block.lang);
}

/** What a TypeScript block's first line says it is. */
export function roleOf(block: DocBlock): BlockRole {
  const first = block.body.split('\n', 1)[0];
  const file = FILE_LINE.exec(first);
  if (file) return { kind: 'file', path: file[1], variant: file[2] ?? null };
  const excerpt = EXCERPT_LINE.exec(first);
  if (excerpt) return { kind: 'excerpt', path: excerpt[1], variant: excerpt[2] ?? null };
  return { kind: 'unmarked' };
}

/**
 * The complete files of docs/quick-start.md: the files a user adds to, or changes in, a fresh
 * starter; with `variant`, that variant's files in place of the plain ones (NestJS 12's starter with
 * @nestjs/observe needs its own `src/app.module.ts`).
 */
export function quickStartFiles(root: string, variant: string | null = null): Map<string, string> {
  const files = new Map<string, string>();
  const blocks = codeBlocks(root, QUICK_START_DOC).filter(isTypeScript);
  for (const wanted of [null, variant]) {
    for (const block of blocks) {
      const role = roleOf(block);
      if (role.kind === 'file' && role.variant === wanted) files.set(role.path, `${block.body}\n`);
    }
    if (variant === null) break;
  }
  return files;
}
