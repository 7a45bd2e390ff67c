import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Jest configuration docs/platforms.md ("## NestJS 11 and CommonJS") tells CommonJS projects to
 * add: that section's first ```json block. The package test applies exactly this, so docs and proof agree.
 */
export function commonJsJestConfig(root: string): Record<string, unknown> {
  const doc = readFileSync(path.join(root, 'docs/platforms.md'), 'utf8');
  const start = doc.indexOf('\n## NestJS 11 and CommonJS\n');
  if (start < 0) throw new Error('docs/platforms.md has no "## NestJS 11 and CommonJS" section');
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const block = /```json\n([\s\S]*?)\n```/.exec(section);
  if (!block) throw new Error('docs/platforms.md "NestJS 11 and CommonJS" has no ```json block');
  return JSON.parse(block[1]) as Record<string, unknown>;
}
