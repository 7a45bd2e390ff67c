import { KEY_FILE_MEMBER } from './dev-issuer-server.js';

/** What the issuer a token is minted for says about the key it is signed with. */
export type IssuerKeyCheck =
  /** Its JWKS holds the key: an app trusting that issuer accepts the token. */
  | { state: 'published' }
  /** Its JWKS does not: every app trusting it refuses the token (`key-not-found`). `keyFile`: the file a nestjs-warden dev issuer signs with. */
  | { state: 'not-published'; keyFile?: string }
  /** It could not be asked (not running, not a URL, no JWKS at the usual place): nothing is known. */
  | { state: 'unknown'; why: string };

const MAX_BYTES = 512 * 1024;

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_BYTES) throw new Error('a body larger than 512 KiB');
  return JSON.parse(text) as unknown;
}

/**
 * Asks the issuer at `issuer` (its discovery document, else `<issuer>/.well-known/jwks.json`) whether it
 * publishes the RSA key `key` (its thumbprint `kid` and modulus `n`): a token signed with a key the issuer does not publish is a
 * silent 401 in the app. Never throws; an issuer that cannot be asked is `unknown`, with why.
 *
 * @example
 * const check = await checkIssuerPublishes('http://127.0.0.1:4000', { kid: key.kid, n: key.publicJwk.n! });
 * if (check.state === 'not-published') console.error(`use --key-file ${check.keyFile}`);
 */
export async function checkIssuerPublishes(issuer: string, key: { kid: string; n: string }, timeoutMs = 2000): Promise<IssuerKeyCheck> {
  let base: URL;
  try {
    base = new URL(issuer);
  } catch {
    return { state: 'unknown', why: 'the issuer is not a URL' };
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') return { state: 'unknown', why: 'the issuer is not an http(s) URL' };
  const root = issuer.replace(/\/+$/, '');
  let keyFile: string | undefined;
  let jwksUrl = `${root}/.well-known/jwks.json`;
  try {
    const discovery = (await getJson(`${root}/.well-known/openid-configuration`, timeoutMs)) as Record<string, unknown>;
    if (typeof discovery?.jwks_uri === 'string') jwksUrl = discovery.jwks_uri;
    if (typeof discovery?.[KEY_FILE_MEMBER] === 'string') keyFile = discovery[KEY_FILE_MEMBER];
  } catch {
    // No discovery document: the usual JWKS location is asked below.
  }
  let jwks: unknown;
  try {
    jwks = await getJson(jwksUrl, timeoutMs);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    return { state: 'unknown', why: cause === 'ECONNREFUSED' ? 'nothing listens there' : `its keys could not be fetched: ${cause}` };
  }
  const keys = (jwks as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) return { state: 'unknown', why: 'it serves no JWKS' };
  const published = keys.some((candidate) => (candidate as { kid?: unknown })?.kid === key.kid && (candidate as { n?: unknown })?.n === key.n);
  return published ? { state: 'published' } : { state: 'not-published', ...(keyFile ? { keyFile } : {}) };
}
