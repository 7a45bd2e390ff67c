import type { Rule, SchematicContext, Tree } from '@angular-devkit/schematics';
import { addAuthModule } from './app-module.js';
import { signInE2eTest } from './kit-sign-in.js';
import { formatJson, usesCommonJsJest, withCommonJsJestSettings, withEnvExample, withKeyFolderIgnored } from './project-files.js';

/** Options of the `nest-add` schematic (schema.json). */
export interface NestAddOptions {
  /** The app's source folder; `nest add` passes nest-cli.json's `sourceRoot`. Default `src`. */
  sourceRoot?: string;
  /** The root module, relative to `sourceRoot`. Default `app.module.ts`. */
  module?: string;
  /** Sign the starter's e2e test in with the testing kit. Default true. */
  e2eTest?: boolean;
}

const join = (...parts: string[]) => parts.filter(Boolean).join('/').replace(/\/+/g, '/').replace(/^\.\//, '');
const read = (tree: Tree, path: string): string | null => tree.read(path)?.toString('utf8') ?? null;

/** Writes `text` at `path` (creating it when absent). */
function write(tree: Tree, path: string, text: string): void {
  if (tree.exists(path)) tree.overwrite(path, text);
  else tree.create(path, text);
}

/**
 * `nest add nestjs-warden`: sets the library up in a Nest app, editing what is there rather than
 * replacing it. Adds `AuthModule.forRoot(...)` (or `forRootAsync` with `ConfigService` when the module
 * imports `@nestjs/config`) to the root module; signs the starter's e2e test in with the testing kit;
 * gives a CommonJS app's Jest the settings to load ES modules; writes `.env.example` and ignores the
 * local issuer's key folder. Each step does nothing when its change is there already, so a second run
 * changes nothing; `--dry-run` shows the changes without writing them.
 */
export function nestAdd(options: NestAddOptions = {}): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const log = (text: string) => context.logger.info(`nestjs-warden: ${text}`);
    const sourceRoot = (options.sourceRoot ?? 'src').replace(/^\/+|\/+$/g, '');
    const projectRoot = sourceRoot.includes('/') ? sourceRoot.slice(0, sourceRoot.lastIndexOf('/')) : '';

    const modulePath = join(sourceRoot, options.module ?? 'app.module.ts');
    const moduleSource = read(tree, modulePath);
    if (moduleSource === null) throw new Error(`nestjs-warden: no ${modulePath}; pass --module <file under ${sourceRoot}> (your root module)`);
    const edit = addAuthModule(moduleSource, modulePath);
    if (edit.added) {
      tree.overwrite(modulePath, edit.text);
      log(`added AuthModule.${edit.added}(...) to ${modulePath}${edit.added === 'forRootAsync' ? ' (options from ConfigService)' : ''}`);
    }

    const e2ePath = join(projectRoot, 'test/app.e2e-spec.ts');
    const e2e = options.e2eTest === false ? null : read(tree, e2ePath);
    const signedIn = e2e === null ? null : signInE2eTest(e2e, e2ePath);
    if (signedIn !== null) {
      tree.overwrite(e2ePath, signedIn);
      log(`${e2ePath} signs in with the testing kit (nestjs-warden/testing): no keys needed`);
    }

    const manifestPath = join(projectRoot, 'package.json');
    const manifestText = read(tree, manifestPath);
    const manifest = manifestText ? (JSON.parse(manifestText) as Record<string, unknown>) : null;
    if (manifest && usesCommonJsJest(manifest)) {
      const configs: Array<[string, string | null]> = [
        [manifestPath, 'jest'],
        [join(projectRoot, 'test/jest-e2e.json'), null],
      ];
      for (const [path, key] of configs) {
        const text = read(tree, path);
        if (text === null) continue;
        const json = JSON.parse(text) as Record<string, unknown>;
        const current = (key ? json[key] : json) as Record<string, unknown> | undefined;
        if (key && current === undefined) continue;
        const merged = withCommonJsJestSettings(current ?? {});
        if (merged.conflict)
          log(`${path}${key ? ` (${key})` : ''} has its own ${merged.conflict}: let nestjs-warden and jose through it by hand (docs/platforms.md)`);
        if (!merged.config) continue;
        const next = key ? { ...json, [key]: merged.config } : merged.config;
        tree.overwrite(path, formatJson(next, text));
        log(`${path}${key ? ` (${key})` : ''}: Jest loads nestjs-warden and jose (ES modules) and maps ./x.js to ./x.ts`);
      }
    }

    const envPath = join(projectRoot, '.env.example');
    const env = withEnvExample(read(tree, envPath));
    if (env !== null) {
      write(tree, envPath, env);
      log(`${envPath} lists AUTH_JWKS_URL and AUTH_ISSUER`);
    }
    const ignorePath = join(projectRoot, '.gitignore');
    const ignore = withKeyFolderIgnored(read(tree, ignorePath));
    if (ignore !== null) {
      write(tree, ignorePath, ignore);
      log(`${ignorePath} ignores .nestjs-warden/ (the local issuer's key)`);
    }

    if (edit.added) {
      log('next: set AUTH_JWKS_URL and AUTH_ISSUER (see .env.example), or run a local issuer: npx nestjs-warden dev-issuer');
      log('routes that stay public: @OptionalAuth(); the guide: node_modules/nestjs-warden/README.md');
    } else {
      log(`AuthModule was in ${modulePath} already`);
    }
    return tree;
  };
}
