import type { ExecutionContext } from '@nestjs/common';
import type { AnyAuthObject } from './auth-object/auth-result.js';
import { AUTH_VERIFICATION } from './auth.constants.js';
import type { AuthContextType } from './config/event-options.js';
import type { RequestHeaders } from './token/extract-token.js';
import type { Verification } from './verification/verification.js';
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
    carrier = { headers: handshake?.headers ?? {}, token: stringField(handshake?.auth, 'token'), live: true, secure: handshake?.secure };
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
  return isObject(value) ? (value) : undefined;
}
