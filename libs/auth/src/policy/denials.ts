import { bearerChallenge, AuthErrorReason, type AuthError } from '../auth.errors.js';
import { reverificationErrorBody, type ReverificationErrorBody, type ReverificationRequirement } from '../auth-object/reverification.js';
import { stepUpChallenge, type StepUpRequirement } from '../auth-object/step-up.js';
import type { TokenScheme } from '../verification/verification.js';
import { unauthorizedHeaders, type ChallengeSettings } from './challenges.js';

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

/** Printable ASCII, bounded: what a detail may be (the claim errors' own texts always are). */
const SAFE_DETAIL = /^[\x20-\x7E]{1,160}$/;

/**
 * 401: signed out on a required route. The challenge is Bearer's alone unless `challenge` says the
 * route takes DPoP too (or only); see `unauthorizedHeaders`.
 */
export function unauthorizedDenial(error: AuthError | null, realm: string, debug: boolean, challenge?: RouteChallenge): AuthDenial {
  const reason = error?.reason ?? AuthErrorReason.TokenMissing;
  // Stryker disable next-line ArrayDeclaration: without a route challenge the mode is 'off' and no DPoP challenge reads the algorithms; a RouteChallenge always names them
  const settings = { realm, debug, dpop: challenge?.dpop ?? 'off', dpopAlgorithms: challenge?.dpopAlgorithms ?? [] };
  // Which claim is wrong is what a developer minting tokens by hand needs; the other reasons say it all.
  // Stryker disable next-line StringLiteral: the reason is token-invalid-claims only when error is set, and an AuthError's message is always a string: the fallback is never read
  const detail = debug && reason === AuthErrorReason.TokenInvalidClaims && SAFE_DETAIL.test(error?.message ?? '') ? error?.message : undefined;
  return { ...(detail ? { detail } : {}), status: 401, reason, headers: unauthorizedHeaders(error, challenge?.scheme ?? null, settings) };
}

/** The route's schemes for a 401 challenge, and the scheme the request used. */
export interface RouteChallenge extends Pick<ChallengeSettings, 'dpop' | 'dpopAlgorithms'> {
  scheme: TokenScheme | null;
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

/** The GraphQL error code (`extensions.code`) of each denial, as Apollo and Mercurius clients expect. */
export const GRAPHQL_ERROR_CODES = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 503: 'SERVICE_UNAVAILABLE' } as const;

/**
 * What a WebSocket client receives (as the `exception` event) and an RPC client receives (as the
 * error): the HTTP body's fields plus the GraphQL-style `code`. Nothing from the token.
 */
export interface AuthDenialPayload {
  status: 'error';
  statusCode: 401 | 403 | 503;
  error: string;
  message: string;
  code: (typeof GRAPHQL_ERROR_CODES)[keyof typeof GRAPHQL_ERROR_CODES];
  /** 503 only: seconds before a retry makes sense. */
  retryAfter?: number;
  /** Debug mode only. */
  reason?: string;
  /** Debug mode, `token-invalid-claims` only: which claim and what it must be. */
  detail?: string;
  /** 403 reverification: Clerk's `clerk_error` (type, reason, and the level and minutes required). */
  clerk_error?: ReverificationErrorBody['clerk_error'];
  /** 401 step-up (RFC 9470): the acr values and the maximum authentication age the route requires. */
  stepUp?: { acr?: string[]; maxAgeSeconds?: number };
}
