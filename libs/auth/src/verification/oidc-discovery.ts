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

/** A URL-valued member of a discovery document that names an endpoint we call. */
export type DiscoveredEndpoint = 'jwks_uri' | 'introspection_endpoint';

/**
 * Fetches the issuer's discovery document and returns one endpoint named in it.
 * The document's `issuer` must equal the configured one exactly (section 4.3), and the endpoint must
 * be an https URL (http on loopback only); it is never taken from anywhere else, least of all a token.
 * Throws {@link KeyFetchError}.
 *
 * @example
 * const introspectionUrl = await discoverEndpoint('https://tenant.example.com', 'introspection_endpoint', { timeoutInMs: 5000, maxBytes: 524288 });
 */
export async function discoverEndpoint(issuer: string, endpoint: DiscoveredEndpoint, limits: FetchLimits): Promise<URL> {
  const document = await fetchJson(discoveryUrl(issuer), limits);
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new KeyFetchError('invalid-shape', 'the discovery document is not a JSON object');
  }
  const { issuer: published, [endpoint]: location } = document as Record<string, unknown>;
  if (published !== issuer) {
    throw new KeyFetchError('issuer-mismatch', 'the discovery document names another issuer');
  }
  if (typeof location !== 'string') {
    throw new KeyFetchError('invalid-shape', `the discovery document has no ${endpoint}`);
  }
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new KeyFetchError('invalid-shape', `${endpoint} is not an absolute URL`);
  }
  if (!isAllowedKeyUrl(url)) {
    throw new KeyFetchError('invalid-shape', `${endpoint} must use https`);
  }
  return url;
}

/**
 * The issuer's `jwks_uri`, by {@link discoverEndpoint}.
 *
 * @example
 * const jwksUrl = await discoverJwksUri('https://tenant.example.com', { timeoutInMs: 5000, maxBytes: 524288 });
 */
export function discoverJwksUri(issuer: string, limits: FetchLimits): Promise<URL> {
  return discoverEndpoint(issuer, 'jwks_uri', limits);
}
