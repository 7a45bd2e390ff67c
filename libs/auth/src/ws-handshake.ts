import type { RequestHeaders } from './token/extract-token.js';

/** What a WebSocket connection was opened with: the upgrade request's headers, and socket.io's `auth`. */
export interface WsHandshake {
  headers?: RequestHeaders;
  /** socket.io: the `auth` object the client passed to `io(url, { auth })`. */
  auth?: Record<string, unknown>;
  /** Whether the connection is TLS (wss:), when known: the scheme of the connection's own origin. */
  secure?: boolean;
  /** The upgrade request's target (path and query), when known: what a DPoP proof's `htu` names. */
  url?: string;
}

/** The shape of a socket.io server-side socket that matters here (no import of socket.io). */
interface SocketIoClient {
  handshake: { headers?: RequestHeaders; auth?: Record<string, unknown>; secure?: unknown; url?: unknown };
}

/** The shape of a WebSocket adapter: Nest calls `bindClientConnect(server, callback)` for each gateway. */
export interface ConnectableWsAdapter {
  bindClientConnect(server: unknown, callback: (...args: never[]) => unknown): unknown;
}

// A plain `ws` socket forgets its upgrade request; remember it per socket, without touching the socket.
const wsUpgradeRequests = new WeakMap<object, WsHandshake>();

/**
 * Makes the handshake of plain `ws` connections visible to the guard (socket.io keeps it by itself:
 * `socket.handshake`). Wrap the adapter once, where you create it; it returns the same adapter.
 *
 * @example
 * import { WsAdapter } from '@nestjs/platform-ws';
 * app.useWebSocketAdapter(withWsHandshake(new WsAdapter(app)));
 */
export function withWsHandshake<T extends ConnectableWsAdapter>(adapter: T): T {
  const bind = adapter.bindClientConnect.bind(adapter) as (server: unknown, callback: (...args: unknown[]) => unknown) => unknown;
  adapter.bindClientConnect = ((server: unknown, callback: (...args: unknown[]) => unknown) =>
    bind(server, (...args: unknown[]) => {
      rememberWsHandshake(args[0], args[1]);
      return callback(...args);
    })) as T['bindClientConnect'];
  return adapter;
}

/**
 * Records the upgrade request of a plain `ws` connection, for gateways that cannot wrap their adapter:
 * call it first thing in `handleConnection(client, request)`.
 */
export function rememberWsHandshake(client: unknown, request: unknown): void {
  if (!isObject(client) || !isObject(request) || wsUpgradeRequests.has(client)) return;
  const { headers, socket, url } = request as { headers?: unknown; socket?: unknown; url?: unknown };
  wsUpgradeRequests.set(client, {
    headers: isObject(headers) ? (headers as RequestHeaders) : undefined,
    secure: isObject(socket) ? (socket as { encrypted?: unknown }).encrypted === true : undefined,
    url: typeof url === 'string' ? url : undefined,
  });
}

/** The handshake of a socket.io or `ws` client, or undefined when none is known. */
export function wsHandshakeOf(client: unknown): WsHandshake | undefined {
  if (!isObject(client)) return undefined;
  const handshake = (client as Partial<SocketIoClient>).handshake;
  if (isObject(handshake)) {
    return {
      headers: isObject(handshake.headers) ? handshake.headers : undefined,
      auth: isObject(handshake.auth) ? handshake.auth : undefined,
      secure: typeof handshake.secure === 'boolean' ? handshake.secure : undefined,
      url: typeof handshake.url === 'string' ? handshake.url : undefined,
    };
  }
  return wsUpgradeRequests.get(client);
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}
