import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** Where `nestjs-warden dev-issuer` keeps its key unless told otherwise (relative to the working directory). */
export const DEFAULT_DEV_ISSUER_KEY_FILE = '.nestjs-warden/dev-issuer-key.json';

/** The dev issuer's signing key as kept on disk (mode 0600): a private JWK and the issuer it last served as. */
interface KeyFileContent {
  version: 1;
  privateJwk: JWK;
  /** Recorded by the server, so `nestjs-warden token` signs for the issuer the app trusts. */
  issuer?: string;
}

/** A loaded (or newly made) dev issuer key. */
export interface DevIssuerKey {
  readonly privateKey: CryptoKey;
  /** With `kid` (the key's RFC 7638 thumbprint: stable across restarts), `alg` and `use: 'sig'`. */
  readonly publicJwk: JWK;
  readonly kid: string;
  /** The issuer recorded in the file, if any. */
  readonly issuer: string | undefined;
  /** True when this call made the key (no file was there). */
  readonly created: boolean;
}

/** A key file that exists but cannot be used; the message names the file, never its content. */
export class DevIssuerKeyError extends Error {
  override readonly name = 'DevIssuerKeyError';
}

/** Loads the key at `file`, or makes an RS256 key and writes it there (mode 0600, folder 0700). */
export async function loadOrCreateDevIssuerKey(file: string): Promise<DevIssuerKey> {
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new DevIssuerKeyError(`cannot read the key file ${file}`);
  }
  if (text !== undefined) return fromContent(file, text);
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), alg: 'RS256' };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const content: KeyFileContent = { version: 1, privateJwk };
  try {
    // 'wx': never overwrite a key another process wrote in the meantime.
    await writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fromContent(file, await readFile(file, 'utf8'));
    throw new DevIssuerKeyError(`cannot write the key file ${file}`);
  }
  return { ...(await keyOf(privateJwk)), issuer: undefined, created: true };
}

/**
 * Records the issuer the server runs as, keeping the key, and leaves the file readable by its owner
 * only (0600), whatever its mode was: call {@link isReadableByOthers} before, to warn about a key
 * others could read.
 */
export async function recordDevIssuer(file: string, issuer: string): Promise<void> {
  const content = JSON.parse(await readFile(file, 'utf8')) as KeyFileContent;
  if (content.issuer !== issuer) await writeFile(file, `${JSON.stringify({ ...content, issuer }, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

/** True when others than the owner may read the file (the key would not be private); false when there is no file yet. */
export async function isReadableByOthers(file: string): Promise<boolean> {
  if (process.platform === 'win32') return false;
  try {
    return ((await stat(file)).mode & 0o077) !== 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function fromContent(file: string, text: string): Promise<DevIssuerKey> {
  let content: KeyFileContent;
  try {
    content = JSON.parse(text) as KeyFileContent;
  } catch {
    throw new DevIssuerKeyError(`the key file ${file} is not JSON; delete it to make a new key`);
  }
  const jwk = content?.privateJwk;
  if (content?.version !== 1 || !jwk || jwk.kty !== 'RSA' || typeof jwk.d !== 'string') {
    throw new DevIssuerKeyError(`the key file ${file} holds no RS256 private key; delete it to make a new key`);
  }
  try {
    return { ...(await keyOf(jwk)), issuer: typeof content.issuer === 'string' ? content.issuer : undefined, created: false };
  } catch {
    throw new DevIssuerKeyError(`the key in ${file} cannot be used; delete it to make a new key`);
  }
}

async function keyOf(privateJwk: JWK): Promise<Omit<DevIssuerKey, 'issuer' | 'created'>> {
  const { kty, n, e } = privateJwk;
  const kid = await calculateJwkThumbprint({ kty, n, e });
  const privateKey = (await importJWK({ ...privateJwk, alg: 'RS256' }, 'RS256')) as CryptoKey;
  return { privateKey, kid, publicJwk: { kty, n, e, kid, alg: 'RS256', use: 'sig' } };
}
