import { parse as parseCookie } from 'cookie';
import type { TokenSource } from '../config/auth-options.js';

/** Header bag as Node, Express, Fastify and socket.io handshakes all present it. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** Where to look for a token; resolved once at boot. */
export interface TokenExtractionOptions {
  tokenSources: readonly TokenSource[];
  /** Lower-case header name. */
  headerName: string;
  cookieName: string;
}

/** A token and where it was found. */
export interface ExtractedToken {
  token: string;
  source: TokenSource;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Finds the request's token: `Authorization: Bearer <token>` first, then the session cookie (in the
 * configured order). Returns null when neither carries one; another scheme (`Basic ...`) or an empty
 * `Bearer` is no token. Nothing here parses the token itself.
 *
 * `bearer` is a token a transport carries outside its headers (socket.io's `auth.token`, an RPC
 * message field), bare or as `Bearer <token>`; it counts as the `'header'` source, after the header.
 *
 * @example
 * extractToken({ authorization: 'Bearer eyJ...' }, options) // { token: 'eyJ...', source: 'header' }
 */
export function extractToken(
  headers: RequestHeaders | undefined,
  options: TokenExtractionOptions,
  bearer?: string,
): ExtractedToken | null {
  // Stryker disable next-line ConditionalExpression: with neither headers nor a carried token no source below finds anything and the loop returns null too
  if (!headers && bearer === undefined) return null;
  for (const source of options.tokenSources) {
    const token =
      source === 'header'
        ? (headers && fromHeader(headers, options.headerName)) || fromBearer(bearer)
        : headers && fromCookie(headers, options.cookieName);
    if (token) return { token, source };
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

function fromHeader(headers: RequestHeaders, name: string): string | null {
  const value = firstValue(headers[name]);
  if (typeof value !== 'string') return null;
  const match = BEARER.exec(value);
  return match ? match[1] : null;
}

function fromCookie(headers: RequestHeaders, name: string): string | null {
  const header = headers.cookie;
  const value = Array.isArray(header) ? header.join('; ') : header;
  if (typeof value !== 'string' || !value.includes(name)) return null;
  let token: string | undefined;
  try {
    // Stryker disable BlockStatement: (the catch block) an empty catch leaves token undefined, which the return below turns into null as well
    token = parseCookie(value)[name];
  } catch {
    return null;
  }
  // Stryker restore BlockStatement
  return token ? token.trim() || null : null;
}
