import type { JWK } from 'jose';

/** HMAC algorithms: only ever used with a shared secret. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;
const EC_ALGORITHMS: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const OKP_ALGORITHMS = ['EdDSA', 'Ed25519'] as const;

/** Every asymmetric JWS algorithm a public key may be used with. */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = [...RSA_ALGORITHMS, ...Object.values(EC_ALGORITHMS), ...OKP_ALGORITHMS];

/** Every algorithm nestjs-warden can verify; `none` and encryption algorithms are never among them. */
export const KNOWN_ALGORITHMS: readonly string[] = [...HMAC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS];

/**
 * The algorithms one public JWK may verify: its own `alg` when it names one, else its type's family.
 * Returns [] for keys that can never verify a JWS (encryption keys, unknown types).
 */
export function algorithmsForJwk(jwk: JWK): string[] {
  if (jwk.use !== undefined && jwk.use !== 'sig') return [];
  if (typeof jwk.alg === 'string') return ASYMMETRIC_ALGORITHMS.includes(jwk.alg) ? [jwk.alg] : [];
  switch (jwk.kty) {
    case 'RSA':
      return [...RSA_ALGORITHMS];
    case 'EC':
      // Own keys only: a curve named `constructor` or `toString` would otherwise find Object's methods.
      return typeof jwk.crv === 'string' && Object.hasOwn(EC_ALGORITHMS, jwk.crv) ? [EC_ALGORITHMS[jwk.crv]] : [];
    case 'OKP':
      return jwk.crv === 'Ed25519' ? [...OKP_ALGORITHMS] : [];
    default:
      return [];
  }
}

/** Algorithms for a PEM key by its type; RSA defaults to RS256 (Clerk, Auth0, Cognito all sign RS256). */
export function algorithmsForKeyType(type: string | undefined, namedCurve?: string): string[] {
  switch (type) {
    case 'rsa':
      return ['RS256'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      // Stryker disable next-line StringLiteral: the fallback names no curve and no placeholder does either (each curve name of this line fails a spec when emptied, checked by hand)
      const curve = namedCurve === 'prime256v1' ? 'P-256' : namedCurve === 'secp384r1' ? 'P-384' : namedCurve === 'secp521r1' ? 'P-521' : '';
      return EC_ALGORITHMS[curve] ? [EC_ALGORITHMS[curve]] : [];
    }
    case 'ed25519':
      return [...OKP_ALGORITHMS];
    default:
      return [];
  }
}
