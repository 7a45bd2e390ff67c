import { readFileSync } from 'node:fs';

/** `// #region readme:NAME` ... `// #endregion` regions of the given files, dedented, by name. */
export function specRegions(paths: string[]): Map<string, string> {
  const regions = new Map<string, string>();
  for (const path of paths) {
    const source = readFileSync(path, 'utf8');
    for (const [, name, body] of source.matchAll(/\/\/ #region readme:([\w-]+)\n([\s\S]*?)\n[ \t]*\/\/ #endregion/g)) {
      regions.set(name, dedent(body));
    }
  }
  return regions;
}

/** The TypeScript blocks of a docs file marked `<!-- example: NAME -->`, in order, as [name, text]. */
export function docExamples(path: string): Array<[string, string]> {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/<!-- example: ([\w-]+) -->\n```ts\n([\s\S]*?)\n```/g)].map(([, name, body]) => [name, body]);
}

/** True when the docs file has a TypeScript block without an example marker (which nothing checks). */
export function unmarkedTypescriptBlocks(path: string): number {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/(.*)\n```ts\n/g)].filter(([, before]) => !/^<!-- example: [\w-]+ -->$/.test(before)).length;
}

function dedent(text: string): string {
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
