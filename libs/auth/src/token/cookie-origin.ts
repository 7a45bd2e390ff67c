import type { RequestHeaders } from './extract-token.js';

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Whether a session cookie may be used for this request, judged by the `Origin` header browsers send
 * on cross-origin requests: no `Origin` (a same-origin GET, curl, a server), an `Origin` naming the
 * request's own host (`X-Forwarded-Host`, else `Host`), or one listed in `authorizedParties`. Any other
 * page, including one on another port of the same host (which the browser still sends the cookie
 * from), is refused: that is cross-site request forgery. Tokens in the Authorization header are not
 * affected: a page cannot make the browser add them.
 *
 * @example
 * cookieOriginAllowed({ origin: 'https://evil.example', host: 'api.example.com' }, ['https://app.example.com']) // false
 */
export function cookieOriginAllowed(headers: RequestHeaders, authorizedParties: readonly string[] | undefined): boolean {
  const origin = first(headers.origin);
  if (origin === undefined) return true;
  if (authorizedParties?.includes(origin)) return true;
  let host: string;
  try {
    // `Origin: null` (sandboxed frames, file: pages) is no URL: refused.
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const own = first(headers['x-forwarded-host'])?.split(',')[0]?.trim() || first(headers.host);
  return typeof own === 'string' && own.toLowerCase() === host;
}
