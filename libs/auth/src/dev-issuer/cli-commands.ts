import path from 'node:path';
import { parseArgs } from 'node:util';
import { CommandError, UsageError } from './cli-errors.js';
import { DevTokenRequestError } from './dev-issuer.js';
import { DEFAULT_DEV_ISSUER_KEY_FILE, DevIssuerKeyError, isReadableByOthers, recordDevIssuer } from './dev-issuer-key.js';
import { startDevIssuerServer, type RunningDevIssuer } from './dev-issuer-server.js';
import { keyFileArgument, TOKEN_USAGE, tokenCommand, type CliIo } from './token-command.js';

export type { CliIo } from './token-command.js';

/** The exit code, and the server when `dev-issuer` started one (it runs until closed). */
export interface CliResult {
  code: number;
  running?: RunningDevIssuer;
}

const DEV_ISSUER_USAGE = `  nestjs-warden dev-issuer [--port 4000] [--key-file ${DEFAULT_DEV_ISSUER_KEY_FILE}] [--azp <origin>]
      Serves a development issuer on 127.0.0.1: its JWKS, OpenID discovery and POST /tokens.
      The signing key is kept in the key file (mode 0600), so tokens and apps survive restarts.`;
const WARNING = 'Development only: whoever can reach the issuer or read the key file can sign in as anyone.';

export const CLI_USAGE = `Usage:
${DEV_ISSUER_USAGE}
${TOKEN_USAGE}
${WARNING}`;

const COMMANDS: Record<string, { usage: string; run: (args: string[], io: CliIo) => Promise<CliResult> }> = {
  'dev-issuer': { usage: DEV_ISSUER_USAGE, run: devIssuerCommand },
  token: { usage: TOKEN_USAGE, run: async (args, io) => ({ code: await tokenCommand(args, io) }) },
};

/**
 * Runs one `nestjs-warden` command. `--help` (or `-h`) on any command prints its usage and exits 0;
 * usage errors exit with 2, other failures with 1; the messages never contain a key.
 */
export async function runCli(argv: string[], io: CliIo): Promise<CliResult> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout(`${CLI_USAGE}\n`);
      return { code: command === undefined ? 2 : 0 };
    }
    const known = COMMANDS[command];
    if (!known) throw new UsageError(`unknown command "${command}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`Usage:\n${known.usage}\n${WARNING}\n`);
      return { code: 0 };
    }
    return await known.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`nestjs-warden: ${(error as Error).message}\n\n${CLI_USAGE}\n`);
      return { code: 2 };
    }
    const known = error instanceof CommandError || error instanceof DevIssuerKeyError || error instanceof DevTokenRequestError;
    io.stderr(`nestjs-warden: ${known ? (error as Error).message : 'failed: ' + String((error as Error).name ?? error)}\n`);
    return { code: 1 };
  }
}

async function devIssuerCommand(args: string[], io: CliIo): Promise<CliResult> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string', default: '4000' }, 'key-file': { type: 'string' }, azp: { type: 'string' } },
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port ?? '') || port > 65535) throw new UsageError(`--port must be a port number, got "${values.port}"`);
  const keyFile = path.resolve(io.cwd, values['key-file'] ?? DEFAULT_DEV_ISSUER_KEY_FILE);
  // Before anything rewrites the file or restricts its mode: a key others could read may have been copied.
  const exposed = await isReadableByOthers(keyFile);
  let running: RunningDevIssuer;
  try {
    running = await startDevIssuerServer({ port, keyFile, defaultAuthorizedParty: values.azp });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CommandError(`port ${port} on 127.0.0.1 is in use: pick another with --port`);
    throw error;
  }
  await recordDevIssuer(keyFile, running.url);
  if (exposed) io.stderr(`warning: ${keyFile} was readable by other users; it is now 0600. Delete it to make a new key if they may have copied it\n`);
  io.stdout(
    [
      `nestjs-warden dev issuer on ${running.url} (kid ${running.issuer.kid}, key in ${path.relative(io.cwd, keyFile) || keyFile})`,
      '',
      "Set these in your app's environment:",
      `AUTH_JWKS_URL=${running.jwksUrl}`,
      `AUTH_ISSUER=${running.url}`,
      '',
      `Mint a token: npx nestjs-warden token${keyFileArgument(keyFile, io.cwd)} --sub user_1   or   curl -X POST ${running.tokenUrl} -H 'content-type: application/json' -d '{"sub":"user_1"}'`,
      `A machine's:  npx nestjs-warden token${keyFileArgument(keyFile, io.cwd)} --m2m --scopes invoices:read   (npx nestjs-warden token --help for the others)`,
      'Development only: whoever can reach this port can sign in as anyone. Ctrl+C stops it.',
      '',
    ].join('\n'),
  );
  return { code: 0, running };
}
