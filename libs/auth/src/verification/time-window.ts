import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';

/** The time rules of a verification: the skew, and the optional maximum age of `iat`. */
export interface TimeWindowRules {
  clockSkewInMs: number;
  maxTokenAgeInMs?: number;
}

/**
 * The `clockTolerance` (in seconds) handed to jose. jose compares whole seconds (it floors the
 * clock), so with a skew that is not whole seconds its boundary drifts by up to a second either way.
 * It gets a tolerance at least one second wider than the skew, so it never refuses a token inside
 * the exact window; {@link checkTimeWindow} then draws the exact boundary. jose's check stays as a
 * backstop and for the claim types.
 */
export function joseClockTolerance(clockSkewInMs: number): number {
  return Math.ceil(clockSkewInMs / 1000) + 1;
}

/**
 * The first instant (ms) at which the token is refused for its age: `exp + skew` (RFC 7519: not
 * accepted on or after `exp`), or one millisecond past `iat + maxTokenAgeInMs + skew` (a token exactly
 * `maxTokenAgeInMs` old is not yet older than it) when that comes first. Claims must already have passed jose's type
 * checks (`exp` is a number).
 *
 * @example
 * refusedFrom({ exp: 100 }, { clockSkewInMs: 1500 }) // 101500
 */
export function refusedFrom(claims: JWTPayload, rules: TimeWindowRules): number {
  let until = (claims.exp as number) * 1000 + rules.clockSkewInMs;
  if (rules.maxTokenAgeInMs !== undefined && typeof claims.iat === 'number') {
    until = Math.min(until, claims.iat * 1000 + rules.maxTokenAgeInMs + rules.clockSkewInMs + 1);
  }
  return until;
}

/**
 * The exact time checks, to the millisecond, at `now` (ms): refused before `nbf - skew`, from
 * `exp + skew` on, after `iat + maxTokenAgeInMs + skew`, and when `iat` lies more than the skew in
 * the future. Throws {@link AuthError} with the reason. Same order as jose: `nbf` first.
 */
export function checkTimeWindow(claims: JWTPayload, now: number, rules: TimeWindowRules): void {
  const skew = rules.clockSkewInMs;
  if (typeof claims.nbf === 'number' && now < claims.nbf * 1000 - skew) {
    throw new AuthError(AuthErrorReason.TokenNotActiveYet, 'the token is not active yet');
  }
  if (now >= (claims.exp as number) * 1000 + skew) {
    throw new AuthError(AuthErrorReason.TokenExpired, 'the token has expired');
  }
  if (typeof claims.iat === 'number') {
    if (claims.iat * 1000 > now + skew) {
      throw new AuthError(AuthErrorReason.TokenIatInTheFuture, 'the token was issued in the future');
    }
    if (rules.maxTokenAgeInMs !== undefined && now > claims.iat * 1000 + rules.maxTokenAgeInMs + skew) {
      throw new AuthError(AuthErrorReason.TokenTooOld, 'the token is older than maxTokenAgeInMs');
    }
  }
}
