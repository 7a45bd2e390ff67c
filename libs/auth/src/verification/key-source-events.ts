import type { KeyFetchProblem } from './fetch-json.js';

/**
 * A remote key source could not fetch its keys. Every field is safe to log: no URL (nor its query),
 * no key, no response body, no token.
 */
export interface KeySourceError {
  /** The option that names the key source: `'jwksUrl'`, or `'issuer'` for OIDC discovery. */
  source: 'jwksUrl' | 'issuer';
  /** What went wrong, e.g. `'network'`, `'timeout'`, `'http-status'`, `'invalid-json'`. */
  problem: KeyFetchProblem;
  /** The class of the error, e.g. `'KeyFetchError'`. */
  errorClass: string;
  /** The HTTP status of a response that was not 200. */
  status?: number;
  /** The system error code of a network failure, e.g. `'ECONNREFUSED'`. */
  code?: string;
  /** What requests with a token get meanwhile: the keys fetched before (stale), or none (503). */
  fallback: 'stale-keys' | 'no-keys';
  /** The earliest next fetch, in ms from now (the cooldown). */
  retryInMs: number;
}

/**
 * What a key source reports to its host, so the core never imports a logger: the Nest layer turns
 * these into log lines. A listener that throws is ignored.
 *
 * @example
 * createKeySource(options, { onKeySourceError: (e) => console.warn(e.problem, e.status) });
 */
export interface KeySourceEvents {
  /** A fetch failed. Fetches happen at most once per `jwksCooldownInMs`, so this runs at most once per window. */
  onKeySourceError?(error: KeySourceError): void;
}
