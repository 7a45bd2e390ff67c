import { decodeJwt } from 'jose';

/**
 * Clerk's browser-cookie rules for one Clerk instance, resolved at boot from the `clerkCookies`
 * option (the `clerk()` preset sets it). Framework-free.
 */
export interface ClerkCookieRules {
  /**
   * The suffix of this instance's cookies (`__session_<suffix>`, `__client_uat_<suffix>`): the first
   * eight characters of the base64url SHA-1 of its publishable key, as Clerk derives it. Undefined
   * when no publishable key was given: only the unsuffixed names are read.
   */
  suffix: string | undefined;
  /** The instance's Frontend API host (from the publishable key): tells this instance's tokens from another's. */
  frontendApi: string | undefined;
  /** A development instance (`pk_test_…`): Clerk also falls back to the unsuffixed cookies when the suffixed session has expired. */
  development: boolean;
}

/** The client's cookie that holds its last sign-in or sign-out time (seconds); `0` when signed out. */
export const CLIENT_UAT_COOKIE = '__client_uat';

/** What the session cookies of a request say under Clerk's rules. */
export interface ClerkSessionCookies {
  /** The session token, from the suffixed or the unsuffixed cookie; undefined when that one is absent. */
  token: string | undefined;
  /** `__client_uat` of the same family as a number (seconds): 0 when absent, `0` or not a number, as Clerk reads it. */
  clientUat: number;
}

/** A cookie value as `parseCookie` gives it, with the fewest cases: a non-empty string or undefined. */
type Cookies = Record<string, string | undefined>;

/**
 * Picks the session cookie and `__client_uat` as Clerk's `authenticateRequest` does: the suffixed
 * pair of this instance when it can be trusted, else the unsuffixed pair. The unsuffixed names are
 * kept when the unsuffixed session token has no `iss`, when no suffixed cookie exists, when both say
 * signed in and the unsuffixed token is newer, when the suffixed pair says signed out and the other
 * does not, (development instances) when the suffixed token has expired while the unsuffixed pair
 * says signed out, and when the suffixed session comes without its `__client_uat`; an unsuffixed
 * token of another instance always yields to the suffixed pair. Tokens are decoded, never trusted:
 * what is picked is verified in full afterwards.
 *
 * @example
 * pickClerkCookies({ __session: 'eyJ…', __client_uat: '1712345678' }, '__session', rules, Date.now())
 * // { token: 'eyJ…', clientUat: 1712345678 }
 */
export function pickClerkCookies(cookies: Cookies, sessionName: string, rules: ClerkCookieRules, nowMs: number): ClerkSessionCookies {
  const suffixed = rules.suffix !== undefined && useSuffixed(cookies, sessionName, rules, rules.suffix, nowMs);
  const named = (base: string) => (suffixed ? `${base}_${rules.suffix}` : base);
  return { token: nonEmpty(cookies[named(sessionName)]), clientUat: clientUatOf(cookies[named(CLIENT_UAT_COOKIE)]) };
}

/** `__client_uat` as Clerk reads it: a leading integer, else 0. */
export function clientUatOf(value: string | undefined): number {
  // Stryker disable next-line StringLiteral: any text that is not a number parses as NaN, which `|| 0` turns to 0, as it does ''.
  return Number.parseInt(value ?? '', 10) || 0;
}

function useSuffixed(cookies: Cookies, sessionName: string, rules: ClerkCookieRules, suffix: string, nowMs: number): boolean {
  const session = nonEmpty(cookies[sessionName]);
  const uat = nonEmpty(cookies[CLIENT_UAT_COOKIE]);
  const suffixedSession = nonEmpty(cookies[`${sessionName}_${suffix}`]);
  const suffixedUat = nonEmpty(cookies[`${CLIENT_UAT_COOKIE}_${suffix}`]);
  const plain = session === undefined ? undefined : payloadOf(session);
  // A malformed unsuffixed token gives the signed-out answer of the unsuffixed pair.
  if (session !== undefined && !plain?.iss) return false;
  if (plain && !belongsTo(plain.iss, rules.frontendApi)) return true;
  // Stryker disable next-line ConditionalExpression: without a suffixed __client_uat every later check answers false as well (the last one for a suffixed session alone); this line's other ConditionalExpression mutants are killed.
  if (suffixedUat === undefined && suffixedSession === undefined) return false;
  const other = suffixedSession === undefined ? undefined : payloadOf(suffixedSession);
  // Stryker disable next-line ConditionalExpression,StringLiteral: a suffixed __client_uat of '0' (never '': values are trimmed, empty is undefined) is answered false by the next line whenever this one would.
  if (suffixedUat !== '0' && uat !== '0' && numeric(plain?.iat) > numeric(other?.iat)) return false;
  if (suffixedUat === '0' && uat !== '0') return false;
  if (rules.development && suffixedUat !== '0' && uat === '0' && typeof other?.exp === 'number' && other.exp <= Math.trunc(nowMs / 1000)) return false;
  // Stryker disable next-line ConditionalExpression: without a suffixed __client_uat and without a suffixed session, the check of no suffixed cookie at all has answered already.
  if (suffixedUat === undefined && suffixedSession !== undefined) return false;
  return true;
}

/** Whether an unverified `iss` is this instance's Frontend API (scheme aside). */
function belongsTo(iss: unknown, frontendApi: string | undefined): boolean {
  // Stryker disable next-line ConditionalExpression: without a Frontend API, a string compared to undefined is false anyway.
  return typeof iss === 'string' && frontendApi !== undefined && iss.replace(/https?:\/\//gi, '') === frontendApi;
}

function payloadOf(token: string): { iss?: unknown; iat?: unknown; exp?: unknown } | undefined {
  // Stryker disable BlockStatement: an empty catch returns undefined too (a comment cannot sit on the catch's line; the try block's mutant is killed).
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}
// Stryker restore BlockStatement

function numeric(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
