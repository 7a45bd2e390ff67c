import { AddressNotPublicError, requestPublicOnly, type PublicRequest } from './public-request.js';

/**
 * Why a key-material fetch failed. Stable codes, safe to log: never the URL, a key or a body.
 */
export type KeyFetchProblem =
  | 'network'
  | 'timeout'
  | 'http-status'
  | 'content-type'
  | 'too-large'
  | 'invalid-json'
  | 'invalid-shape'
  | 'private-key'
  | 'no-usable-key'
  | 'issuer-mismatch'
  | 'address-not-public';

/** What is known of a failed fetch besides its problem; every field is safe to log. */
export interface KeyFetchDetails {
  /** The HTTP status of a response that was not 200. */
  status?: number;
  /** The system error code under a network failure, e.g. `'ECONNREFUSED'`, `'ENOTFOUND'`. */
  code?: string;
}

/** A fetch of key material (JWKS or discovery document) failed; the cached keys, if any, stay. */
export class KeyFetchError extends Error {
  override readonly name = 'KeyFetchError';
  /** HTTP status, for `http-status`. */
  readonly status: number | undefined;
  /** System error code, for `network`. */
  readonly code: string | undefined;

  constructor(
    readonly problem: KeyFetchProblem,
    message: string = problem,
    details: KeyFetchDetails = {},
  ) {
    super(`nestjs-warden: key fetch failed: ${message}`);
    this.status = details.status;
    this.code = details.code;
  }
}

/** A system error code found under a failed `fetch` (undici puts it in `cause`): only a bare code, never a message. */
function systemCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  }
  return undefined;
}

/** Limits applied to every outbound fetch of key material. */
export interface FetchLimits {
  /** Abort the whole exchange (connect, headers and body) after this long. */
  timeoutInMs: number;
  /** Abort as soon as the body grows past this many bytes; it is never buffered whole. */
  maxBytes: number;
  /**
   * Connect only to public internet addresses: the host is resolved and checked before the socket
   * connects, and the socket connects to the checked address (`resolveIssuerAddresses: 'public'`).
   */
  publicAddressesOnly?: boolean;
}

/**
 * A form POST instead of the default GET (RFC 7662 introspection): the body is sent as
 * `application/x-www-form-urlencoded`, with the given extra headers (e.g. `authorization`).
 */
export interface FormPost {
  form: URLSearchParams;
  headers?: Record<string, string>;
}

const JSON_CONTENT_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;|$)/i;

/**
 * GETs a JSON document under {@link FetchLimits} (or POSTs a form, with `post`): no redirects
 * followed, status 200 only, a JSON content type, the body read as a stream and cut off at the byte
 * cap; with `publicAddressesOnly`, public internet addresses only. Throws {@link KeyFetchError}.
 */
export async function fetchJson(url: URL, limits: FetchLimits, accept = 'application/json', post?: FormPost): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutInMs);
  try {
    let response: Response;
    const init: PublicRequest = {
      method: post ? 'POST' : 'GET',
      headers: post ? { ...post.headers, accept, 'content-type': 'application/x-www-form-urlencoded' } : { accept },
      body: post?.form,
    };
    try {
      response = limits.publicAddressesOnly
        ? await requestPublicOnly(url, init, controller.signal)
        : await fetch(url, { ...init, redirect: 'manual', signal: controller.signal });
    } catch (error) {
      if (error instanceof AddressNotPublicError) throw new KeyFetchError('address-not-public', 'the host is not a public address', { code: error.code });
      if (controller.signal.aborted) throw new KeyFetchError('timeout');
      throw new KeyFetchError('network', 'network', { code: systemCode(error) });
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new KeyFetchError('http-status', `status ${response.status}`, { status: response.status });
    }
    // Stryker disable next-line StringLiteral: without a Content-Type any placeholder that is not a JSON type is refused the same as ''
    if (!JSON_CONTENT_TYPE.test(response.headers.get('content-type') ?? '')) {
      await response.body?.cancel().catch(() => undefined);
      throw new KeyFetchError('content-type');
    }
    const text = await readCapped(response, limits.maxBytes, controller.signal);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new KeyFetchError('invalid-json');
    }
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(response: Response, maxBytes: number, signal: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new KeyFetchError('too-large');
  }
  // Stryker disable next-line ConditionalExpression,StringLiteral: a 200 answer of fetch or of requestPublicOnly always has a body stream (null is for 101, 103, 204, 205 and 304); the check narrows the type
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new KeyFetchError('too-large');
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof KeyFetchError) throw error;
    throw new KeyFetchError(signal.aborted ? 'timeout' : 'network');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new KeyFetchError('invalid-json', 'the body is not UTF-8');
  }
}
