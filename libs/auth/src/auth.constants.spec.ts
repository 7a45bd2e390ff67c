import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as publicApi from './index.js';

// Two installed copies of the library (say one bundled by another package) must read each other's
// metadata and request state: keys are strings or registered symbols, never module-local ids.
const SOURCE_DIR = path.dirname(fileURLToPath(import.meta.url));

function librarySources(): Array<{ file: string; text: string }> {
  return readdirSync(SOURCE_DIR, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.spec.ts'))
    .map((d) => path.join(d.parentPath, d.name))
    .map((file) => ({ file: path.relative(SOURCE_DIR, file), text: readFileSync(file, 'utf8') }));
}

describe('keys shared between copies of the library', () => {
  it('exports only strings or Symbol.for() symbols as keys', () => {
    const symbols = Object.entries(publicApi).filter(([, value]) => typeof value === 'symbol');
    expect(symbols.length).toBeGreaterThan(0);
    for (const [name, value] of symbols) {
      expect({ name, registered: Symbol.keyFor(value as symbol) !== undefined }).toEqual({ name, registered: true });
    }
  });

  it('creates no module-local symbols and gives every Reflector.createDecorator an explicit key', () => {
    const sources = librarySources();
    expect(sources.length).toBeGreaterThan(5);
    const offenders: string[] = [];
    for (const { file, text } of sources) {
      // `Symbol(` not preceded by `.` (Symbol.for is fine) and not inside a comment line.
      for (const line of text.split('\n')) {
        if (/^\s*(\/\/|\*)/.test(line)) continue;
        if (/(?<![.\w])Symbol\(/.test(line)) offenders.push(`${file}: ${line.trim()}`);
      }
      for (const call of text.matchAll(/createDecorator\s*(<[^>]*>)?\(([^)]*)\)/g)) {
        if (!/\bkey\s*:/.test(call[2])) offenders.push(`${file}: ${call[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
