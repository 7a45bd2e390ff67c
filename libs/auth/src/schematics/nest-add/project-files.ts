/**
 * What Jest in CommonJS mode (the NestJS 11 starter) needs to load nestjs-warden and jose, which are
 * ES modules, and the `.js` suffix of relative imports: the settings docs/platforms.md gives.
 */
export const COMMONJS_JEST_SETTINGS = {
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(nestjs-warden|jose)/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
} as const;

/** The environment the added module reads; `.env.example` lists them. */
export const ENV_EXAMPLE_LINES = [
  '# nestjs-warden: the issuer whose tokens this API accepts (Clerk here; any issuer with a JWKS works).',
  '# No issuer yet? `npx nestjs-warden dev-issuer` prints the two lines for a local one.',
  'AUTH_JWKS_URL=https://<your-app>.clerk.accounts.dev/.well-known/jwks.json',
  'AUTH_ISSUER=https://<your-app>.clerk.accounts.dev',
];

/** The local issuer's key folder: a private key, never to be committed. */
export const KEY_FOLDER_IGNORE = '.nestjs-warden/';

/** `.env.example` with the auth variables added when missing; null when it has them all. */
export function withEnvExample(current: string | null): string | null {
  const has = (name: string) => current !== null && new RegExp(`^\\s*${name}=`, 'm').test(current);
  if (has('AUTH_JWKS_URL') && has('AUTH_ISSUER')) return null;
  const lines = ENV_EXAMPLE_LINES.filter((line) => line.startsWith('#') || !has(line.slice(0, line.indexOf('='))));
  if (current === null || current.trim() === '') return `${lines.join('\n')}\n`;
  return `${current.replace(/\n*$/, '\n\n')}${lines.join('\n')}\n`;
}

/** `.gitignore` with the key folder added when missing; null when it is ignored already. */
export function withKeyFolderIgnored(current: string | null): string | null {
  if (
    current !== null &&
    current.split(/\r?\n/).some((line) => ['.nestjs-warden', '.nestjs-warden/', '/.nestjs-warden', '/.nestjs-warden/'].includes(line.trim()))
  ) {
    return null;
  }
  const entry = `# nestjs-warden: the local issuer's signing key\n${KEY_FOLDER_IGNORE}\n`;
  return current === null || current.trim() === '' ? entry : `${current.replace(/\n*$/, '\n\n')}${entry}`;
}

/** Whether a package.json describes a CommonJS app tested with Jest (the NestJS 11 starter). */
export function usesCommonJsJest(manifest: Record<string, unknown>): boolean {
  if (manifest.type === 'module') return false;
  const dev = { ...(manifest.dependencies as object), ...(manifest.devDependencies as object) } as Record<string, unknown>;
  return 'jest' in dev;
}

/**
 * A Jest configuration with {@link COMMONJS_JEST_SETTINGS} merged in; null when it has them already.
 * Another `transformIgnorePatterns` of the app's is left alone (it cannot be merged safely), and said:
 * `conflict` names it.
 */
export function withCommonJsJestSettings(config: Record<string, unknown>): { config: Record<string, unknown> | null; conflict: string | null } {
  const mapper = (config.moduleNameMapper ?? {}) as Record<string, string>;
  const patterns = config.transformIgnorePatterns;
  const [ours] = COMMONJS_JEST_SETTINGS.transformIgnorePatterns;
  const needsMapper = mapper['^(\\.{1,2}/.*)\\.js$'] === undefined;
  const patternsOwned = patterns === undefined;
  const patternsOk = Array.isArray(patterns) && patterns.includes(ours);
  const conflict = !patternsOwned && !patternsOk ? 'transformIgnorePatterns' : null;
  if (!needsMapper && (patternsOk || conflict)) return { config: null, conflict };
  return {
    config: {
      ...config,
      ...(patternsOwned ? { transformIgnorePatterns: [...COMMONJS_JEST_SETTINGS.transformIgnorePatterns] } : {}),
      moduleNameMapper: { ...mapper, ...COMMONJS_JEST_SETTINGS.moduleNameMapper },
    },
    conflict,
  };
}

/**
 * JSON as the file had it: two-space indentation, and arrays of plain values on one line when the
 * file wrote them so (Prettier's style, the starters' jest-e2e.json) rather than one value per line.
 */
export function formatJson(value: unknown, original: string): string {
  const text = JSON.stringify(value, null, 2);
  if (!/\[[ \t]*"[^\n]*"[ \t]*\]/.test(original)) return `${text}\n`;
  return `${text.replace(
    /\[\n\s*((?:"(?:[^"\\]|\\.)*"|[\d.]+|true|false|null)(?:,\n\s*(?:"(?:[^"\\]|\\.)*"|[\d.]+|true|false|null))*)\n\s*\]/g,
    (all, items: string) => {
      const inline = `[${items.split(/,\n\s*/).join(', ')}]`;
      return inline.length <= 80 ? inline : all;
    },
  )}\n`;
}
