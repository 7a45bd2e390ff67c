import { createPrivateKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { AuthConfigError } from './auth-config-error.js';
import { checkKeys } from './check-keys.js';

/**
 * Encrypted tokens (JWE, RFC 7516): nested JWTs (RFC 7519 section 5.2), signed by the issuer and then
 * encrypted to the app's public key, are decrypted with these private keys and verified as any token.
 *
 * @example
 * decryption: { jwks: JSON.parse(process.env.TOKEN_DECRYPTION_JWKS) } // { keys: [{ kty: 'RSA', kid: '2025-06', d: ..., ... }] }
 */
export interface DecryptionOptions {
  /** Private keys: JWKs (a `kid` each when there are several: rotation picks by `kid`) or PKCS#8 PEM strings. */
  keys?: Array<JWK | string>;
  /** Or the same keys as a JSON Web Key Set. */
  jwks?: { keys: JWK[] };
  /**
   * Accepted key-management algorithms (`alg`). Default: those the keys can use among `RSA-OAEP-256`,
   * `RSA-OAEP-384`, `RSA-OAEP-512`, `ECDH-ES`, `ECDH-ES+A128KW`, `ECDH-ES+A192KW`, `ECDH-ES+A256KW`,
   * `A128KW`, `A192KW`, `A256KW`, `A128GCMKW`, `A192GCMKW`, `A256GCMKW` and `dir`. `RSA1_5` and
   * `PBES2-*` are never accepted.
   */
  algorithms?: string[];
  /** Accepted content-encryption algorithms (`enc`). Default `A128GCM`, `A192GCM`, `A256GCM`, `A128CBC-HS256`, `A192CBC-HS384`, `A256CBC-HS512`. */
  encryptionAlgorithms?: string[];
  /** Refuse tokens that are not encrypted (`token-not-encrypted`). Default true; false while issuers move to encryption. */
  required?: boolean;
}

/** One decryption key, ready for jose. */
export interface DecryptionKey {
  kid: string | undefined;
  key: KeyObject;
  /** The `alg` values it can decrypt. */
  algorithms: readonly string[];
}

/** {@link DecryptionOptions} after validation. */
export interface ResolvedDecryption {
  keys: readonly DecryptionKey[];
  algorithms: readonly string[];
  encryptionAlgorithms: readonly string[];
  required: boolean;
}

const RSA = ['RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512', 'RSA-OAEP'];
const ECDH = ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'];
const SYMMETRIC = ['A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW', 'dir'];
/** `RSA-OAEP` (SHA-1) only when listed. */
const DEFAULT_ALGORITHMS = [...RSA.slice(0, 3), ...ECDH, ...SYMMETRIC];
const ENCRYPTIONS = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];

/** Validates `decryption`: the keys are parsed now, so a bad one stops the boot naming it. Throws {@link AuthConfigError}. */
export function resolveDecryption(options: DecryptionOptions | undefined): ResolvedDecryption | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new AuthConfigError('decryption', 'expected { keys | jwks, algorithms?, encryptionAlgorithms?, required? }');
  checkKeys(options, ['keys', 'jwks', 'algorithms', 'encryptionAlgorithms', 'required'], 'decryption.');
  if ((options.keys === undefined) === (options.jwks === undefined)) throw new AuthConfigError('decryption', 'give exactly one of keys and jwks');
  const [option, given] =
    options.keys !== undefined ? ['decryption.keys', options.keys] : ['decryption.jwks', (options.jwks as { keys?: unknown } | null)?.keys];
  if (!Array.isArray(given) || given.length === 0) throw new AuthConfigError(option, 'expected a non-empty list of private keys');
  const keys = given.map((entry: unknown, i) => decryptionKey(entry, `${option}[${i}]`));
  const kids = keys.map((k) => k.kid);
  if (keys.length > 1 && kids.some((kid, i) => kid === undefined || kids.indexOf(kid) !== i)) {
    throw new AuthConfigError(option, 'with several keys, each needs its own kid (the token header names the one it was encrypted to)');
  }
  const usable = keys.flatMap((k) => k.algorithms);
  const algorithms =
    list(options.algorithms, 'decryption.algorithms', [...RSA, ...ECDH, ...SYMMETRIC]) ?? DEFAULT_ALGORITHMS.filter((alg) => usable.includes(alg));
  if (!algorithms.some((alg) => usable.includes(alg))) throw new AuthConfigError('decryption.algorithms', 'no listed algorithm fits the keys');
  const required = options.required ?? true;
  if (typeof required !== 'boolean') throw new AuthConfigError('decryption.required', 'expected true or false');
  return {
    keys,
    algorithms,
    encryptionAlgorithms: list(options.encryptionAlgorithms, 'decryption.encryptionAlgorithms', ENCRYPTIONS) ?? ENCRYPTIONS,
    required,
  };
}

function list(value: unknown, option: string, known: readonly string[]): string[] | undefined {
  if (value === undefined) return undefined;
  // Stryker disable next-line ConditionalExpression: (the `typeof` test) a list of strings includes no other value, so includes() refuses it too; the other conditions' `false` mutants are killed
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string' || !known.includes(v))) {
    throw new AuthConfigError(option, `expected a non-empty list of ${known.join(', ')}`);
  }
  return [...new Set(value as string[])];
}

function decryptionKey(entry: unknown, option: string): DecryptionKey {
  let key: KeyObject;
  let kid: string | undefined;
  try {
    if (typeof entry === 'string') {
      key = createPrivateKey(entry);
    } else if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
      const jwk = entry as JWK;
      if (jwk.use !== undefined && jwk.use !== 'enc')
        throw new AuthConfigError(option, 'is a signing key (use: "sig"); decryption keys have use "enc" or none');
      if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || jwk.kid === '')) throw new AuthConfigError(option, 'kid must be a non-empty string');
      kid = jwk.kid;
      key =
        jwk.kty === 'oct'
          ? createSecretKey(Buffer.from(String(jwk.k), 'base64url'))
          : createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    } else {
      throw new AuthConfigError(option, 'expected a private JWK or a PKCS#8 PEM string');
    }
  } catch (error) {
    if (error instanceof AuthConfigError) throw error;
    throw new AuthConfigError(option, 'could not be parsed as a private key (a JWK with its private members, or PKCS#8 PEM)');
  }
  const type = key.type === 'secret' ? 'oct' : key.asymmetricKeyType;
  const algorithms = type === 'rsa' ? RSA : type === 'ec' || type === 'x25519' || type === 'x448' ? ECDH : type === 'oct' ? SYMMETRIC : [];
  // Stryker disable next-line StringLiteral: ('unknown') Node names the type of every asymmetric KeyObject, so the fallback is never read; the swept message is killed
  if (algorithms.length === 0) throw new AuthConfigError(option, `a ${type ?? 'unknown'} key cannot decrypt tokens`);
  if (type === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new AuthConfigError(option, 'RSA keys must be at least 2048 bits');
  return { kid, key, algorithms };
}
