import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AUTH_OPTION_NAMES } from '../libs/auth/src/config/known-options.js';

// The options table is the reference users read: an option the module accepts but the table does
// not list is an option nobody finds (AUTH_OPTION_NAMES is kept complete by the compiler).
describe('docs/options.md', () => {
  it('lists every option AuthModule accepts, one table row each', () => {
    const doc = readFileSync(fileURLToPath(new URL('../docs/options.md', import.meta.url)), 'utf8');
    const rows = new Set([...doc.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]));
    expect(AUTH_OPTION_NAMES.filter((name) => !rows.has(name))).toEqual([]);
    expect([...rows].filter((name) => !AUTH_OPTION_NAMES.includes(name))).toEqual([]);
  });
});
