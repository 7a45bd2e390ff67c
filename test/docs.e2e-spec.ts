import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allCodeBlocks, documentationFiles, isTypeScript, roleOf } from './support/doc-blocks.js';

// README.md and docs/*.md: what every page may link to, and what each TypeScript block says it is
// (a complete file, or an excerpt of one: test/support/doc-blocks.ts). test/docs-apps.e2e-spec.ts
// compiles and runs the complete files; this file checks the pages themselves, cheaply.
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

  it('starts every TypeScript block with its file: "// <path>" or "// excerpt of <path>"', () => {
    const unmarked = allCodeBlocks(ROOT)
      .filter((b) => isTypeScript(b) && roleOf(b).kind === 'unmarked')
      .map((b) => `${b.doc}:${b.line}`);
    expect(unmarked).toEqual([]);
  });

  it('shows files of an app only: under src/ or test/, and a page names each file once per variant', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const block of allCodeBlocks(ROOT).filter(isTypeScript)) {
      const role = roleOf(block);
      if (role.kind !== 'file') continue;
      const key = `${block.doc} ${role.path} ${role.variant ?? ''}`;
      if (seen.has(key)) twice.push(`${block.doc}:${block.line} ${role.path} (first at line ${seen.get(key)})`);
      seen.set(key, String(block.line));
    }
    expect(seen.size).toBeGreaterThan(10);
    expect(twice).toEqual([]);
  });

  it("README's 'Develop this repository' has the two commands, the second being what .ci/run runs", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('\n## Develop this repository\n'),
      readme.indexOf('\n## ', readme.indexOf('\n## Develop this repository\n') + 5),
    );
    const commands = [...section.matchAll(/```bash\n([\s\S]*?)\n```/g)].map(([, body]) => body.trim());
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
    const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#') && !/^(set|cd) /.test(line));
    expect(ci).toEqual([commands[1]]);
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
