import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allCodeBlocks, documentationFiles, readmeRegions } from './support/doc-blocks.js';

// README.md and docs/*.md show only code the suite compiles or runs: a ```ts block is either the
// text of a `// #region readme:NAME` region of a test (`<!-- example: NAME -->` above it), or a whole
// file that test/package/ writes into the NestJS 11 and 12 starter apps (`<!-- file: PATH -->`).
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => slug(heading)));
}

/** Relative links of a Markdown file (code blocks and code spans aside): [target, line]. */
function relativeLinks(doc: string): Array<[string, number]> {
  const lines = readFileSync(path.join(ROOT, doc), 'utf8').split('\n');
  const links: Array<[string, number]> = [];
  let inBlock = false;
  lines.forEach((line, i) => {
    if (/^```/.test(line)) inBlock = !inBlock;
    if (inBlock) return;
    for (const [, target] of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z]+:/i.test(target)) links.push([target, i + 1]);
    }
  });
  return links;
}

describe('documentation', () => {
  it('has a README and a docs/ index', () => {
    expect(documentationFiles(ROOT)).toEqual(expect.arrayContaining(['README.md', 'docs/README.md']));
  });

  it('marks every TypeScript block: an example region of a test, or a starter-app file', () => {
    const unmarked = allCodeBlocks(ROOT)
      .filter((b) => /^(ts|typescript|tsx)$/.test(b.lang) && !b.marker)
      .map((b) => `${b.doc}:${b.line}`);
    expect(unmarked).toEqual([]);
  });

  it('shows exactly the code of the test regions it names', () => {
    const regions = readmeRegions(ROOT);
    const byName = new Map(regions.map((r) => [r.name, r]));
    const duplicates = regions.filter((r, i) => regions.findIndex((o) => o.name === r.name) !== i).map((r) => `${r.name} (${r.file})`);
    expect(duplicates).toEqual([]);
    const examples = allCodeBlocks(ROOT).filter((b) => b.marker?.kind === 'example');
    for (const block of examples) {
      const where = `${block.doc}:${block.line} example ${block.marker?.name}`;
      expect(`${where}:\n${block.body}`).toBe(`${where}:\n${byName.get(block.marker!.name)?.body ?? '(no such region in test/, libs/ or src/)'}`);
    }
    const shown = new Set(examples.map((b) => b.marker!.name));
    expect(regions.filter((r) => !shown.has(r.name)).map((r) => `${r.name} (${r.file}) is in no document`)).toEqual([]);
  });

  it('names each starter-app file once, under src/ or test/', () => {
    const files = allCodeBlocks(ROOT)
      .filter((b) => b.marker?.kind === 'file')
      .map((b) => b.marker!.name);
    expect(files.length).toBeGreaterThan(0);
    expect(new Set(files).size).toBe(files.length);
    expect(files.filter((f) => !/^(src|test)\/[\w.-]+\.ts$/.test(f))).toEqual([]);
  });

  it('links only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const doc of documentationFiles(ROOT)) {
      for (const [target, line] of relativeLinks(doc)) {
        const [file, anchor] = target.split('#');
        const resolved = file ? path.resolve(path.dirname(path.join(ROOT, doc)), decodeURI(file)) : path.join(ROOT, doc);
        if (!existsSync(resolved)) broken.push(`${doc}:${line} ${target} (no such file)`);
        else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`${doc}:${line} ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
