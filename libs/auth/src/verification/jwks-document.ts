import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import { algorithmsForJwk } from './algorithms.js';
import { KeyFetchError } from './fetch-json.js';

/** Members that only private or symmetric JWKs carry (RFC 7518 section 6). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;
const MIN_RSA_BITS = 2048;
/** No issuer publishes this many keys; more is an attack on the verifier's key selection. */
const MAX_KEYS = 100;

/**
 * Reads a fetched JWKS document. The whole set is refused (throws {@link KeyFetchError}) when it is
 * not `{ keys: [objects] }` or when any key is private or symmetric: that is a leak on the issuer's
 * side or an attack, and trusting the rest of the set would be a guess. Encryption keys
 * (`use: "enc"`), RSA keys under 2048 bits and keys that cannot verify a JWS are dropped. At least one
 * signature key must remain.
 */
export function readJwksDocument(document: unknown): JWK[] {
  if (!isPlainObject(document)) throw new KeyFetchError('invalid-shape', 'the JWKS is not a JSON object');
  const keys = document.keys;
  if (!Array.isArray(keys)) throw new KeyFetchError('invalid-shape', 'the JWKS has no keys array');
  if (keys.length > MAX_KEYS) throw new KeyFetchError('invalid-shape', `the JWKS holds more than ${MAX_KEYS} keys`);
  if (!keys.every(isPlainObject)) throw new KeyFetchError('invalid-shape', 'every key must be a JSON object');
  const jwks = keys as JWK[];
  if (jwks.some((key) => key.kty === 'oct' || PRIVATE_JWK_MEMBERS.some((member) => member in key))) {
    throw new KeyFetchError('private-key', 'the JWKS contains a private or symmetric key');
  }
  const usable = jwks.filter(isUsableSignatureKey);
  if (usable.length === 0) throw new KeyFetchError('no-usable-key', 'the JWKS holds no usable signature key');
  return usable.map((key) => ({ ...key }));
}

function isUsableSignatureKey(key: JWK): boolean {
  if (key.key_ops !== undefined && !(Array.isArray(key.key_ops) && key.key_ops.includes('verify'))) return false;
  if (key.kid !== undefined && typeof key.kid !== 'string') return false;
  if (algorithmsForJwk(key).length === 0) return false;
  try {
    const imported = createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
    // Stryker disable next-line ConditionalExpression: Node imports every JWK of kty RSA as 'rsa'; the 'rsa-pss' arm keeps the size rule if it ever imports one as RSA-PSS
    if (imported.asymmetricKeyType === 'rsa' || imported.asymmetricKeyType === 'rsa-pss') {
      return (imported.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS;
    }
    return true;
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
