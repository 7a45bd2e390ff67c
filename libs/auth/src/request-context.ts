import type { ExecutionContext } from '@nestjs/common';
import type { AnyAuthObject } from './auth-object/auth-result.js';
import { AUTH_VERIFICATION } from './auth.constants.js';
import { BlockList, isIPv4 } from 'node:net';
import type { AuthContextType } from './config/event-options.js';
import type { ResolvedAuthOptions } from './config/resolved-options.js';
import { requestScheme } from './token/cookie-origin.js';
import type { RequestHeaders } from './token/extract-token.js';
import type { DpopRequest } from './verification/dpop/dpop-proof.js';
import { certificateFromHeader, certificateThumbprint } from './verification/mtls/client-certificate.js';
import type { PresentedToken } from './verification/sender-constraints.js';
import type { TokenScheme, Verification } from './verification/verification.js';
import { wsHandshakeOf } from './ws-handshake.js';

export type { AuthContextType } from './config/event-options.js';

/** The parts of a request the guard reads and writes, whatever the transport. */
export interface AuthCarrier {
  headers?: RequestHeaders;
  /**
   * A token the transport carries outside its headers: socket.io's `auth.token`, an RPC message
   * field. Tried where the Authorization header is (see `extractToken`).
   */
  token?: string;
  /**
   * True for a connection that outlives any one message (a WebSocket): its result is never reused
   * from an earlier message, so a token that expires mid-connection stops working. Read as an own
   * property only.
   */
  live?: boolean;
  /** A WebSocket handshake's: whether its connection is TLS (the scheme of its own origin; see `cookieOriginAllowed`). */
  secure?: boolean;
  /** The HTTP method (a WebSocket handshake's: `GET`, its upgrade request's). */
  method?: string;
  /** The request target as received (Node `url`); a WebSocket handshake's: its upgrade request's. */
  url?: string;
  auth?: AnyAuthObject;
}

/**
 * The verification the guard stored on this carrier (request, handshake, message), if any: the
 * value every later route on the carrier decides from (GraphQL runs the guard once per field).
 * Stored under a `Symbol.for()` key, so two copies of the library still agree.
 */
export function storedVerification(carrier: object): Verification | undefined {
  // An own-property check: a missing key would walk an Express request's whole prototype chain.
  return Object.hasOwn(carrier, AUTH_VERIFICATION) ? (carrier as Record<symbol, Verification | undefined>)[AUTH_VERIFICATION] : undefined;
}

/**
 * Stores the verification on a carrier and attaches what the route sees as `auth`, for `@Auth()`,
 * `getAuth(req)` and `req.auth`. Under a symbol key: `JSON.stringify` and `Object.keys` never see it.
 */
export function attachVerification(carrier: AuthCarrier, verification: Verification, auth: AnyAuthObject): void {
  (carrier as Record<symbol, Verification>)[AUTH_VERIFICATION] = verification;
  carrier.auth = auth;
}

const PROOF_CHECK = Symbol.for('nestjs-warden.proof-check');

/**
 * The proof check of one carrier, shared by the guard runs that overlap on it: GraphQL resolves the
 * fields of a query at once, each behind the guard, before any has stored its verification; the same
 * DPoP proof checked twice would count as its own replay. A check for the same `key` (token and proof)
 * on the same carrier is run once, its result shared. Kept on the carrier (not enumerable), like the
 * stored verification.
 */
export function sharedProofCheck<T>(carrier: object, key: string, check: () => T | Promise<T>): T | Promise<T> {
  const held = Object.hasOwn(carrier, PROOF_CHECK) ? (carrier as Record<symbol, { key: string; result: Promise<T> } | undefined>)[PROOF_CHECK] : undefined;
  if (held?.key === key) return held.result;
  const result = check();
  if (result instanceof Promise) {
    Object.defineProperty(carrier, PROOF_CHECK, {
      value: { key, result },
      // Stryker disable next-line BooleanLiteral: the property is only ever replaced by defineProperty, which a configurable property allows whatever `writable` says
      writable: true,
      // Stryker disable next-line BooleanLiteral: the property is never deleted, and defineProperty may change the value of a writable property whatever `configurable` says
      configurable: true,
      enumerable: false,
    });
  }
  return result;
}

/** Where an RPC message carries its token. */
export interface RpcTokenOptions {
  /** Top-level field of the message data. Default `'authorization'`. */
  rpcTokenField?: string;
}

/** The transport of an execution context, without importing @nestjs/graphql. */
export function contextTypeOf(context: ExecutionContext): AuthContextType {
  const type = context.getType<string>();
  return type === 'http' || type === 'graphql' || type === 'ws' || type === 'rpc' ? type : 'unknown';
}

// WebSocket carriers live as long as their socket; RPC carriers as long as their message.
const wsCarriers = new WeakMap<object, AuthCarrier>();
const rpcCarriers = new WeakMap<object, AuthCarrier>();

/**
 * The request behind an execution context:
 * - http: the Express or Fastify request;
 * - graphql: the request in the GraphQL context (`{ req }` for Apollo, `{ reply }` for Mercurius);
 * - ws: the connection's handshake (socket.io `handshake`, or a `ws` upgrade request recorded by
 *   `withWsHandshake`), with socket.io's `auth.token`;
 * - rpc: the message, with the token of its `rpcTokenField`.
 * Returns undefined when the transport carries nothing this guard can read.
 */
export function getAuthCarrier(context: ExecutionContext, options: RpcTokenOptions = {}): AuthCarrier | undefined {
  switch (contextTypeOf(context)) {
    case 'http':
      return asCarrier(context.switchToHttp().getRequest());
    case 'graphql': {
      const gqlContext = context.getArgByIndex<{ req?: unknown; request?: unknown; reply?: { request?: unknown } } | undefined>(2);
      return asCarrier(gqlContext?.req ?? gqlContext?.request ?? gqlContext?.reply?.request);
    }
    case 'ws':
      return wsCarrier(context.switchToWs().getClient());
    case 'rpc':
      return rpcCarrier(context, options.rpcTokenField ?? 'authorization');
    // Stryker disable next-line ConditionalExpression: without the default case the switch ends the function, which returns undefined too
    default:
      return undefined;
  }
}

/** The carrier the guard made for a WebSocket client or an RPC message context, if any. */
export function carrierOf(value: unknown): AuthCarrier | undefined {
  return isObject(value) ? (wsCarriers.get(value) ?? rpcCarriers.get(value)) : undefined;
}

function wsCarrier(client: unknown): AuthCarrier | undefined {
  if (!isObject(client)) return undefined;
  let carrier = wsCarriers.get(client);
  if (!carrier) {
    const handshake = wsHandshakeOf(client);
    carrier = {
      headers: handshake?.headers ?? {},
      token: stringField(handshake?.auth, 'token'),
      live: true,
      secure: handshake?.secure,
      method: 'GET',
      url: handshake?.url,
    };
    wsCarriers.set(client, carrier);
  }
  return carrier;
}

function rpcCarrier(context: ExecutionContext, field: string): AuthCarrier {
  const rpc = context.switchToRpc();
  const data: unknown = rpc.getData();
  // The transport's context object (TcpContext, NatsContext, ...) is made per message; the data is the fallback key.
  const ctx: unknown = rpc.getContext();
  const key = isObject(ctx) ? ctx : isObject(data) ? data : undefined;
  let carrier = key && rpcCarriers.get(key);
  if (!carrier) {
    carrier = { headers: {}, token: stringField(data, field) };
    if (key) rpcCarriers.set(key, carrier);
  }
  return carrier;
}

function stringField(value: unknown, field: string): string | undefined {
  if (!isObject(value) || !Object.prototype.hasOwnProperty.call(value, field)) return undefined;
  const token = (value as Record<string, unknown>)[field];
  return typeof token === 'string' ? token : undefined;
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

function asCarrier(value: unknown): AuthCarrier | undefined {
  return isObject(value) ? value : undefined;
}

/** What an HTTP request (Express, Fastify, Node) exposes for proofs of possession, read defensively. */
interface HttpRequestLike {
  method?: unknown;
  originalUrl?: unknown;
  url?: unknown;
  /** Express 5 and Fastify 5: the host (with port) as the framework trusts it (its proxy settings). */
  host?: unknown;
  protocol?: unknown;
  socket?: unknown;
  raw?: { socket?: unknown };
}

interface PeerSocket {
  remoteAddress?: unknown;
  encrypted?: unknown;
  getPeerCertificate?: () => { raw?: unknown } | null;
}

/**
 * How a carrier presented its token, for the proof-of-possession step: the scheme, the `DPoP`
 * header's values, the method and absolute URL a proof must name (the configured public origin, else
 * the scheme and host as the framework reports them, and the path without query), and the client
 * certificate (the TLS connection's, or a trusted proxy's header), read only when asked.
 */
export function presentedToken(
  carrier: AuthCarrier,
  scheme: TokenScheme | null,
  options: Pick<ResolvedAuthOptions, 'dpop' | 'mtls'>,
  token: string | null,
): PresentedToken {
  const request = carrier as AuthCarrier & HttpRequestLike;
  const raw = carrier.headers?.dpop;
  const proofs = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).flatMap((value) => String(value).split(',')).map((value) => value.trim());
  // Stryker disable next-line ConditionalExpression: (`token !== null`) with no token SenderConstraints never reads provenProof, and a stored verification without a token has no proof
  const stored = carrier.live && token !== null ? storedVerification(carrier) : undefined;
  return {
    scheme,
    dpopProofs: proofs,
    request: scheme === 'dpop' ? dpopRequest(request, options.dpop.publicOrigin) : undefined,
    certificateThumbprint: () => clientCertificateThumbprint(request, options.mtls),
    provenProof: stored?.token === token ? stored.proof : null,
  };
}

function dpopRequest(request: AuthCarrier & HttpRequestLike, publicOrigin: string | undefined): DpopRequest | undefined {
  const { method } = request;
  const target = typeof request.originalUrl === 'string' ? request.originalUrl : request.url;
  if (typeof method !== 'string' || typeof target !== 'string') return undefined;
  // An absolute-form target (a request through a forward proxy) names its own origin: only its path counts.
  // Stryker disable next-line Regex: (the two `^`) either regular expression alone anchors the cut: the test's decides whether to cut, the cut's match starts where the test's does
  const path = /^https?:\/\//i.test(target) ? target.replace(/^https?:\/\/[^/?#]*/i, '') : target;
  if (!path.startsWith('/')) return undefined;
  const origin = publicOrigin ?? ownOrigin(request);
  return origin === undefined ? undefined : { method, url: origin + path.split(/[?#]/)[0] };
}

/** The request's scheme and host as the framework reports them (`req.host` honours its trusted-proxy setting). */
function ownOrigin(request: AuthCarrier & HttpRequestLike): string | undefined {
  const scheme = requestScheme(request);
  const host = typeof request.host === 'string' && request.host !== '' ? request.host : request.headers?.host;
  if (scheme === undefined || typeof host !== 'string' || !/^[a-z0-9.\-_[\]:]+$/i.test(host)) return undefined;
  return `${scheme}://${host}`;
}

function clientCertificateThumbprint(request: HttpRequestLike & AuthCarrier, mtls: ResolvedAuthOptions['mtls']): string | undefined {
  const socket = (isObject(request.socket) ? request.socket : request.raw?.socket) as PeerSocket | undefined;
  if (mtls.header !== undefined && mtls.trustedProxies && socket && fromTrustedProxy(socket.remoteAddress, mtls.trustedProxies)) {
    const der = certificateFromHeader(request.headers?.[mtls.header]);
    return der && certificateThumbprint(der);
  }
  if (!socket || socket.encrypted !== true || typeof socket.getPeerCertificate !== 'function') return undefined;
  const raw = socket.getPeerCertificate()?.raw;
  return raw instanceof Uint8Array && raw.length > 0 ? certificateThumbprint(raw) : undefined;
}

function fromTrustedProxy(address: unknown, proxies: BlockList): boolean {
  if (typeof address !== 'string') return false;
  // An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d.
  // Stryker disable next-line MethodExpression: Node's BlockList matches an IPv4-mapped address against the IPv4 rules by itself; the conversion spares that, so missing it changes no answer
  const v4 = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : undefined;
  return v4 ? proxies.check(v4, 'ipv4') : proxies.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
}
