import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { RevocationCheck } from '../revocation/revocation-check.js';

/**
 * Revocation as the verifier asks it: any truthy answer of the hook or the store refuses, a failed
 * check is `revocation-unavailable`; a revoked token's cached verdicts are forgotten at once
 * (`forget`), so nothing serves it again. Synchronous unless an `isRevoked` hook is set.
 *
 * @example
 * const gate = new RevocationGate(check, (token) => cache.delete(token));
 * await gate.ask(verified.claims, verified.token); // throws AuthError when revoked
 */
export class RevocationGate {
  constructor(
    private readonly check: RevocationCheck,
    private readonly forget: (token: string) => void,
  ) {}

  /** A hook or a store is configured: without either, asking does nothing. */
  get active(): boolean {
    return this.check.active;
  }

  /** Every answer comes at once (a store, no hook). */
  get synchronous(): boolean {
    return this.check.synchronous;
  }

  /** Throws (or rejects with) {@link AuthError} when `claims` are revoked or revocation cannot be told; `token`, when given, is forgotten if revoked. */
  ask(claims: JWTPayload, token?: string): void | Promise<void> {
    let pending: void | Promise<void>;
    try {
      pending = this.check.check(claims);
    } catch (error) {
      throw this.forgetIfRevoked(error, token);
    }
    if (pending) {
      return pending.catch((error: unknown) => {
        throw this.forgetIfRevoked(error, token);
      });
    }
  }

  private forgetIfRevoked(error: unknown, token: string | undefined): unknown {
    if (token !== undefined && error instanceof AuthError && error.reason === AuthErrorReason.TokenRevoked) this.forget(token);
    return error;
  }
}
