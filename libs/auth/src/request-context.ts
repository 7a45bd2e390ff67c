import type { ExecutionContext } from '@nestjs/common';
import type { AuthContextType } from './config/event-options.js';

export type { AuthContextType } from './config/event-options.js';
import { authResultOf, type AuthResult } from './auth-object/auth-object.js';
import type { AnyAuthObject } from './auth-object/auth-object-for.js';
import { AUTH_STATE } from './auth.constants.js';
import type { RequestHeaders } from './token/extract-token.js';
import { wsHandshakeOf } from './ws-handshake.js';

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
 * Results whose auth object is not one of this library's (a guard subclass built it), which
 * {@link authResultOf} cannot read back: kept beside the carrier. One map per process, on
 * `globalThis` under {@link AUTH_STATE}, so two copies of the library still agree.
 */
const foreignStates: WeakMap<object, AuthResult> = ((globalThis as unknown as Record<symbol, WeakMap<object, AuthResult> | undefined>)[
  AUTH_STATE
] ??= new WeakMap());

/**
 * The result the guard attached to this carrier (request, handshake, message), if any. Read from the
 * carrier's `auth` itself, so the guard leaves one property on a request (`req.auth`), not two, and
 * no weak-map entry for the garbage collector to clear.
 */
export function authStateOf(carrier: object): AuthResult | undefined {
  // An own-property check: looking up a missing `auth` walks an Express request's whole prototype chain.
  const own = Object.hasOwn(carrier, 'auth') ? authResultOf((carrier as AuthCarrier).auth) : undefined;
  return own ?? foreignStates.get(carrier);
}

/** Attaches the guard's result to a carrier as `auth` (see {@link authStateOf}). */
export function setAuthState(carrier: AuthCarrier, result: AuthResult): void {
  carrier.auth = result.auth;
  const own = authResultOf(result.auth);
  if (own?.error !== result.error || own.tokenPresent !== result.tokenPresent) foreignStates.set(carrier, result);
  else foreignStates.delete(carrier);
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
      const gqlContext = context.getArgByIndex(2) as { req?: unknown; request?: unknown; reply?: { request?: unknown } } | undefined;
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
  return isObject(value) ? (value as AuthCarrier) : undefined;
}
