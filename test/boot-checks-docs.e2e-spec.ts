import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { docExamples, specRegions, unmarkedTypescriptBlocks } from './support/doc-examples.js';

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const DOC = at('../docs/options-boot-checks.md');
const SPECS = ['./boot-checks-guards.e2e-spec.ts', './boot-checks-narrowing.e2e-spec.ts', './boot-checks-options.e2e-spec.ts'].map(at);

describe('docs/options-boot-checks.md', () => {
  it('shows exactly the code the boot-check suites run', () => {
    const regions = specRegions(SPECS);
    const examples = docExamples(DOC);
    expect(examples.map(([name]) => name).sort()).toEqual([...regions.keys()].sort());
    for (const [name, body] of examples) expect(`${name}:\n${body}`).toBe(`${name}:\n${regions.get(name)}`);
    expect(unmarkedTypescriptBlocks(DOC)).toBe(0);
  });

  it('quotes the real guard-coverage error', async () => {
    const { AuthBootCheckError } = await import('nestjs-warden');
    const quoted = new AuthBootCheckError(['InvoicesController.list']);
    expect(readFileSync(DOC, 'utf8')).toContain(`${quoted.name}: ${quoted.message}`);
  });

  it('quotes the real unknown-option error', async () => {
    const { resolveAuthOptions } = await import('nestjs-warden/core');
    const error = (() => {
      try {
        resolveAuthOptions({ secret: 'a-shared-secret-of-at-least-32-bytes!', audiences: 'api' } as never);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(readFileSync(DOC, 'utf8')).toContain(`${error.name}: ${error.message}`);
  });
});

