import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const DOC = at('../docs/options-boot-checks.md');

describe('docs/options-boot-checks.md', () => {
  it('quotes the real guard-coverage error', async () => {
    const { AuthBootCheckError } = await import('nestjs-warden');
    // The Quick start's app without global: true (docs/quick-start.md).
    const quoted = new AuthBootCheckError(['AppController.getHello', 'InvoicesController.list', 'InvoicesController.mine', 'InvoicesController.teaser']);
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
