import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CompactEncrypt, importJWK, importSPKI, type JWK } from 'jose';
import { CommandError, UsageError } from './cli-errors.js';

/** The `cnf` claim of `--dpop-jkt` and `--client-cert` (RFC 9449 / RFC 8705), or undefined. */
export async function confirmation(jkt: string | undefined, certFile: string | undefined): Promise<Record<string, string> | undefined> {
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

/**
 * What encrypts a token (a nested JWT) to the public key in `file`: a JWK (RSA or EC) or SPKI PEM.
 * Read before anything is minted, so a bad file is the command's one error line.
 */
export async function encrypterFor(file: string): Promise<(token: string) => Promise<string>> {
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
  return (token) => new CompactEncrypt(new TextEncoder().encode(token)).setProtectedHeader({ alg, enc: 'A256GCM', cty: 'JWT', ...kid }).encrypt(key);
}
