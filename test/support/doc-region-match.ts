import { expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Asserts that a docs page shows exactly the code its spec runs: the `<!-- example: NAME -->` TypeScript
 * blocks of the page are the `// #region readme:NAME` regions of the spec (dedented), one for one.
 *
 * @example
 * it('docs/observability.md shows exactly the code these tests run', () => expectDocShowsRegions(import.meta.url, 'docs/observability.md'));
 */
export function expectDocShowsRegions(specUrl: string, docFromRoot: string): void {
  const { regions, blocks } = docRegions(specUrl, docFromRoot);
  expect(blocks.map(([name]) => name).sort()).toEqual([...regions.keys()].sort());
  for (const [name, body] of blocks) expect(`${name}:\n${body}`).toBe(`${name}:\n${regions.get(name)}`);
}

function docRegions(specUrl: string, docFromRoot: string): { regions: Map<string, string>; blocks: Array<[string, string]> } {
  const source = readFileSync(fileURLToPath(specUrl), 'utf8');
  const doc = readFileSync(fileURLToPath(new URL(`../../${docFromRoot}`, import.meta.url)), 'utf8');
  const regions = new Map<string, string>();
  for (const [, name, body] of source.matchAll(/\/\/ #region readme:([\w-]+)\n([\s\S]*?)\n[ \t]*\/\/ #endregion/g)) {
    regions.set(name, dedent(body));
  }
  const blocks = [...doc.matchAll(/<!-- example: ([\w-]+) -->\n```ts\n([\s\S]*?)\n```/g)].map(([, name, body]): [string, string] => [name, body]);
  return { regions, blocks };
}

function dedent(text: string): string {
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
