import { parse as parseCookie } from 'cookie';
import type { TokenSource } from '../config/auth-options.js';
import type { TokenScheme } from '../verification/verification.js';
import { CLIENT_UAT_COOKIE, pickClerkCookies, type ClerkCookieRules } from './clerk-cookies.js';

/** Header bag as Node, Express, Fastify and socket.io handshakes all present it. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** Where to look for a token; resolved once at boot. */
export interface TokenExtractionOptions {
  tokenSources: readonly TokenSource[];
  /** Lower-case header name. */
  headerName: string;
  cookieName: string;
  /** Clerk's cookie rules: suffixed names and `__client_uat` (see `pickClerkCookies`); undefined: the cookie alone. */
  clerkCookies?: ClerkCookieRules;
  /** The time Clerk's cookie rules read (a development instance's expired suffixed cookie); default `Date.now`. */
  clock?: (() => number) | undefined;
}

/** A token and where it was found. */
export interface ExtractedToken {
  token: string;
  source: TokenSource;
  /** `'dpop'` for `Authorization: DPoP <token>` (RFC 9449); absent for a bearer token or a cookie. */
  scheme?: TokenScheme;
  /**
   * Under Clerk's cookie rules, for a token from the session cookie: the `__client_uat` sent beside
   * it, in seconds (0: absent or signed out). Absent otherwise.
   */
  clientUat?: number;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const DPOP = /^DPoP[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Finds the request's token: `Authorization: Bearer <token>` (or `DPoP <token>`, RFC 9449) first, then the session cookie (in the
 * configured order). Returns null when neither carries one; another scheme (`Basic ...`) or an empty
 * `Bearer` is no token, nor is a cookie sent twice with different values (see
 * {@link sessionCookieDuplicated}). Nothing here parses the token itself.
 *
 * `bearer` is a token a transport carries outside its headers (socket.io's `auth.token`, an RPC
 * message field), bare or as `Bearer <token>`; it counts as the `'header'` source, after the header.
 *
 * @example
 * extractToken({ authorization: 'Bearer eyJ...' }, options) // { token: 'eyJ...', source: 'header' }
 */
export function extractToken(headers: RequestHeaders | undefined, options: TokenExtractionOptions, bearer?: string): ExtractedToken | null {
  // Stryker disable next-line ConditionalExpression: with neither headers nor a carried token no source below finds anything and the loop returns null too
  if (!headers && bearer === undefined) return null;
  for (const source of options.tokenSources) {
    if (source === 'header') {
      const found = (headers && fromHeader(headers, options.headerName)) || fromBearer(bearer);
      if (found) return typeof found === 'string' ? { token: found, source } : found;
      continue;
    }
    const found = headers && fromCookie(headers, options);
    if (found) return found;
  }
  return null;
}

const BARE = /^[ \t]*([^\s]+)[ \t]*$/;

function fromBearer(value: string | undefined): string | null {
  if (typeof value !== 'string') return null;
  const match = BEARER.exec(value) ?? (/^Bearer([ \t]|$)/i.test(value) ? null : BARE.exec(value));
  return match ? match[1] : null;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function fromHeader(headers: RequestHeaders, name: string): string | ExtractedToken | null {
  const value = firstValue(headers[name]);
  if (typeof value !== 'string') return null;
  const match = BEARER.exec(value);
  if (match) return match[1];
  // DPoP (RFC 9449): the token comes with a proof, checked once the token is verified.
  const dpop = DPOP.exec(value);
  return dpop ? { token: dpop[1], source: 'header', scheme: 'dpop' } : null;
}

function cookieHeader(headers: RequestHeaders): string | undefined {
  const header = headers.cookie;
  const value = Array.isArray(header) ? header.join('; ') : header;
  return typeof value === 'string' ? value : undefined;
}

/**
 * True when the request carries the cookie `name` more than once with different values. A page on a
 * sibling subdomain can set (toss) a cookie of the same name for the whole site; the browser then
 * sends both, and which one a parser keeps depends on their paths, so neither can be trusted.
 * `extractToken` takes no token from such a cookie; the guard refuses it as `cookie-duplicated`.
 *
 * @example
 * sessionCookieDuplicated({ cookie: '__session=a; __session=b' }, '__session') // true
 */
export function sessionCookieDuplicated(headers: RequestHeaders | undefined, name: string): boolean {
  const value = headers && cookieHeader(headers);
  if (value === undefined) return false;
  // Cheap first: most requests carry the name once or not at all.
  const at = value.indexOf(name);
  // Stryker disable next-line ConditionalExpression,LogicalOperator,ArithmeticOperator: this test only spares the loop below, which finds no duplicate unless the name appears twice; weakening it (or searching from earlier) gives the same answer.
  if (at === -1 || value.indexOf(name, at + name.length) === -1) return false;
  let seen: string | undefined;
  for (const pair of value.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    const cookie = pair.slice(eq + 1).trim();
    if (seen === undefined) seen = cookie;
    else if (cookie !== seen) return true;
  }
  return false;
}

/**
 * The cookies a session is read from, none of which may come twice with different values: the
 * session cookie, and under Clerk's rules `__client_uat` too (a tossed one could keep a stale session
 * cookie working), each also with the instance's suffix when it has one.
 */
export function sessionCookieNames(options: TokenExtractionOptions): string[] {
  if (!options.clerkCookies) return [options.cookieName];
  const { suffix } = options.clerkCookies;
  const names = [options.cookieName, CLIENT_UAT_COOKIE];
  return suffix === undefined ? names : [...names, ...names.map((name) => `${name}_${suffix}`)];
}

function fromCookie(headers: RequestHeaders, options: TokenExtractionOptions): ExtractedToken | null {
  const name = options.cookieName;
  const value = cookieHeader(headers);
  if (value === undefined || !value.includes(name) || sessionCookieNames(options).some((n) => sessionCookieDuplicated(headers, n))) return null;
  let cookies: Record<string, string | undefined>;
  try {
    cookies = parseCookie(value);
  } catch {
    return null;
  }
  if (options.clerkCookies) {
    const picked = pickClerkCookies(cookies, name, options.clerkCookies, (options.clock ?? Date.now)());
    return picked.token ? { token: picked.token, source: 'cookie', clientUat: picked.clientUat } : null;
  }
  const token = cookies[name]?.trim();
  return token ? { token, source: 'cookie' } : null;
}
