import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { RevocationUnavailableError, type RevocationStore } from './revocation-store.js';

/**
 * A custom revocation check (the `isRevoked` option): any truthy answer, or a promise of one,
 * refuses the token (`true`, Redis's `1`, a `Map.get()` entry, a database row).
 */
export type RevocationHook = (claims: JWTPayload) => unknown;

/** `Retry-After` of a 503 when a hook failed: a short wait, the check is retried on each request. */
export const REVOCATION_RETRY_AFTER_SECONDS = 5;

/**
 * Asks the revocation sources about verified claims, the store first (synchronous), then the hook;
 * either refusing refuses. Fails closed: a truthy answer is `token-revoked`; a throw, a rejection
 * or no answer within the timeout is `revocation-unavailable` (503 with `Retry-After`), never
 * "allow" and never a 401 that signs the user out. Framework-free.
 */
export class RevocationCheck {
  constructor(
    private readonly hook: RevocationHook | undefined,
    private readonly timeoutMs: number,
    private readonly store?: RevocationStore,
  ) {}

  /** Whether there is anything to ask. */
  get active(): boolean {
    return this.hook !== undefined || this.store !== undefined;
  }

  /** Whether {@link check} always answers without a promise: no hook, at most a (synchronous) store. */
  get synchronous(): boolean {
    return this.hook === undefined;
  }

  /** Throws (or rejects with) {@link AuthError} when the claims are revoked or their status is unknown. */
  check(claims: JWTPayload): void | Promise<void> {
    if (this.store) this.askStore(this.store, claims);
    if (!this.hook) return;
    let answer: unknown;
    try {
      answer = this.hook(claims);
    } catch {
      throw unavailable('the isRevoked hook failed');
    }
    if (isThenable(answer)) return this.settle(answer);
    if (answer) throw revoked();
  }

  private askStore(store: RevocationStore, claims: JWTPayload): void {
    let answer: unknown;
    try {
      answer = store.isRevoked(claims);
    } catch (error) {
      const retryAfter = error instanceof RevocationUnavailableError ? error.retryAfterSeconds : REVOCATION_RETRY_AFTER_SECONDS;
      throw unavailable('the revocation store cannot answer', retryAfter);
    }
    if (answer) throw revoked();
  }

  private async settle(answer: PromiseLike<unknown>): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable('the isRevoked hook did not answer in time')), this.timeoutMs);
    });
    let settled: unknown;
    try {
      settled = await Promise.race([answer, timeout]);
    } catch (error) {
      throw error instanceof AuthError ? error : unavailable('the isRevoked hook failed');
    } finally {
      clearTimeout(timer);
    }
    if (settled) throw revoked();
  }
}

/** `token-revoked`: the token's session, user or id is on a deny-list. */
export function revoked(): AuthError {
  return new AuthError(AuthErrorReason.TokenRevoked, 'the token was revoked');
}

/** `revocation-unavailable`: whether the token is revoked cannot be known right now. */
export function unavailable(message: string, retryAfterSeconds = REVOCATION_RETRY_AFTER_SECONDS): AuthError {
  return new AuthError(AuthErrorReason.RevocationUnavailable, message, retryAfterSeconds);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}
