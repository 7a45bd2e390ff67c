import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';

/** One request the server received, body read whole. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client's port: two requests on one connection share it. */
  remotePort: number | undefined;
}

/** How the server answers one path; the request is passed with its body read. */
export type Answer = (res: ServerResponse, req: ReceivedRequest) => void;

/**
 * For unit specs of the fetching code (fetch-json, remote-jwks, discovery, introspection): an HTTP
 * server on 127.0.0.1, port 0, that answers each path as told (404 otherwise) and records every
 * request. Start it in a hook, close it in afterAll; nothing is left open (hanging answers included).
 */
export interface LoopbackServer {
  readonly origin: string;
  readonly requests: ReceivedRequest[];
  url(path: string): URL;
  /** Answer `path` with `answer` from now on. */
  on(path: string, answer: Answer): void;
  /** Forget every answer and recorded request. */
  reset(): void;
  close(): Promise<void>;
}

/** Answers 200 with `body` as JSON (or as given when a string), under `contentType`. */
export const json =
  (body: unknown, contentType = 'application/json', status = 200): Answer =>
  (res) =>
    void res.writeHead(status, { 'content-type': contentType }).end(typeof body === 'string' ? body : JSON.stringify(body));

/** Never answers (until the client gives up or the server closes). */
export const hang: Answer = () => undefined;

export async function startLoopbackServer(): Promise<LoopbackServer> {
  const answers = new Map<string, Answer>();
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        remotePort: req.socket.remotePort,
      };
      requests.push(received);
      const answer = answers.get(received.path.split('?')[0]);
      if (answer) answer(res, received);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    url: (path) => new URL(path, origin),
    on: (path, answer) => void answers.set(path, answer),
    reset: () => {
      answers.clear();
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A free loopback port (bound, then released): nothing listens on it, so a connection to it is
 * refused until a test starts a server there. The one such helper of the unit specs and, through
 * test/support/redis-server.ts, of the e2e suites.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
