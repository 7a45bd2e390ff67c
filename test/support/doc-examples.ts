import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The `// #region readme:NAME` regions of a spec (dedented) and the `<!-- example: NAME -->` TypeScript
 * blocks of a docs file, so a spec can assert that its docs page shows exactly the code it runs.
 *
 * @example
 * const { regions, blocks } = docExamples(import.meta.url, 'docs/observability.md');
 * expect(blocks.map(([name]) => name).sort()).toEqual([...regions.keys()].sort());
 */
export function docExamples(specUrl: string, docFromRoot: string): { regions: Map<string, string>; blocks: Array<[string, string]> } {
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
