import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthError, AuthErrorReason } from '../../auth.errors.js';

/** Settings of server-provided DPoP nonces (RFC 9449 section 8). */
export interface DpopNonceSettings {
  /** At least 32 bytes, the same on every replica: a nonce one replica gives is accepted by all. */
  secret: Uint8Array;
  /** A nonce is valid for the period it was made in and the next one. */
  rotationInMs: number;
  /** Replicas' clocks may differ by this much: a nonce of the next period is accepted this close to its start. */
  clockSkewInMs: number;
}

const NONCE = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/;

/**
 * Stateless rotating nonces: `<period>.<MAC>`, the period being `floor(now / rotationInMs)` and the
 * MAC an HMAC-SHA256 of it under the shared secret (cut to 128 bits). Nothing is stored, so every
 * replica that shares the secret makes and accepts the same nonces; a nonce stays valid for its
 * period and the next (at least `rotationInMs`, at most twice that). Framework-free.
 *
 * @example
 * const nonces = new DpopNonces({ secret, rotationInMs: 300_000, clockSkewInMs: 5000 });
 * nonces.isValid(nonces.current(Date.now()), Date.now()) // true
 */
export class DpopNonces {
  constructor(private readonly settings: DpopNonceSettings) {}

  /** The nonce to hand out now (the `DPoP-Nonce` response header). */
  current(now: number): string {
    const period = Math.floor(now / this.settings.rotationInMs);
    return `${period.toString(36)}.${this.mac(period)}`;
  }

  /** Whether a proof's nonce is one of ours and still valid at `now`. */
  isValid(nonce: unknown, now: number): boolean {
    if (typeof nonce !== 'string') return false;
    const match = NONCE.exec(nonce);
    if (!match) return false;
    const period = parseInt(match[1], 36);
    const { rotationInMs, clockSkewInMs } = this.settings;
    const current = Math.floor(now / rotationInMs);
    const next = period === current + 1 && period * rotationInMs - now <= clockSkewInMs;
    if (period !== current && period !== current - 1 && !next) return false;
    const expected = Buffer.from(this.mac(period));
    const given = Buffer.from(match[2]);
    // Stryker disable next-line ConditionalExpression: both are 22 characters (the pattern and mac()); the length test keeps timingSafeEqual from throwing should either change.
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private mac(period: number): string {
    return createHmac('sha256', this.settings.secret).update(`nestjs-warden dpop nonce ${period}`).digest('base64url').slice(0, 22);
  }
}

/**
 * The proof carries no nonce, or one that is not (or no longer) ours: 401 `use_dpop_nonce`, with
 * `nonce` as the response's `DPoP-Nonce` header for the client to retry with.
 */
export class UseDpopNonceError extends AuthError {
  constructor(readonly nonce: string) {
    super(AuthErrorReason.DpopNonceRequired, 'the DPoP proof needs a current nonce');
  }
}
