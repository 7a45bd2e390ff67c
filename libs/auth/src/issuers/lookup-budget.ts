import { AuthError, AuthErrorReason } from '../auth.errors.js';

/**
 * The budget of `resolveIssuer` calls for issuers not known yet: a token bucket of `capacity` calls
 * that refills continuously, `capacity` per `periodInMs`. A call is taken before the resolver is
 * asked (so a burst of made-up `iss` values never becomes more calls than the bucket holds) and
 * given back when the answer names a working issuer: only answers that trust nothing (and failures)
 * cost, so junk spends the budget and real tenants do not. Refilling continuously, rather than
 * resetting once per window, means a spent budget holds back a new tenant for the time one call
 * takes to refill, never for a whole window. O(1) memory, whatever the capacity.
 */
export class LookupBudget {
  // Counted in call-milliseconds so that whole numbers stay exact: a call costs `periodInMs`, and
  // every millisecond refills `capacity`.
  private credit: number;
  private readonly full: number;
  private refilledAt: number | undefined;

  constructor(
    private readonly capacity: number,
    private readonly periodInMs: number,
  ) {
    this.full = capacity * periodInMs;
    this.credit = this.full;
  }

  /** Takes one call, or throws {@link AuthError} `issuer-unavailable` with the seconds until one refills. */
  take(now: number): void {
    this.refill(now);
    if (this.credit < this.periodInMs) {
      const waitInMs = (this.periodInMs - this.credit) / this.capacity;
      throw new AuthError(AuthErrorReason.IssuerUnavailable, 'too many resolveIssuer calls in this window', Math.max(1, Math.ceil(waitInMs / 1000)));
    }
    this.credit -= this.periodInMs;
  }

  /** Gives one call back (its answer named a working issuer). */
  giveBack(now: number): void {
    this.refill(now);
    this.credit = Math.min(this.full, this.credit + this.periodInMs);
  }

  private refill(now: number): void {
    // A clock that steps back refills nothing (and does not count the same time twice later).
    // Stryker disable next-line EqualityOperator: at the same instant the refill adds nothing.
    if (this.refilledAt !== undefined && now > this.refilledAt) {
      this.credit = Math.min(this.full, this.credit + (now - this.refilledAt) * this.capacity);
    }
    // Stryker disable next-line EqualityOperator: at the same instant it sets the value it holds.
    if (this.refilledAt === undefined || now > this.refilledAt) this.refilledAt = now;
  }
}
