import { readFileSync } from 'node:fs';

/**
 * The Jest configuration the README's "NestJS 11 and CommonJS" section tells CommonJS projects to
 * add: its first ```json block. The package test applies exactly this, so README and proof agree.
 */
export function readmeJestConfig(readmePath: string): Record<string, unknown> {
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf('\n## NestJS 11 and CommonJS\n');
  if (start < 0) throw new Error('README.md has no "## NestJS 11 and CommonJS" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const block = /```json\n([\s\S]*?)\n```/.exec(section);
  if (!block) throw new Error('README.md "NestJS 11 and CommonJS" has no ```json block');
  return JSON.parse(block[1]) as Record<string, unknown>;
}
