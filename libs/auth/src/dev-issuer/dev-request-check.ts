/** Request headers as Node, Express and Fastify present them. */
export type DevRequestHeaders = Record<string, string | string[] | undefined>;

/** Why a request to a dev issuer is refused: the HTTP status and a message safe to answer. */
export interface DevRequestRefusal {
  status: 403 | 415;
  error: string;
}

const LOOPBACK_ONLY = 'the dev issuer answers requests to a loopback host only (localhost, 127.0.0.1, [::1]), from loopback pages only';
const JSON_ONLY = 'send the claims as application/json';

/** A Host value: a name or address and a port, nothing that would change how a URL parses. */
const HOST_VALUE = /^[a-z0-9.\-[\]:]+$/i;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}

/** `localhost`, an address in 127.0.0.0/8, or `[::1]`: names no DNS answer can point elsewhere. */
function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Whether a Host header names a loopback host (with any port). */
function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined || !HOST_VALUE.test(host)) return false;
  try {
    return isLoopbackHostname(new URL(`http://${host}`).hostname);
  } catch {
    return false;
  }
}

/** Whether an Origin header names an http(s) page on a loopback host. */
function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHostname(url.hostname);
  } catch {
    return false;
  }
}

/**
 * Whether a dev issuer may answer this request; undefined when it may. A dev issuer signs in anyone,
 * so it answers only what a developer's own tools send:
 * - `Host` must be a loopback host (`localhost`, `127.x.x.x`, `[::1]`): after DNS rebinding a page the
 *   developer visits reaches 127.0.0.1 under its own name, which the `Host` header still shows (403);
 * - `Origin`, when a browser sends one, must be a loopback page too (403);
 * - with `body: true` (a POST that signs or changes something), the body must be `application/json`:
 *   a page on another origin can send a form or `text/plain` without asking, but JSON only after a
 *   CORS preflight the issuer never grants (415).
 *
 * @example
 * devRequestRefusal({ host: 'evil.example:4000', 'content-type': 'application/json' }, { body: true })
 * // { status: 403, error: 'the dev issuer answers requests to a loopback host only ...' }
 */
export function devRequestRefusal(headers: DevRequestHeaders, options: { body: boolean }): DevRequestRefusal | undefined {
  if (!isLoopbackHost(single(headers.host))) return { status: 403, error: LOOPBACK_ONLY };
  const origin = headers.origin;
  if (origin !== undefined && !(typeof origin === 'string' && isLoopbackOrigin(origin))) return { status: 403, error: LOOPBACK_ONLY };
  if (options.body) {
    const type = single(headers['content-type'])?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') return { status: 415, error: JSON_ONLY };
  }
  return undefined;
}
