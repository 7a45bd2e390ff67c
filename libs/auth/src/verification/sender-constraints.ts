import { timingSafeEqual } from 'node:crypto';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { TokenBinding } from '../auth-object/token-binding.js';
import type { ResolvedDpop } from '../config/sender-constraint-options.js';
import { ReplayStoreUnavailableError } from '../revocation/replay-store.js';
import { UseDpopNonceError } from './dpop/dpop-nonces.js';
import { verifyDpopProof, type DpopRequest } from './dpop/dpop-proof.js';
import { ProofKeys } from './dpop/proof-keys.js';
import { presentedVerification, signedOutVerification, type TokenScheme, type Verification } from './verification.js';

/** How one request presented its token, besides the token: what a sender constraint is proved with. */
export interface PresentedToken {
  /** The scheme of a header token; null for a cookie or a transport's own token field without one. */
  scheme: TokenScheme | null;
  /** Every value of the request's `DPoP` header (exactly one is valid). */
  dpopProofs: readonly string[];
  /** The method and absolute URL the proof must be for; undefined when the transport has none (RPC). */
  request: DpopRequest | undefined;
  /** The base64url SHA-256 thumbprint of the client certificate (RFC 8705); undefined when there is none. Asked only for an mTLS-bound token. */
  certificateThumbprint(): string | undefined;
  /**
   * A proof this very connection proved the token with before (a WebSocket's handshake, checked on
   * its first message): accepted again as it is, without counting as a replay.
   */
  provenProof?: string | null;
}

/**
 * The proof-of-possession step of a request's verification (RFC 9449 DPoP, RFC 8705 mTLS): whatever
 * a route requires, a token bound to a key or a certificate counts only with its proof.
 * - mTLS-bound (`cnf["x5t#S256"]`): the client certificate must be the one it names;
 * - DPoP-bound (`cnf.jkt`): sent as `Authorization: DPoP`, never as `Bearer` (no downgrade), with one
 *   `DPoP` proof for this request, signed by that key ({@link verifyDpopProof}), carrying a current
 *   nonce when the module requires one, and never seen before (the replay store, which answers 503
 *   when it cannot tell);
 * - under `DPoP`, a token that is not DPoP-bound is refused.
 * Which binding a route accepts is decided later (`admit`). A token that is not bound, sent as
 * `Bearer`, costs nothing here. Framework-free.
 *
 * @example
 * const v2 = await new SenderConstraints(options.dpop, Date.now).check(v, presented);
 */
export class SenderConstraints {
  /** The proof keys this module imported: a client's key once, not per request. */
  private readonly keys = new ProofKeys();

  constructor(
    private readonly dpop: ResolvedDpop,
    private readonly clock: () => number,
  ) {}

  /** The verification as this request presented it (its scheme and proof), or signed out with the `dpop-*` / `mtls-*` reason. Never throws. */
  check(v: Verification, presented: PresentedToken): Verification | Promise<Verification> {
    const { scheme } = presented;
    const binding = v.auth.isAuthenticated ? (v.auth as { binding?: TokenBinding }).binding : undefined;
    if (!v.auth.isAuthenticated || v.token === null) return presentedVerification(v, scheme, null);
    const refused = (error: unknown) => signedOutVerification(asAuthError(error), true, { token: v.token, source: v.source, issuer: v.issuer, scheme });
    if (binding?.x5tS256 !== undefined) {
      const thumbprint = presented.certificateThumbprint();
      if (thumbprint === undefined)
        return refused(new AuthError(AuthErrorReason.MtlsCertificateMissing, 'the token is bound to a client certificate and none was presented'));
      if (!sameText(thumbprint, binding.x5tS256))
        return refused(new AuthError(AuthErrorReason.MtlsCertificateMismatch, 'the client certificate is not the one the token is bound to'));
    }
    if (scheme !== 'dpop') {
      if (binding?.type === 'dpop') return refused(new AuthError(AuthErrorReason.DpopBoundTokenAsBearer, 'a DPoP-bound token was sent as a bearer token'));
      return presentedVerification(v, scheme, null);
    }
    if (binding?.type !== 'dpop') return refused(new AuthError(AuthErrorReason.DpopKeyMismatch, 'the token sent under DPoP is not bound to a key'));
    if (presented.dpopProofs.length === 0) return refused(new AuthError(AuthErrorReason.DpopProofMissing, 'no DPoP proof'));
    if (presented.dpopProofs.length > 1) return refused(new AuthError(AuthErrorReason.DpopProofInvalid, 'several DPoP proofs'));
    const proof = presented.dpopProofs[0];
    if (presented.provenProof === proof) return presentedVerification(v, 'dpop', proof);
    if (presented.request === undefined) return refused(new AuthError(AuthErrorReason.DpopProofMismatch, 'the transport has no HTTP method and URL to prove'));
    return this.prove(proof, presented.request, v.token, binding.jkt).then(() => presentedVerification(v, 'dpop', proof), refused);
  }

  /** The proof itself, its key against the token's, the nonce, then (last: only valid proofs take room) replay. */
  private async prove(proof: string, request: DpopRequest, token: string, jkt: string): Promise<void> {
    const now = this.clock();
    const verified = await verifyDpopProof(proof, request, token, this.dpop, now, this.keys);
    if (!sameText(verified.jkt, jkt)) throw new AuthError(AuthErrorReason.DpopKeyMismatch, 'the DPoP proof key is not the key the token is bound to');
    const nonces = this.dpop.nonces;
    if (nonces && !nonces.isValid(verified.nonce, now)) throw new UseDpopNonceError(nonces.current(now));
    // Kept while the proof could still pass the iat window, on a replica whose clock is behind by the skew.
    const ttl = verified.iat * 1000 + this.dpop.maxAgeInMs + 2 * this.dpop.clockSkewInMs - now;
    const first = await this.dpop.replayStore.useOnce(`${verified.jkt}:${verified.jti}`, Math.max(1000, ttl));
    if (first !== true) throw new AuthError(AuthErrorReason.DpopProofReplayed, 'the DPoP proof was used before');
  }
}

function asAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof ReplayStoreUnavailableError)
    return new AuthError(AuthErrorReason.DpopReplayUnavailable, 'the replay store cannot tell', error.retryAfterSeconds);
  // A custom store that fails in its own way: unknown, so never "first use".
  return new AuthError(AuthErrorReason.DpopReplayUnavailable, 'the replay store failed');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
