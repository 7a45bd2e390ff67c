import { AuthErrorReason, bearerChallenge, type AuthError } from '../auth.errors.js';
import type { SenderConstraintMode } from '../config/sender-constraint-options.js';
import { UseDpopNonceError } from '../verification/dpop/dpop-nonces.js';
import type { TokenScheme } from '../verification/verification.js';

/** What a 401 challenges the client with: the schemes the route takes (RFC 6750 Bearer, RFC 9449 DPoP). */
export interface ChallengeSettings {
  realm: string;
  debug: boolean;
  /** The route's DPoP mode: `'off'` Bearer only, `'allowed'` both, `'required'` DPoP only. */
  dpop: SenderConstraintMode;
  /** The `algs` of the DPoP challenge. */
  dpopAlgorithms: readonly string[];
}

/** Reasons that say nothing about the token being bad: no error code (RFC 6750 section 3.1: no credentials of a supported scheme). */
const NOT_A_TOKEN_ERROR = new Set<string>([
  AuthErrorReason.TokenMissing,
  AuthErrorReason.TokenSchemeNotBearer,
  AuthErrorReason.SessionPending,
  AuthErrorReason.DpopRequired,
  AuthErrorReason.DpopNotAllowed,
]);

/** Reasons about the DPoP proof rather than the token: `invalid_dpop_proof` (RFC 9449 section 7.1). */
const PROOF_ERRORS = new Set<string>([
  AuthErrorReason.DpopProofMissing,
  AuthErrorReason.DpopProofInvalid,
  AuthErrorReason.DpopProofMismatch,
  AuthErrorReason.DpopProofStale,
  AuthErrorReason.DpopProofReplayed,
]);

/** What RFC 6750 / RFC 9449 call the refusal, or undefined when the challenge carries no error. */
function errorCode(reason: string): 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce' | undefined {
  if (NOT_A_TOKEN_ERROR.has(reason)) return undefined;
  if (reason === AuthErrorReason.DpopNonceRequired) return 'use_dpop_nonce';
  return PROOF_ERRORS.has(reason) ? 'invalid_dpop_proof' : 'invalid_token';
}

/** RFC 6750 section 3: the characters a quoted value may hold. */
const QUOTABLE = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;

/**
 * The `WWW-Authenticate` value (and `DPoP-Nonce`, when the server wants one) of a 401 for `error` on a
 * route of `settings`: a Bearer challenge, a DPoP challenge with the allowed `algs`, or both when both
 * are taken (RFC 9449 section 7.1). The error goes to the DPoP challenge when it is about the proof
 * or the request used DPoP, else to the Bearer one; `error_description` (debug) is the reason code.
 *
 * @example
 * unauthorizedHeaders(error, 'dpop', { realm: 'api', debug: false, dpop: 'allowed', dpopAlgorithms: ['ES256'] })
 * // { 'WWW-Authenticate': 'Bearer realm="api", DPoP realm="api", algs="ES256", error="invalid_dpop_proof"' }
 */
export function unauthorizedHeaders(error: AuthError | null, scheme: TokenScheme | null, settings: ChallengeSettings): Record<string, string> {
  const reason = error?.reason ?? AuthErrorReason.TokenMissing;
  const { realm, debug, dpop } = settings;
  const code = errorCode(reason);
  const description = debug && code ? reason : undefined;
  const headers: Record<string, string> = {};
  if (dpop === 'off') {
    // DPoP is not taken here: a refusal about a proof is a refusal of an unsupported scheme.
    const bearerCode = code === 'invalid_token' ? code : undefined;
    headers['WWW-Authenticate'] = bearerChallenge({ realm, error: bearerCode, description: bearerCode && description });
    return headers;
  }
  const onDpop = code !== undefined && (code !== 'invalid_token' || scheme === 'dpop' || dpop === 'required');
  const challenges: string[] = [];
  if (dpop === 'allowed') challenges.push(bearerChallenge({ realm, error: onDpop ? undefined : code, description: onDpop ? undefined : description }));
  challenges.push(dpopChallenge(realm, settings.dpopAlgorithms, onDpop ? code : undefined, onDpop ? description : undefined));
  headers['WWW-Authenticate'] = challenges.join(', ');
  if (error instanceof UseDpopNonceError) headers['DPoP-Nonce'] = error.nonce;
  return headers;
}

/** `DPoP realm="…", algs="…"[, error="…"[, error_description="…"]]`. */
export function dpopChallenge(realm: string, algorithms: readonly string[], error?: string, description?: string): string {
  const parts = [`realm="${QUOTABLE.test(realm) ? realm : 'api'}"`, `algs="${algorithms.join(' ')}"`];
  if (error) parts.push(`error="${error}"`);
  if (error && description && QUOTABLE.test(description)) parts.push(`error_description="${description}"`);
  return `DPoP ${parts.join(', ')}`;
}
