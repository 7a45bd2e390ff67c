import { createPublicKey, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, type JWK, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { AuthConfigError } from '../config/auth-config-error.js';
import type { IssuerConfig } from '../config/resolved-options.js';
import type { KeyFetchProblem } from './fetch-json.js';
import { MemoizedKeys } from './key-memo.js';
import type { KeySourceEvents } from './key-source-events.js';
import { RemoteJwks, type RemoteJwksLocation } from './remote-jwks.js';
import { algorithmsForJwk, algorithmsForKeyType, ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, KNOWN_ALGORITHMS } from './algorithms.js';

/** What the verifier needs from a key source: the key (or key resolver) and the algorithms pinned to it. */
export interface KeySource {
  /** `issuer`: remote JWKS found through OIDC discovery. */
  readonly kind: 'jwksUrl' | 'issuer' | 'jwks' | 'jwtKey' | 'secret';
  /** Pinned: a token's `alg` only selects among these. */
  readonly algorithms: readonly string[];
  readonly key: JWTVerifyGetKey | KeyObject | Uint8Array;
  /**
   * Remote sources: fetch the keys now (boot warm-up). Never throws: a down issuer must not fail
   * the boot.
   */
  warmUp?(): Promise<void>;
  /**
   * Remote sources: `listener` runs after every refresh that changed the set, with the RFC 7638
   * thumbprints of the keys now in it, so caches can drop results verified by removed or replaced
   * keys (a key replaced under the same `kid` has another thumbprint). Returns an unsubscribe function.
   */
  onKeysChanged?(listener: (currentThumbprints: ReadonlySet<string>) => void): () => void;
  /**
   * Remote sources: a key of the set refused a token's signature; look again (at most once per
   * cooldown) in case the key behind that `kid` was replaced. Resolves true when the set changed.
   */
  refreshAfterSignatureMismatch?(): Promise<boolean>;
  /**
   * Remote sources: when the keys in use were fetched (or last confirmed), in ms on the options'
   * clock; null before any. A cached verification is not served once these keys are due for a refresh.
   */
  keysFetchedAt?(): number | null;
  /**
   * Remote sources: `listener` runs after every fetch of key material, with null when it succeeded,
   * else its problem code (never a URL or a body). Returns an unsubscribe function.
   */
  onKeyFetch?(listener: (problem: KeyFetchProblem | null) => void): () => void;
}

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;
const MIN_RSA_BITS = 2048;

/**
 * Builds the key source named by the options. Every problem with key material is an
 * {@link AuthConfigError} at boot: private or symmetric keys in a JWKS, RSA keys under 2048 bits,
 * unparsable PEM, algorithms that do not fit the keys. `events` hears of fetch failures of remote sources.
 */
export function createKeySource(options: IssuerConfig, events: KeySourceEvents = {}, clock: () => number = Date.now): KeySource {
  if (options.secret !== undefined) return secretSource(options.secret, options.algorithms);
  if (options.jwtKey !== undefined) return pemSource(options.jwtKey, options.algorithms);
  if (options.jwks !== undefined) return localJwksSource(options.jwks, options.algorithms);
  if (options.jwksUrl !== undefined) return remoteJwksSource(options, { jwksUrl: new URL(options.jwksUrl) }, events, clock);
  if (options.issuer?.length === 1) return remoteJwksSource(options, { issuer: options.issuer[0] }, events, clock);
  throw new AuthConfigError('jwksUrl', 'a key source is required: one of jwksUrl, jwks, jwtKey or secret');
}

function secretSource(secret: string | Uint8Array, configured: string[] | undefined): KeySource {
  const algorithms = pin('secret', [...HMAC_ALGORITHMS], configured, ['HS256']);
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret);
  return { kind: 'secret', algorithms, key };
}

function pemSource(pem: string, configured: string[] | undefined): KeySource {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new AuthConfigError('jwtKey', 'could not be parsed as a PEM public key or certificate');
  }
  const details = key.asymmetricKeyDetails;
  checkRsaSize('jwtKey', key.asymmetricKeyType, details?.modulusLength);
  const natural = algorithmsForKeyType(key.asymmetricKeyType, details?.namedCurve);
  if (natural.length === 0) {
    // Stryker disable next-line StringLiteral: a public KeyObject always has an asymmetricKeyType, so 'unknown' is never printed (the option and the message of this line are pinned by key-sources.spec)
    throw new AuthConfigError('jwtKey', `key type ${key.asymmetricKeyType ?? 'unknown'} cannot verify JWS signatures`);
  }
  // Stryker disable next-line Regex: no other algorithm name holds RS or PS, so the anchor changes nothing
  const family = key.asymmetricKeyType === 'rsa' ? ASYMMETRIC_ALGORITHMS.filter((a) => /^(RS|PS)/.test(a)) : natural;
  return { kind: 'jwtKey', algorithms: pin('jwtKey', family, configured, natural), key };
}

function localJwksSource(jwks: JSONWebKeySet, configured: string[] | undefined): KeySource {
  const keys = checkPublicJwks('jwks', jwks);
  const natural = [...new Set(keys.flatMap(algorithmsForJwk))];
  if (natural.length === 0) throw new AuthConfigError('jwks', 'contains no key usable for signatures');
  const key = new MemoizedKeys(createLocalJWKSet({ keys })).getKey;
  return { kind: 'jwks', algorithms: pin('jwks', natural, configured, natural), key };
}

function remoteJwksSource(options: IssuerConfig, location: RemoteJwksLocation, events: KeySourceEvents, clock: () => number): KeySource {
  const kind = 'jwksUrl' in location ? 'jwksUrl' : 'issuer';
  const algorithms = pin(kind, ASYMMETRIC_ALGORITHMS, options.algorithms, ASYMMETRIC_ALGORITHMS);
  const jwks = new RemoteJwks(location, {
    timeoutInMs: options.jwksTimeoutInMs,
    maxBytes: options.jwksMaxBytes,
    cooldownInMs: options.jwksCooldownInMs,
    cacheMaxAgeInMs: options.jwksCacheMaxAgeInMs,
    staleIfErrorInMs: options.jwksStaleIfErrorInMs,
    publicAddressesOnly: options.publicAddressesOnly === true,
    clock,
    onError: events.onKeySourceError && ((error) => events.onKeySourceError?.(error)),
  });
  return {
    kind,
    algorithms,
    key: jwks.getKey,
    warmUp: () => jwks.warmUp(),
    onKeysChanged: (listener) => jwks.onKeysChanged(listener),
    keysFetchedAt: () => jwks.fetchedAt,
    onKeyFetch: (listener) => jwks.onFetch(listener),
    refreshAfterSignatureMismatch: () => jwks.refreshAfterSignatureMismatch(),
  };
}

/**
 * Refuses a set holding private or symmetric keys (a leak on the issuer's side, or an attack) and
 * weak RSA keys; drops encryption keys. Returns the signature keys.
 */
export function checkPublicJwks(option: string, jwks: JSONWebKeySet): JWK[] {
  if (!jwks || !Array.isArray(jwks.keys)) throw new AuthConfigError(option, 'expected { keys: JWK[] }');
  const usable: JWK[] = [];
  for (const jwk of jwks.keys as unknown[]) {
    if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) throw new AuthConfigError(option, 'every key must be a JWK object');
    const key = jwk as JWK;
    if (PRIVATE_JWK_MEMBERS.some((m) => m in key) || key.kty === 'oct') {
      throw new AuthConfigError(option, 'contains a private or symmetric key; publish public keys only');
    }
    if (key.use !== undefined && key.use !== 'sig') continue;
    if (key.kty === 'RSA') {
      let bits: number | undefined;
      try {
        bits = createPublicKey({ key: key as import('node:crypto').JsonWebKey, format: 'jwk' }).asymmetricKeyDetails?.modulusLength;
      } catch {
        throw new AuthConfigError(option, `RSA key ${describeKid(key)} is malformed`);
      }
      checkRsaSize(option, 'rsa', bits);
    }
    usable.push(key);
  }
  return usable;
}

function checkRsaSize(option: string, type: string | undefined, bits: number | undefined): void {
  if ((type === 'rsa' || type === 'rsa-pss') && (bits ?? 0) < MIN_RSA_BITS) {
    // Stryker disable next-line StringLiteral: Node gives the modulus length of every RSA key it imports, so 'unknown' is never printed (the message is pinned by key-sources.spec)
    throw new AuthConfigError(option, `RSA keys must be at least ${MIN_RSA_BITS} bits (got ${bits ?? 'unknown'})`);
  }
}

function describeKid(jwk: JWK): string {
  return typeof jwk.kid === 'string' ? `with kid "${jwk.kid.slice(0, 64)}"` : 'without kid';
}

/**
 * The algorithms to pin: the configured ones when given (each must be known and fit the key source),
 * else the key source's natural default.
 */
function pin(option: string, allowed: readonly string[], configured: string[] | undefined, fallback: readonly string[]): string[] {
  if (!configured) return [...fallback];
  for (const alg of configured) {
    if (!KNOWN_ALGORITHMS.includes(alg)) {
      throw new AuthConfigError('algorithms', `unknown or unsupported algorithm "${alg}"`);
    }
    if (!allowed.includes(alg)) {
      throw new AuthConfigError('algorithms', `"${alg}" cannot be used with the ${option} key source`);
    }
  }
  return [...new Set(configured)];
}
