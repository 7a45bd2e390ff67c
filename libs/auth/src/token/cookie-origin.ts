import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { TokenSource } from '../config/auth-options.js';
import { sessionCookieDuplicated, sessionCookieNames, type RequestHeaders, type TokenExtractionOptions } from './extract-token.js';

/**
 * What the origin rule reads from a request (an Express or Fastify request, a WebSocket handshake,
 * a Node request): its headers, and what the server knows of the scheme it came in with.
 */
export interface OriginRequest {
  headers?: RequestHeaders;
  /**
   * Express `req.protocol`, Fastify `request.protocol`: `https` over TLS, or the proxy's
   * `X-Forwarded-Proto` when the app trusts its proxy (Express `trust proxy`, Fastify `trustProxy`).
   */
  protocol?: unknown;
  /** Whether the connection is TLS: socket.io's `handshake.secure`, the guard's WebSocket handshakes. */
  secure?: unknown;
  /** A Node request's connection (a `ws` upgrade request): TLS when `encrypted`. */
  socket?: unknown;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The scheme the request came in with, as its server knows it: the framework's `protocol` (which
 * honours the app's trusted-proxy setting and nothing else), else whether the connection is TLS.
 * Undefined when the request tells neither. `X-Forwarded-Proto` is never read here: only a framework
 * that was told to trust the proxy may believe it.
 *
 * @example
 * requestScheme(expressReq) // 'https' behind app.set('trust proxy', 1) and X-Forwarded-Proto: https
 */
export function requestScheme(request: OriginRequest): 'http' | 'https' | undefined {
  const protocol = typeof request.protocol === 'string' ? request.protocol.trim().toLowerCase() : undefined;
  if (protocol === 'http' || protocol === 'https') return protocol;
  if (typeof request.secure === 'boolean') return request.secure ? 'https' : 'http';
  const socket = request.socket;
  if (socket !== null && typeof socket === 'object') return (socket as { encrypted?: unknown }).encrypted === true ? 'https' : 'http';
  return undefined;
}

/** A `Host` (or `X-Forwarded-Host`) value: a name or address and a port, nothing that would change how a URL parses. */
const HOST_VALUE = /^[a-z0-9.\-_[\]:]+$/i;

/**
 * The API's own origin for this request: its scheme ({@link requestScheme}) and host
 * (`X-Forwarded-Host`'s first value, else `Host`), default port dropped. Undefined when either is
 * unknown or malformed.
 */
function ownOrigin(request: OriginRequest, headers: RequestHeaders): string | undefined {
  const scheme = requestScheme(request);
  const host = first(headers['x-forwarded-host'])?.split(',')[0].trim() || first(headers.host);
  if (scheme === undefined || typeof host !== 'string' || !HOST_VALUE.test(host)) return undefined;
  try {
    // Stryker disable BlockStatement: (the catch block) an empty catch falls through to the end of the function, which returns undefined too
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return undefined;
  }
  // Stryker restore BlockStatement
}

/**
 * Whether a session cookie may be used for this request, judged by the `Origin` header browsers send
 * on cross-origin requests: no `Origin` (a same-origin GET, curl, a server), an `Origin` that is the
 * API's own origin (scheme, host and port: see {@link requestScheme}; the host is `X-Forwarded-Host`,
 * else `Host`), or one listed in `authorizedParties`. Any other page is refused, including one on
 * another port or under another scheme of the same host (which the browser still sends the cookie
 * from): that is cross-site request forgery. A request whose scheme is unknown accepts listed
 * parties only. Tokens in the Authorization header are not affected: a page cannot make the browser
 * add them.
 *
 * @example
 * cookieOriginAllowed({ headers: { origin: 'http://api.example.com', host: 'api.example.com' }, protocol: 'https' }, undefined) // false
 */
export function cookieOriginAllowed(request: OriginRequest, authorizedParties: readonly string[] | undefined): boolean {
  const headers = request.headers ?? {};
  const origin = first(headers.origin);
  if (origin === undefined) return true;
  if (authorizedParties?.includes(origin)) return true;
  let claimed: string;
  try {
    // `Origin: null` (sandboxed frames, file: pages) is no URL: refused.
    claimed = new URL(origin).origin;
  } catch {
    return false;
  }
  // `claimed` is a string: an unknown own origin (undefined) never equals it.
  return ownOrigin(request, headers) === claimed;
}

/**
 * Why the session cookie must not sign this request in, before any verification; undefined when it
 * may (or when the token does not come from the cookie: the Authorization header is never judged
 * here). `source` is where the request's token was found (null: nowhere). Two reasons:
 * - `cookie-duplicated`: the cookie came twice with different values (cookie tossing from a sibling
 *   subdomain), and no other source holds a token;
 * - `cookie-cross-origin`: the token would come from the cookie and {@link cookieOriginAllowed} says no.
 * Cheap for the usual request: no `Origin` and the cookie name once.
 *
 * @example
 * sessionCookieRefusal({ headers: { cookie: '__session=a; __session=b' } }, null, options, undefined)?.reason // 'cookie-duplicated'
 */
export function sessionCookieRefusal(
  request: OriginRequest,
  source: TokenSource | null,
  options: TokenExtractionOptions,
  authorizedParties: readonly string[] | undefined,
): AuthError | undefined {
  const headers = request.headers;
  if (!headers) return undefined;
  const duplicated = options.tokenSources.includes('cookie') && sessionCookieNames(options).some((name) => sessionCookieDuplicated(headers, name));
  if (duplicated)
    return source === null ? new AuthError(AuthErrorReason.CookieDuplicated, 'the session cookie was sent twice with different values') : undefined;
  if (
    source !== 'cookie' ||
    // Stryker disable next-line ConditionalExpression: cookieOriginAllowed allows a request without Origin too; this only spares the call on the usual request
    headers.origin === undefined ||
    cookieOriginAllowed(request, authorizedParties)
  ) {
    return undefined;
  }
  return new AuthError(AuthErrorReason.CookieCrossOrigin, 'a session cookie sent from another origin');
}
