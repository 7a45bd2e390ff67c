import { access, readFile } from 'node:fs/promises';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { CompactEncrypt, importJWK, importSPKI, type JWK } from 'jose';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DevIssuer, DevTokenRequestError } from './dev-issuer.js';
import { DEFAULT_DEV_ISSUER_KEY_FILE, DevIssuerKeyError, isReadableByOthers, loadOrCreateDevIssuerKey, recordDevIssuer } from './dev-issuer-key.js';
import { startDevIssuerServer, type RunningDevIssuer } from './dev-issuer-server.js';

/** Where the commands write, and the directory relative paths start from. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

/** The exit code, and the server when `dev-issuer` started one (it runs until closed). */
export interface CliResult {
  code: number;
  running?: RunningDevIssuer;
}

export const CLI_USAGE = `Usage:
  nestjs-warden dev-issuer [--port 4000] [--key-file ${DEFAULT_DEV_ISSUER_KEY_FILE}] [--azp <origin>]
      Serves a development issuer on 127.0.0.1: its JWKS, OpenID discovery and POST /tokens.
      The signing key is kept in the key file (mode 0600), so tokens and apps survive restarts.
  nestjs-warden token --sub user_1 [--org org_1] [--role org:admin] [--permission org:invoices:read]...
      [--sid sess_1] [--azp <origin>] [--expires 600] [--claim name=value]... [--issuer <url>] [--key-file <file>]
      [--dpop-jkt <thumbprint>] [--client-cert <cert.pem>] [--encrypt-to <public key: JWK or PEM file>]
      Prints a token signed with the key file's key; no server needed. --dpop-jkt binds it to a DPoP key
      (cnf.jkt), --client-cert to a client certificate (cnf["x5t#S256"]); --encrypt-to encrypts it (JWE,
      RSA-OAEP-256 or ECDH-ES+A256KW, A256GCM) to the app's decryption key.
Development only: whoever can reach the issuer or read the key file can sign in as anyone.`;

class UsageError extends Error {}
/** A failure the user can fix, said in one line without the usage. */
class CommandError extends Error {}

/**
 * Runs one `nestjs-warden` command. Usage errors exit with 2, other failures with 1; the messages
 * never contain a key.
 */
export async function runCli(argv: string[], io: CliIo): Promise<CliResult> {
  const [command, ...rest] = argv;
  try {
    if (command === 'dev-issuer') return await devIssuerCommand(rest, io);
    if (command === 'token') return await tokenCommand(rest, io);
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout(`${CLI_USAGE}\n`);
      return { code: command === undefined ? 2 : 0 };
    }
    throw new UsageError(`unknown command "${command}"`);
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
      `Mint a token: npx nestjs-warden token --sub user_1   or   curl -X POST ${running.tokenUrl} -H 'content-type: application/json' -d '{"sub":"user_1"}'`,
      'Development only: whoever can reach this port can sign in as anyone. Ctrl+C stops it.',
      '',
    ].join('\n'),
  );
  return { code: 0, running };
}

async function tokenCommand(args: string[], io: CliIo): Promise<CliResult> {
  const { values } = parseArgs({
    args,
    options: {
      sub: { type: 'string' },
      sid: { type: 'string' },
      org: { type: 'string' },
      role: { type: 'string' },
      permission: { type: 'string', multiple: true },
      azp: { type: 'string' },
      expires: { type: 'string' },
      claim: { type: 'string', multiple: true },
      issuer: { type: 'string' },
      'key-file': { type: 'string' },
      'dpop-jkt': { type: 'string' },
      'client-cert': { type: 'string' },
      'encrypt-to': { type: 'string' },
    },
  });
  const keyFile = path.resolve(io.cwd, values['key-file'] ?? DEFAULT_DEV_ISSUER_KEY_FILE);
  try {
    await access(keyFile);
  } catch {
    throw new CommandError(`no key at ${keyFile}: start "npx nestjs-warden dev-issuer" once to make it, or pass --key-file`);
  }
  const key = await loadOrCreateDevIssuerKey(keyFile);
  const issuer = values.issuer ?? key.issuer;
  if (!issuer) throw new CommandError('the key file records no issuer yet: pass --issuer <url> (the AUTH_ISSUER of your app)');
  const claims: Record<string, unknown> = {};
  for (const pair of values.claim ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new UsageError(`--claim expects name=value, got "${pair}"`);
    claims[pair.slice(0, eq)] = parseValue(pair.slice(eq + 1));
  }
  const named = { sub: values.sub, sid: values.sid, org_id: values.org, org_role: values.role, org_permissions: values.permission, azp: values.azp };
  for (const [name, value] of Object.entries(named)) if (value !== undefined) claims[name] = value;
  if (values.expires !== undefined) claims.expiresInSeconds = /^\d+$/.test(values.expires) ? Number(values.expires) : values.expires;
  const cnf = await confirmation(values['dpop-jkt'], values['client-cert'] && path.resolve(io.cwd, values['client-cert']));
  if (cnf) claims.cnf = cnf;
  const dev = await DevIssuer.open({ issuer, keyFile });
  const token = await dev.mint(claims);
  io.stdout(`${values['encrypt-to'] ? await encryptTo(token, path.resolve(io.cwd, values['encrypt-to'])) : token}\n`);
  return { code: 0 };
}

/** The `cnf` claim of `--dpop-jkt` and `--client-cert` (RFC 9449 / RFC 8705), or undefined. */
async function confirmation(jkt: string | undefined, certFile: string | undefined): Promise<Record<string, string> | undefined> {
  if (jkt === undefined && certFile === undefined) return undefined;
  const cnf: Record<string, string> = {};
  if (jkt !== undefined) {
    if (!/^[A-Za-z0-9_-]{43}$/.test(jkt)) throw new UsageError('--dpop-jkt expects the base64url SHA-256 thumbprint (43 characters) of the client DPoP key');
    cnf.jkt = jkt;
  }
  if (certFile !== undefined) {
    let der: Buffer;
    try {
      der = new X509Certificate(await readFile(certFile)).raw;
    } catch {
      throw new CommandError(`--client-cert: ${certFile} is not a readable PEM or DER certificate`);
    }
    cnf['x5t#S256'] = createHash('sha256').update(der).digest('base64url');
  }
  return cnf;
}

/** The token encrypted (a nested JWT) to the public key in `file`: a JWK (RSA or EC) or SPKI PEM. */
async function encryptTo(token: string, file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CommandError(`--encrypt-to: cannot read ${file}`);
  }
  let jwk: JWK | undefined;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    jwk = undefined;
  }
  let rsa: boolean;
  try {
    rsa = jwk ? jwk.kty === 'RSA' : createPublicKey(text).asymmetricKeyType === 'rsa';
  } catch {
    throw new CommandError(`--encrypt-to: ${file} holds no public RSA or EC key (a JWK or an SPKI PEM)`);
  }
  const alg = typeof jwk?.alg === 'string' && /^(RSA-OAEP|ECDH-ES)/.test(jwk.alg) ? jwk.alg : rsa ? 'RSA-OAEP-256' : 'ECDH-ES+A256KW';
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    key = jwk ? await importJWK({ ...jwk, alg }, alg) : await importSPKI(text, alg);
  } catch {
    throw new CommandError(`--encrypt-to: ${file} holds no public RSA or EC key (a JWK or an SPKI PEM)`);
  }
  const kid = typeof jwk?.kid === 'string' ? { kid: jwk.kid } : {};
  return new CompactEncrypt(new TextEncoder().encode(token)).setProtectedHeader({ alg, enc: 'A256GCM', cty: 'JWT', ...kid }).encrypt(key);
}

/** `--claim n=5` -> 5, `--claim tags=["a"]` -> ['a'], anything not JSON stays a string. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
