import { access } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CommandError, UsageError } from './cli-errors.js';
import { DevIssuer, type DevTokenType } from './dev-issuer.js';
import { DEFAULT_DEV_ISSUER_KEY_FILE, loadOrCreateDevIssuerKey } from './dev-issuer-key.js';
import { checkIssuerPublishes } from './issuer-key-check.js';
import { confirmation, encrypterFor } from './token-binding-args.js';

/** Where the commands write, and the directory relative paths start from. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

export const TOKEN_USAGE = `  nestjs-warden token --sub user_1 [--org org_1] [--role org:admin] [--permission org:invoices:read]...
      [--sid sess_1] [--azp <origin>] [--expires 600] [--claim name=value]... [--issuer <url>] [--key-file <file>]
      Prints a session token signed with the key file's key, after checking that the issuer publishes that key.
  nestjs-warden token --m2m [--sub mch_billing] [--scopes invoices:read invoices:write]
      A machine-to-machine token (Clerk's format: header cat, space-separated "scopes").
  nestjs-warden token --oauth [--sub user_1] [--client-id client_1] [--scope "profile email"]
      An OAuth access token (RFC 9068: header typ at+jwt, client_id, space-separated "scope").
  nestjs-warden token --template <name> [--sub user_1]
      A Clerk JWT-template token, as getToken({ template }) returns (nestjs-warden routes refuse it).
  Any token: [--dpop-jkt <thumbprint>] [--client-cert <cert.pem>] [--encrypt-to <public key: JWK or PEM file>]
      --dpop-jkt binds it to a DPoP key (cnf.jkt), --client-cert to a client certificate (cnf["x5t#S256"]);
      --encrypt-to encrypts it (JWE, RSA-OAEP-256 or ECDH-ES+A256KW, A256GCM) to the app's decryption key.`;

/** `--scopes a b c` -> `--scopes 'a b c'`: the values up to the next option make one space-separated list. */
function joinScopes(args: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '--scopes') {
      joined.push(args[i]);
      continue;
    }
    const values: string[] = [];
    while (i + 1 < args.length && !args[i + 1].startsWith('-')) values.push(args[++i]);
    joined.push('--scopes', values.join(' '));
  }
  return joined;
}

/** `--claim n=5` -> 5, `--claim tags=["a"]` -> ['a'], anything not JSON stays a string. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The `--key-file` argument to repeat in a hint: none for the default file of this folder. */
export function keyFileArgument(keyFile: string, cwd: string): string {
  return keyFile === path.resolve(cwd, DEFAULT_DEV_ISSUER_KEY_FILE) ? '' : ` --key-file ${path.relative(cwd, keyFile) || keyFile}`;
}

/**
 * `nestjs-warden token`: mints a token with the key file's key for the issuer the file records (or
 * `--issuer`). Before printing it, asks that issuer whether it publishes the key: when it does not,
 * the app would refuse the token without saying why, so the command refuses, naming both key files.
 * An issuer that cannot be asked (not running) gets a warning, and the token is printed.
 */
export async function tokenCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: joinScopes(args),
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
      m2m: { type: 'boolean' },
      oauth: { type: 'boolean' },
      template: { type: 'string' },
      scopes: { type: 'string' },
      scope: { type: 'string' },
      'client-id': { type: 'string' },
      'dpop-jkt': { type: 'string' },
      'client-cert': { type: 'string' },
      'encrypt-to': { type: 'string' },
    },
  });
  const classes = [values.m2m && '--m2m', values.oauth && '--oauth', values.template !== undefined && '--template'].filter(Boolean);
  if (classes.length > 1) throw new UsageError(`${classes.join(' and ')} make different tokens: give one`);
  if (values.scopes !== undefined && !values.m2m)
    throw new UsageError('--scopes is the claim of M2M tokens (with --m2m); OAuth and session tokens take --scope');
  if (values['client-id'] !== undefined && !values.oauth) throw new UsageError('--client-id is for OAuth tokens (with --oauth)');
  const tokenType: DevTokenType = values.m2m ? 'm2m_token' : values.oauth ? 'oauth_token' : 'session_token';

  const keyFile = path.resolve(io.cwd, values['key-file'] ?? DEFAULT_DEV_ISSUER_KEY_FILE);
  const shown = path.relative(io.cwd, keyFile) || keyFile;
  try {
    await access(keyFile);
  } catch {
    throw new CommandError(`no key at ${shown}: start "npx nestjs-warden dev-issuer${keyFileArgument(keyFile, io.cwd)}" once to make it, or pass --key-file`);
  }
  const key = await loadOrCreateDevIssuerKey(keyFile);
  const issuer = values.issuer ?? key.issuer;
  if (!issuer) throw new CommandError(`${shown} records no issuer yet: pass --issuer <url> (the AUTH_ISSUER of your app)`);

  const claims: Record<string, unknown> = { tokenType };
  if (values.template !== undefined) claims.template = values.template;
  for (const pair of values.claim ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new UsageError(`--claim expects name=value, got "${pair}"`);
    claims[pair.slice(0, eq)] = parseValue(pair.slice(eq + 1));
  }
  const named = {
    sub: values.sub,
    sid: values.sid,
    org_id: values.org,
    org_role: values.role,
    org_permissions: values.permission,
    azp: values.azp,
    scopes: values.scopes,
    scope: values.scope,
    client_id: values['client-id'],
  };
  for (const [name, value] of Object.entries(named)) if (value !== undefined) claims[name] = value;
  if (values.expires !== undefined) claims.expiresInSeconds = /^\d+$/.test(values.expires) ? Number(values.expires) : values.expires;
  const encrypt = values['encrypt-to'] === undefined ? undefined : await encrypterFor(path.resolve(io.cwd, values['encrypt-to']));
  const cnf = await confirmation(values['dpop-jkt'], values['client-cert'] && path.resolve(io.cwd, values['client-cert']));
  if (cnf) claims.cnf = cnf;
  const token = await (await DevIssuer.open({ issuer, keyFile })).mint(claims);

  const check = await checkIssuerPublishes(issuer, { kid: key.kid, n: String(key.publicJwk.n) });
  if (check.state === 'not-published') {
    const fix = check.keyFile
      ? `It signs with ${path.relative(io.cwd, check.keyFile) || check.keyFile}: pass --key-file ${check.keyFile}`
      : 'Pass the --key-file of the dev issuer running there, or the --issuer that serves this key';
    throw new CommandError(
      `the issuer at ${issuer} does not publish the key of ${shown} (kid ${key.kid}): an app trusting it would refuse the token (401 key-not-found). ${fix}.`,
    );
  }
  if (check.state === 'unknown') {
    io.stderr(
      `warning: could not ask the issuer at ${issuer} whether it publishes the key of ${shown} (${check.why}). ` +
        `The token verifies only where that key is served: npx nestjs-warden dev-issuer${keyFileArgument(keyFile, io.cwd)}\n`,
    );
  }
  io.stdout(`${encrypt ? await encrypt(token) : token}\n`);
  return 0;
}
