import type { JWTPayload } from 'jose';
import { bearerChallenge } from '../auth.errors.js';

/**
 * What a route requires of the authentication event behind a token (RFC 9470 step-up): an `acr`
 * from a list, an `auth_time` no older than `maxAgeSeconds`, or both.
 *
 * @example
 * @RequireAuth({ acr: ['urn:example:mfa'], maxAgeSeconds: 300 })
 */
export interface StepUpRequirement {
  /** Accepted Authentication Context Class References; the token's `acr` must be one of them. */
  acr?: readonly string[];
  /** Seconds since `auth_time` (the user's last active authentication) that are still fresh enough. */
  maxAgeSeconds?: number;
}

/** RFC 6750's character set for challenge values; acr values also must not hold the space that separates them. */
const ACR_VALUE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Checks a step-up requirement when a decorator is declared, so a mistake stops the boot instead
 * of refusing every request; returns a copy. Throws an Error naming the bad field.
 */
export function validateStepUpRequirement(requirement: StepUpRequirement): StepUpRequirement {
  const { acr, maxAgeSeconds } = requirement;
  const result: StepUpRequirement = {};
  if (acr !== undefined) {
    if (!Array.isArray(acr) || acr.length === 0 || !acr.every((v) => typeof v === 'string' && ACR_VALUE.test(v))) {
      throw new Error('nestjs-warden: @RequireAuth({ acr }) must be a non-empty list of acr values (printable, no spaces or quotes)');
    }
    result.acr = Object.freeze([...(acr as readonly string[])]);
  }
  if (maxAgeSeconds !== undefined) {
    // Stryker disable next-line ConditionalExpression: Number.isSafeInteger is false for anything that is not a number, so the typeof test alone decides nothing
    if (typeof maxAgeSeconds !== 'number' || !Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds < 0) {
      throw new Error('nestjs-warden: @RequireAuth({ maxAgeSeconds }) must be a whole number of seconds, 0 or more');
    }
    result.maxAgeSeconds = maxAgeSeconds;
  }
  return result;
}

/**
 * Whether the verified claims meet the requirement: `acr` is a string in the list, and `auth_time`
 * is a number no more than `maxAgeSeconds` before `nowSeconds`. A missing or malformed claim fails;
 * an `auth_time` later than now by more than the clock skew is malformed.
 */
export function meetsStepUp(requirement: StepUpRequirement, claims: JWTPayload, nowSeconds: number, skewSeconds = 0): boolean {
  const { acr, maxAgeSeconds } = requirement;
  if (acr !== undefined && !(typeof claims.acr === 'string' && acr.includes(claims.acr))) return false;
  if (maxAgeSeconds !== undefined) {
    const authTime = (claims as { auth_time?: unknown }).auth_time;
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return false;
    if (authTime > nowSeconds + skewSeconds) return false;
    if (nowSeconds - authTime > maxAgeSeconds) return false;
  }
  return true;
}

/**
 * The RFC 9470 challenge of a token whose authentication event falls short:
 * `Bearer realm="api", error="insufficient_user_authentication", acr_values="a b", max_age=300`.
 * Values come from the route's (validated) requirement, never from the token.
 */
export function stepUpChallenge(realm: string, requirement: StepUpRequirement, description?: string): string {
  const parts = [bearerChallenge({ realm }), 'error="insufficient_user_authentication"'];
  if (description) parts.push(`error_description="${description}"`);
  if (requirement.acr?.length) parts.push(`acr_values="${requirement.acr.join(' ')}"`);
  if (requirement.maxAgeSeconds !== undefined) parts.push(`max_age=${requirement.maxAgeSeconds}`);
  return parts.join(', ');
}
