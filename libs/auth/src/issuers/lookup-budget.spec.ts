import { describe, expect, it } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import { LookupBudget } from './lookup-budget.js';

/** How many calls can be taken at `now`, and the Retry-After of the refusal that ends the run. */
function drain(budget: LookupBudget, now: number): { taken: number; retryAfter: number | undefined } {
  let taken = 0;
  for (let i = 0; i < 100; i += 1) {
    try {
      budget.take(now);
      taken += 1;
    } catch (error) {
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).reason).toBe('issuer-unavailable');
      return { taken, retryAfter: (error as AuthError).retryAfterSeconds };
    }
  }
  return { taken, retryAfter: undefined };
}

describe('LookupBudget', () => {
  it('holds capacity calls, then refills continuously: capacity per period, never beyond capacity', () => {
    const budget = new LookupBudget(4, 60_000);
    expect(drain(budget, 0)).toEqual({ taken: 4, retryAfter: 15 });
    expect(drain(budget, 14_999)).toEqual({ taken: 0, retryAfter: 1 });
    expect(drain(budget, 15_000)).toEqual({ taken: 1, retryAfter: 15 });
    expect(drain(budget, 45_000)).toEqual({ taken: 2, retryAfter: 15 });
    // A long quiet time refills the whole budget, and no more.
    expect(drain(budget, 10_000_000)).toEqual({ taken: 4, retryAfter: 15 });
  });

  it('takes a call given back as if it had never been spent, up to capacity', () => {
    const budget = new LookupBudget(2, 60_000);
    budget.take(0);
    budget.giveBack(0);
    budget.giveBack(0);
    expect(drain(budget, 0).taken).toBe(2);
  });

  it('refills nothing when the clock steps back, and does not count that time twice', () => {
    const budget = new LookupBudget(1, 1000);
    budget.take(10_000);
    expect(drain(budget, 5_000).taken).toBe(0);
    expect(drain(budget, 10_999).taken).toBe(0);
    expect(drain(budget, 11_000).taken).toBe(1);
  });

  it('says at least one second in Retry-After', () => {
    const budget = new LookupBudget(1000, 1000);
    expect(drain(new LookupBudget(1000, 1000), 0).taken).toBe(100);
    for (let i = 0; i < 1000; i += 1) budget.take(0);
    expect(drain(budget, 0)).toEqual({ taken: 0, retryAfter: 1 });
  });
});
