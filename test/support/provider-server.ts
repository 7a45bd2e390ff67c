import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fake provider on 127.0.0.1: fixed JSON documents at the paths the real provider uses. */
export interface ProviderServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Requests answered per path (for asserting which path was fetched). */
  readonly hits: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

/**
 * Serves `documents(origin)` (path -> JSON body) on 127.0.0.1, port 0; every other path is 404.
 * The documents are built once the origin is known, so they can contain absolute URLs.
 */
export async function serveProvider(documents: (origin: string) => Record<string, unknown>): Promise<ProviderServer> {
  const hits = new Map<string, number>();
  let routes: Record<string, unknown> = {};
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (req.method !== 'GET' || !Object.hasOwn(routes, path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(routes[path]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  routes = documents(origin);
  return {
    origin,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
