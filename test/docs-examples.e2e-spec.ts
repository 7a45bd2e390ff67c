import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Every `<!-- example: name -->` block of docs/*.md is the text of the `// #region readme:name` of
// the same name in one e2e spec, so the docs show exactly what the tests run.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function specFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' || entry.name === 'node_modules' ? [] : specFiles(path);
    return entry.name.endsWith('.e2e-spec.ts') ? [path] : [];
  });
}

function dedent(text: string): string {
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

describe('docs/*.md examples', () => {
  it('are exactly regions of the e2e specs', () => {
    const regions = new Map<string, string[]>();
    for (const file of specFiles(join(root, 'test'))) {
      for (const [, name, body] of readFileSync(file, 'utf8').matchAll(/\/\/ #region readme:([\w-]+)\n([\s\S]*?)\n[ \t]*\/\/ #endregion/g)) {
        regions.set(name, [...(regions.get(name) ?? []), dedent(body)]);
      }
    }
    const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'));
    let blocks = 0;
    for (const doc of docs) {
      const text = readFileSync(join(root, 'docs', doc), 'utf8');
      for (const [, name, body] of text.matchAll(/<!-- example: ([\w-]+) -->\n```ts\n([\s\S]*?)\n```/g)) {
        blocks += 1;
        const found = regions.get(name) ?? [];
        expect({ doc, name, regions: found.length }).toEqual({ doc, name, regions: 1 });
        expect(`${doc} ${name}:\n${body}`).toBe(`${doc} ${name}:\n${found[0]}`);
      }
    }
    expect(blocks).toBeGreaterThan(0);
  });
});
