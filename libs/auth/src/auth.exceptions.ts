import { ForbiddenException, HttpException, HttpStatus, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { bearerChallenge, type AuthError } from './auth.errors.js';
import { AuthErrorReason } from './auth.errors.js';
import { reverificationErrorBody, type ReverificationErrorBody, type ReverificationRequirement } from './auth-object/reverification.js';
import { stepUpChallenge, type StepUpRequirement } from './auth-object/step-up.js';

/** What the guard decided to refuse, before it becomes a transport's error. */
export interface AuthDenial {
  status: 401 | 403 | 503;
  /** Why; shown to clients only in debug mode. */
  reason: AuthErrorReason | 'insufficient-scope' | 'reverification-required' | 'insufficient-user-authentication';
  /** Headers for HTTP responses: `WWW-Authenticate`, `Retry-After`. */
  headers: Record<string, string>;
  /**
   * Debug mode, `token-invalid-claims` only: which claim and what it must be (`claim "scopes" must be a
   * string`). One of the library's own fixed texts, naming the claim, never its value.
   */
  detail?: string;
  /** 403 reverification: Clerk's `clerk_error`, the whole HTTP body, and beside the payload elsewhere. */
  clerkError?: ReverificationErrorBody['clerk_error'];
  /** 401 step-up (RFC 9470): what the route requires, for transports without a `WWW-Authenticate` header. */
  stepUp?: { acr?: string[]; maxAgeSeconds?: number };
}

/** Reasons that say nothing about the token being bad: no `error="invalid_token"` for them. */
const NOT_A_TOKEN_ERROR = new Set<string>([AuthErrorReason.TokenMissing, AuthErrorReason.TokenSchemeNotBearer, AuthErrorReason.SessionPending]);

/** Printable ASCII, bounded: what a detail may be (the claim errors' own texts always are). */
const SAFE_DETAIL = /^[\x20-\x7E]{1,160}$/;

/** 401: signed out on a required route. */
export function unauthorizedDenial(error: AuthError | null, realm: string, debug: boolean): AuthDenial {
  const reason = error?.reason ?? AuthErrorReason.TokenMissing;
  const tokenError = !NOT_A_TOKEN_ERROR.has(reason);
  // Which claim is wrong is what a developer minting tokens by hand needs; the other reasons say it all.
  const detail = debug && reason === AuthErrorReason.TokenInvalidClaims && SAFE_DETAIL.test(error?.message ?? '') ? error?.message : undefined;
  return {
    ...(detail ? { detail } : {}),
    status: 401,
    reason,
    headers: {
      'WWW-Authenticate': bearerChallenge({
        realm,
        error: tokenError ? 'invalid_token' : undefined,
        description: debug && tokenError ? reason : undefined,
      }),
    },
  };
}

/** 403: signed in, but `has()` refused what the route asks; `scopes`: the OAuth scopes the route needs (RFC 6750 `scope`). */
export function forbiddenDenial(realm: string, debug: boolean, scopes?: readonly string[]): AuthDenial {
  return {
    status: 403,
    reason: 'insufficient-scope',
    headers: {
      'WWW-Authenticate': bearerChallenge({ realm, error: 'insufficient_scope', description: debug ? 'insufficient-scope' : undefined, scopes }),
    },
  };
}

/**
 * 503: a token was sent but what is needed to decide on it (the keys, the revocation status) could
 * not be had; the client should retry, not sign out. `retryAfterSeconds` is the error's own hint
 * when it has one, else `fallbackSeconds`.
 */
export function unavailableDenial(error: AuthError, fallbackSeconds: number): AuthDenial {
  const seconds = error.retryAfterSeconds ?? fallbackSeconds;
  return {
    status: 503,
    reason: error.reason,
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(Number.isFinite(seconds) ? seconds : 1))) },
  };
}

/** The 503 text of every transport: what was missing is the reason, shown in debug mode only. */
export const UNAVAILABLE_MESSAGE = 'Authentication is temporarily unavailable; retry later';

/**
 * 403 reverification (Clerk): the session's factors were not verified recently enough. The body is
 * Clerk's, so that Clerk's front-end `useReverification()` prompts the user and retries.
 */
export function reverificationDenial(requirement: ReverificationRequirement): AuthDenial {
  return { status: 403, reason: 'reverification-required', headers: {}, clerkError: reverificationErrorBody(requirement).clerk_error };
}

/** 401 step-up (RFC 9470): the token's `acr` or `auth_time` does not meet the route's requirement. */
export function stepUpDenial(realm: string, requirement: StepUpRequirement, debug: boolean): AuthDenial {
  const description = debug ? 'insufficient-user-authentication' : undefined;
  return {
    status: 401,
    reason: 'insufficient-user-authentication',
    headers: { 'WWW-Authenticate': stepUpChallenge(realm, requirement, description) },
    stepUp: {
      ...(requirement.acr ? { acr: [...requirement.acr] } : {}),
      ...(requirement.maxAgeSeconds !== undefined ? { maxAgeSeconds: requirement.maxAgeSeconds } : {}),
    },
  };
}

/**
 * The Nest HTTP exception of a denial; the body names the reason only in debug mode. A
 * reverification denial's body is exactly Clerk's `{ clerk_error }`.
 */
export function toHttpException(denial: AuthDenial, debug: boolean): HttpException {
  if (denial.clerkError) return new ForbiddenException({ clerk_error: denial.clerkError });
  const extra = debug ? { reason: denial.reason, ...(denial.detail ? { detail: denial.detail } : {}) } : {};
  switch (denial.status) {
    case 401:
      return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized', ...extra });
    case 403:
      return new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: 'Forbidden', ...extra });
    default:
      return new ServiceUnavailableException({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: 'Service Unavailable',
        message: UNAVAILABLE_MESSAGE,
        ...extra,
      });
  }
}
