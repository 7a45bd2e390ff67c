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
  /** Whether the last check failed: an outage is reported once, when it starts. */
  private failing = false;

  constructor(
    private readonly hook: RevocationHook | undefined,
    private readonly timeoutMs: number,
    private readonly store?: RevocationStore,
    /** Hears the start of each outage (a fixed text, safe to log). */
    private readonly onFailure?: (message: string) => void,
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
    if (!this.hook) return this.answered();
    let answer: unknown;
    try {
      answer = this.hook(claims);
    } catch {
      throw this.failed(unavailable('the isRevoked hook failed'));
    }
    if (isThenable(answer)) return this.settle(answer);
    this.answered();
    if (answer) throw revoked();
  }

  private answered(): void {
    this.failing = false;
  }

  private failed(error: AuthError): AuthError {
    if (!this.failing) this.onFailure?.(error.message);
    this.failing = true;
    return error;
  }

  private askStore(store: RevocationStore, claims: JWTPayload): void {
    let answer: unknown;
    try {
      answer = store.isRevoked(claims);
    } catch (error) {
      const retryAfter = error instanceof RevocationUnavailableError ? error.retryAfterSeconds : REVOCATION_RETRY_AFTER_SECONDS;
      throw this.failed(unavailable('the revocation store cannot answer', retryAfter));
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
      throw this.failed(error instanceof AuthError ? error : unavailable('the isRevoked hook failed'));
    } finally {
      clearTimeout(timer);
    }
    this.answered();
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
