import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, type CommandResult } from './run-command.js';

/** A fixture app copied into a temp folder, with the packed nestjs-warden installed from its tarball. */
export interface ThrowawayApp {
  dir: string;
  /** Runs an npm/npx/node command inside the app. */
  run(command: string, args: string[], timeoutMs?: number, env?: Record<string, string>): Promise<CommandResult>;
  /** Merges settings into a JSON file of the app (e.g. its Jest configuration), or into one key of it. */
  mergeJson(file: string, settings: Record<string, unknown>, key?: string): void;
  /** Writes files into the app, by path relative to it. */
  writeFiles(files: Map<string, string>): void;
  /** Writes a copy of an installed package under another name, as a second install of it. */
  duplicatePackage(name: string, copyName: string): void;
}

/**
 * Copies `fixtureDir` to `<tempRoot>/<name>` and runs `npm install` there with the tarball added.
 * Packages come from the npm cache when it has them (`--prefer-offline`). Dev dependencies whose
 * name matches `skipDevDependencies` (linters, formatters: nothing a build or a test run needs) are
 * left out of the install, to keep the suite fast.
 */
export async function createThrowawayApp(
  fixtureDir: string,
  tempRoot: string,
  tarball: string,
  skipDevDependencies?: RegExp,
): Promise<{ app: ThrowawayApp; install: CommandResult }> {
  const dir = path.join(tempRoot, path.basename(fixtureDir));
  cpSync(fixtureDir, dir, { recursive: true });
  if (skipDevDependencies) {
    const manifestFile = path.join(dir, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { devDependencies?: Record<string, string> };
    const kept = Object.entries(manifest.devDependencies ?? {}).filter(([name]) => !skipDevDependencies.test(name));
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, devDependencies: Object.fromEntries(kept) }, null, 2));
  }
  const app: ThrowawayApp = {
    dir,
    run: (command, args, timeoutMs, env) => run(command, args, dir, timeoutMs, env),
    mergeJson(file, settings, key) {
      const target = path.join(dir, file);
      const current = JSON.parse(readFileSync(target, 'utf8')) as Record<string, Record<string, unknown>>;
      const merged = key ? { ...current, [key]: { ...current[key], ...settings } } : { ...current, ...settings };
      writeFileSync(target, JSON.stringify(merged, null, 2));
    },
    writeFiles(files) {
      for (const [file, text] of files) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }
    },
    duplicatePackage(name, copyName) {
      const from = path.join(dir, 'node_modules', name);
      const to = path.join(dir, 'node_modules', copyName);
      cpSync(from, to, { recursive: true });
      const manifest = JSON.parse(readFileSync(path.join(to, 'package.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(path.join(to, 'package.json'), JSON.stringify({ ...manifest, name: copyName }, null, 2));
    },
  };
  const install = await app.run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], 240_000);
  return { app, install };
}
