import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** What the server answers on the JWKS path, until told otherwise. */
export type JwksBehaviour =
  | { kind: 'ok' }
  | { kind: 'status'; status: number }
  | { kind: 'redirect'; location: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'body'; body: string; contentType?: string }
  | { kind: 'huge'; bytes: number }
  | { kind: 'refuse' };

/** A JWKS server on 127.0.0.1 that misbehaves on command and counts requests. */
export interface JwksServer {
  readonly origin: string;
  /** `<origin>/.well-known/jwks.json` */
  readonly jwksUrl: string;
  /** Requests to the JWKS path. */
  readonly requests: number;
  /** Requests to the discovery path. */
  readonly discoveryRequests: number;
  /** Requests to any other path. */
  readonly otherRequests: number;
  /** Bytes written by the `huge` behaviour before the client hung up. */
  readonly hugeBytesSent: number;
  setKeys(keys: unknown[]): void;
  behave(behaviour: JwksBehaviour): void;
  /** The discovery document (JSON-serialised as is), or null for 404. */
  setDiscovery(document: unknown): void;
  close(): Promise<void>;
}

/**
 * Starts a misbehaving JWKS server (port 0, 127.0.0.1). It serves `{ keys }` at
 * `/.well-known/jwks.json` and an optional discovery document at `/.well-known/openid-configuration`.
 */
export async function startJwksServer(keys: unknown[] = []): Promise<JwksServer> {
  let current: unknown[] = keys;
  let behaviour: JwksBehaviour = { kind: 'ok' };
  let discovery: unknown = null;
  let requests = 0;
  let discoveryRequests = 0;
  let otherRequests = 0;
  let hugeBytesSent = 0;
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const serveJwks = (req: IncomingMessage, res: ServerResponse): void => {
    const json = (): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: current }));
    switch (behaviour.kind) {
      case 'ok':
        return json();
      case 'status':
        return void res.writeHead(behaviour.status, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: current }));
      case 'redirect':
        return void res.writeHead(302, { location: behaviour.location }).end();
      case 'delay':
        return later(behaviour.ms, json);
      case 'hang':
        return;
      case 'body':
        return void res.writeHead(200, { 'content-type': behaviour.contentType ?? 'application/json' }).end(behaviour.body);
      case 'huge': {
        // Streams without content-length, so only a cap while reading can stop it.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const limit = behaviour.bytes;
        res.write('{"keys":[');
        const pump = (): void => {
          while (hugeBytesSent < limit && !res.destroyed) {
            hugeBytesSent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end(']}');
        };
        req.socket.on('close', () => res.destroy());
        return pump();
      }
      case 'refuse':
        return void req.socket.destroy();
    }
  };

  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      requests += 1;
      return serveJwks(req, res);
    }
    if (req.url === '/.well-known/openid-configuration') {
      discoveryRequests += 1;
      if (discovery === null) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(discovery));
    }
    otherRequests += 1;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    jwksUrl: `${origin}/.well-known/jwks.json`,
    get requests() {
      return requests;
    },
    get discoveryRequests() {
      return discoveryRequests;
    },
    get otherRequests() {
      return otherRequests;
    },
    get hugeBytesSent() {
      return hugeBytesSent;
    },
    setKeys(keys: unknown[] | JWK[]) {
      current = keys;
    },
    behave(next) {
      behaviour = next;
    },
    setDiscovery(document) {
      discovery = document;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
