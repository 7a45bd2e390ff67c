#!/usr/bin/env node
// Regenerates the current starters in test/package/fixtures/ from the Nest CLIs of today, so the
// package test (test/package/package.e2e-spec.ts) installs nestjs-warden into exactly what a user
// starts from, and runs `nest add nestjs-warden` on it:
//
//   nest11-current   `npx @nestjs/cli@11 new`   NestJS 11, CommonJS, Jest
//   nest12-current   `npx @nestjs/cli@12 new`   NestJS 12, ESM ("type": "module"), Vitest, @nestjs/observe
//
// Older snapshots stay beside them and are never rewritten: nest11-cjs and nest12-esm are the
// starters of the CLIs of 2026-11 (the NestJS 12 one without @nestjs/observe); `nest add` is checked on
// that layout too.
//
// Usage: node scripts/regenerate-starter-fixtures.mjs   (needs the npm registry: npx fetches the CLI)
// Then review `git diff test/package/fixtures` and run the package test. The fixtures are kept
// byte for byte as generated; what the test adds (the docs' Quick start files, its own suites)
// lives in test/package/app-extras/ and is copied in at test time.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../test/package/fixtures/', import.meta.url));
const STARTERS = [
  { name: 'nest11-current', cli: '@nestjs/cli@11' },
  { name: 'nest12-current', cli: '@nestjs/cli@12' },
];

const work = mkdtempSync(path.join(os.tmpdir(), 'nest-starters-'));
try {
  for (const { name, cli } of STARTERS) {
    console.log(`npx ${cli} new ${name}`);
    execFileSync('npx', ['-y', cli, 'new', name, '--skip-install', '--skip-git', '--package-manager', 'npm', '--language', 'ts'], {
      cwd: work,
      stdio: 'inherit',
      timeout: 300_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    const target = path.join(FIXTURES, name);
    rmSync(target, { recursive: true, force: true });
    cpSync(path.join(work, name), target, { recursive: true });
    console.log(`  -> ${path.relative(process.cwd(), target)}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
