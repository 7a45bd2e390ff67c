import { describe, expect, it } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { checkTimeWindow, joseClockTolerance, refusedFrom, type TimeWindowRules } from './time-window.js';

/** The AuthError checkTimeWindow throws at `now`, or undefined when it accepts. */
function refusal(claims: JWTPayload, now: number, rules: TimeWindowRules): AuthError | undefined {
  try {
    checkTimeWindow(claims, now, rules);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  return undefined;
}

const reasonAt = (claims: JWTPayload, now: number, rules: TimeWindowRules): string => refusal(claims, now, rules)?.reason ?? 'accepted';

describe('joseClockTolerance', () => {
  it.each([
    [0, 1],
    [1, 2],
    [999, 2],
    [1000, 2],
    [1001, 3],
    [5000, 6],
  ])('gives jose %p ms of skew as %p whole seconds: at least one second wider than the skew', (skew, seconds) => {
    expect(joseClockTolerance(skew)).toBe(seconds);
  });
});

describe('refusedFrom', () => {
  it('is exp + skew, in milliseconds', () => {
    expect(refusedFrom({ exp: 100 }, { clockSkewInMs: 1500 })).toBe(101_500);
    expect(refusedFrom({ exp: 100 }, { clockSkewInMs: 0 })).toBe(100_000);
  });

  it('is one millisecond past iat + maxTokenAgeInMs + skew when that comes before exp + skew', () => {
    expect(refusedFrom({ exp: 100, iat: 10 }, { clockSkewInMs: 500, maxTokenAgeInMs: 20_000 })).toBe(10_000 + 20_000 + 500 + 1);
  });

  it('keeps exp + skew when the age limit comes later', () => {
    expect(refusedFrom({ exp: 100, iat: 90 }, { clockSkewInMs: 500, maxTokenAgeInMs: 60_000 })).toBe(100_500);
  });

  it('ignores the age limit without a numeric iat, and iat without an age limit', () => {
    expect(refusedFrom({ exp: 100, iat: '10' as unknown as number }, { clockSkewInMs: 0, maxTokenAgeInMs: 1 })).toBe(100_000);
    expect(refusedFrom({ exp: 100, iat: 10 }, { clockSkewInMs: 0 })).toBe(100_000);
  });
});

describe('checkTimeWindow, to the millisecond', () => {
  const skew = 1500;
  const rules = { clockSkewInMs: skew };

  it('refuses before nbf - skew as token-not-active-yet, accepts from nbf - skew on', () => {
    const claims = { nbf: 50, exp: 100 };
    expect(reasonAt(claims, 50_000 - skew - 1, rules)).toBe(AuthErrorReason.TokenNotActiveYet);
    expect(refusal(claims, 50_000 - skew - 1, rules)?.message).toBe('the token is not active yet');
    expect(reasonAt(claims, 50_000 - skew, rules)).toBe('accepted');
  });

  it('ignores an nbf that is not a number (its type is jose’s to check)', () => {
    expect(reasonAt({ nbf: '99' as unknown as number, exp: 100 }, 0, rules)).toBe('accepted');
  });

  it('accepts until exp + skew - 1 ms and refuses from exp + skew on as token-expired', () => {
    const claims = { exp: 100 };
    expect(reasonAt(claims, 100_000 + skew - 1, rules)).toBe('accepted');
    expect(reasonAt(claims, 100_000 + skew, rules)).toBe(AuthErrorReason.TokenExpired);
    expect(refusal(claims, 100_000 + skew, rules)?.message).toBe('the token has expired');
  });

  it('refuses exp == now without skew (RFC 7519: not on or after exp)', () => {
    expect(reasonAt({ exp: 100 }, 100_000, { clockSkewInMs: 0 })).toBe(AuthErrorReason.TokenExpired);
    expect(reasonAt({ exp: 100 }, 99_999, { clockSkewInMs: 0 })).toBe('accepted');
  });

  it('accepts iat up to now + skew and refuses it 1 ms further as token-iat-in-the-future', () => {
    expect(reasonAt({ iat: 60, exp: 100 }, 60_000 - skew, rules)).toBe('accepted');
    expect(reasonAt({ iat: 60, exp: 100 }, 60_000 - skew - 1, rules)).toBe(AuthErrorReason.TokenIatInTheFuture);
    expect(refusal({ iat: 60, exp: 100 }, 60_000 - skew - 1, rules)?.message).toBe('the token was issued in the future');
  });

  it('accepts a token exactly maxTokenAgeInMs + skew old and refuses it 1 ms later as token-too-old', () => {
    const aged = { clockSkewInMs: skew, maxTokenAgeInMs: 10_000 };
    const claims = { iat: 10, exp: 100 };
    expect(reasonAt(claims, 10_000 + 10_000 + skew, aged)).toBe('accepted');
    expect(reasonAt(claims, 10_000 + 10_000 + skew + 1, aged)).toBe(AuthErrorReason.TokenTooOld);
    expect(refusal(claims, 10_000 + 10_000 + skew + 1, aged)?.message).toBe('the token is older than maxTokenAgeInMs');
  });

  it('has no age limit without maxTokenAgeInMs, and none without a numeric iat', () => {
    expect(reasonAt({ iat: 10, exp: 100 }, 99_000, rules)).toBe('accepted');
    expect(reasonAt({ iat: '10' as unknown as number, exp: 100 }, 99_000, { clockSkewInMs: 0, maxTokenAgeInMs: 1 })).toBe('accepted');
  });

  it('checks in jose’s order: nbf first, then exp, then iat', () => {
    // Not active yet and expired at once (nbf after exp): the nbf reason wins.
    expect(reasonAt({ nbf: 200, exp: 100 }, 150_000, { clockSkewInMs: 0 })).toBe(AuthErrorReason.TokenNotActiveYet);
    // Expired and issued in the future at once: the exp reason wins.
    expect(reasonAt({ iat: 300, exp: 100 }, 150_000, { clockSkewInMs: 0 })).toBe(AuthErrorReason.TokenExpired);
  });
});
