import { expect } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { docExamples, specRegions } from './doc-examples.js';

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
  return {
    regions: specRegions([fileURLToPath(specUrl)]),
    blocks: docExamples(fileURLToPath(new URL(`../../${docFromRoot}`, import.meta.url))),
  };
}
