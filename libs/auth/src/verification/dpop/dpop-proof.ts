import { errors, jwtVerify, type JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../../auth.errors.js';
import { accessTokenHash, normalisedHtu } from './htu.js';
import { ProofKeys } from './proof-keys.js';

/** Asymmetric JWS algorithms a DPoP proof may be signed with by default: never `none`, never HMAC. */
export const DPOP_ALGORITHMS: readonly string[] = ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'];

/** The rules one DPoP proof must meet, besides matching its request. */
export interface DpopProofRules {
  /** The allowed `alg` values; a subset of {@link DPOP_ALGORITHMS}. */
  algorithms: readonly string[];
  /** How old a proof's `iat` may be. */
  maxAgeInMs: number;
  /** How far in the future a proof's `iat` may be (the client's clock running ahead), and the slack on `maxAgeInMs`. */
  clockSkewInMs: number;
}

/** The request a proof must have been made for. */
export interface DpopRequest {
  /** The HTTP method, as received (`GET`, `POST`, ...). */
  method: string;
  /** The absolute URI of the request as the client addressed it (the public origin and the path; any query is ignored). */
  url: string;
}

/** What a valid proof says: the key it was signed with (RFC 7638 thumbprint), its id, time and nonce. */
export interface VerifiedDpopProof {
  /** base64url SHA-256 JWK thumbprint of the proof's public key: what `cnf.jkt` of the token must be. */
  jkt: string;
  jti: string;
  /** Seconds since the epoch. */
  iat: number;
  /** Absent when the proof carries none. */
  nonce: string | undefined;
}

/** Longest proof accepted: a proof is a small JWS (a header with a public key, a few claims). */
const MAX_PROOF_BYTES = 8192;
/** Longest `jti` accepted: it becomes a key of the replay store. */
const MAX_JTI_LENGTH = 256;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function invalid(message: string): AuthError {
  return new AuthError(AuthErrorReason.DpopProofInvalid, message);
}

/**
 * Verifies one DPoP proof (RFC 9449 section 4.3) for `request` and the access token it comes with,
 * at `now` (ms): a compact JWS of type `dpop+jwt`, signed with an allowed asymmetric algorithm by the
 * public key in its `jwk` header (jose's `EmbeddedJWK`: a private key there is refused; `keys`
 * remembers the keys it imported, so a client's key is imported once), carrying
 * `jti`, `htm`, `htu` and `iat`; `htm` and `htu` match the request (`htu` normalised, query ignored),
 * `iat` lies inside the window, and `ath` is the hash of the access token. Whether the key is the
 * one the token is bound to, the nonce and replay are the caller's (they need the token and the
 * stores). Throws {@link AuthError} with a `dpop-*` reason; framework-free.
 *
 * @example
 * const proof = await verifyDpopProof(header, { method: 'GET', url: 'https://api.example.com/orders' }, token, rules, Date.now());
 * if (proof.jkt !== claims.cnf.jkt) throw ...
 */
export async function verifyDpopProof(
  proof: string,
  request: DpopRequest,
  accessToken: string,
  rules: DpopProofRules,
  now: number,
  keys: ProofKeys = new ProofKeys(1),
): Promise<VerifiedDpopProof> {
  if (typeof proof !== 'string' || proof.length > MAX_PROOF_BYTES || !COMPACT_JWS.test(proof)) throw invalid('the DPoP proof is not a compact JWS');
  let payload: JWTPayload;
  const resolver = keys.resolver();
  try {
    ({ payload } = await jwtVerify(proof, resolver.getKey, {
      typ: 'dpop+jwt',
      algorithms: [...rules.algorithms],
      requiredClaims: ['jti', 'htm', 'htu', 'iat'],
      currentDate: new Date(now),
      // iat is judged below, to the millisecond; exp and nbf, when a proof carries them, with the same skew.
      clockTolerance: Math.ceil(rules.clockSkewInMs / 1000),
    }));
  } catch (error) {
    throw proofError(error);
  }
  const { jti, htm, htu, iat, ath, nonce } = payload as Record<string, unknown>;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw invalid('the DPoP proof jti is not a string of 1 to 256 characters');
  if (typeof htm !== 'string' || typeof htu !== 'string' || typeof iat !== 'number' || !Number.isFinite(iat))
    throw invalid('the DPoP proof claims have the wrong types');
  if (nonce !== undefined && (typeof nonce !== 'string' || nonce === '')) throw invalid('the DPoP proof nonce is not a string');
  if (htm !== request.method) throw new AuthError(AuthErrorReason.DpopProofMismatch, 'the DPoP proof htm is not the request method');
  const expected = normalisedHtu(request.url);
  if (expected === undefined || normalisedHtu(htu) !== expected)
    throw new AuthError(AuthErrorReason.DpopProofMismatch, 'the DPoP proof htu is not the request URL');
  const issuedAt = iat * 1000;
  if (issuedAt > now + rules.clockSkewInMs || issuedAt < now - rules.maxAgeInMs - rules.clockSkewInMs) {
    throw new AuthError(AuthErrorReason.DpopProofStale, 'the DPoP proof iat is outside the accepted window');
  }
  if (typeof ath !== 'string' || ath !== accessTokenHash(accessToken))
    throw new AuthError(AuthErrorReason.DpopProofMismatch, 'the DPoP proof ath is not the hash of the access token');
  const jkt = await resolver.jkt();
  // Stryker disable next-line StringLiteral: unreachable message: jwtVerify resolved, so the resolver imported a key and holds its thumbprint.
  if (jkt === undefined) throw invalid('the DPoP proof key has no thumbprint');
  return { jkt, jti, iat, nonce };
}

/** What jose threw, as a `dpop-*` reason; nothing of its message leaks. */
function proofError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired || (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf')) {
    return new AuthError(AuthErrorReason.DpopProofStale, 'the DPoP proof is expired or not yet valid');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('the DPoP proof signature is invalid');
  if (error instanceof errors.JOSEAlgNotAllowed) return invalid('the DPoP proof algorithm is not allowed');
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'typ') return invalid('the DPoP proof typ is not dpop+jwt');
  return invalid('the DPoP proof is malformed');
}
