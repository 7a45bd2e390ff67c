import { fetchJson, KeyFetchError, type FetchLimits } from './fetch-json.js';

/**
 * The discovery document's URL for an issuer (OpenID Connect Discovery 1.0 section 4): the issuer
 * without a trailing slash, then `/.well-known/openid-configuration`.
 */
export function discoveryUrl(issuer: string): URL {
  return new URL(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
}

/** True for https URLs, and for http on a loopback host only. */
export function isAllowedKeyUrl(url: URL): boolean {
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
}

/**
 * Fetches the issuer's discovery document and returns its `jwks_uri`. The document's `issuer` must
 * equal the configured one exactly (section 4.3), and `jwks_uri` must be an https URL (http on
 * loopback only); the JWKS location is never taken from anywhere else, least of all a token.
 * Throws {@link KeyFetchError}.
 *
 * @example
 * const jwksUrl = await discoverJwksUri('https://tenant.example.com', { timeoutInMs: 5000, maxBytes: 524288 });
 */
export async function discoverJwksUri(issuer: string, limits: FetchLimits): Promise<URL> {
  const document = await fetchJson(discoveryUrl(issuer), limits);
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new KeyFetchError('invalid-shape', 'the discovery document is not a JSON object');
  }
  const { issuer: published, jwks_uri: jwksUri } = document as { issuer?: unknown; jwks_uri?: unknown };
  if (published !== issuer) {
    throw new KeyFetchError('issuer-mismatch', 'the discovery document names another issuer');
  }
  if (typeof jwksUri !== 'string') {
    throw new KeyFetchError('invalid-shape', 'the discovery document has no jwks_uri');
  }
  let url: URL;
  try {
    url = new URL(jwksUri);
  } catch {
    throw new KeyFetchError('invalid-shape', 'jwks_uri is not an absolute URL');
  }
  if (!isAllowedKeyUrl(url)) {
    throw new KeyFetchError('invalid-shape', 'jwks_uri must use https');
  }
  return url;
}
