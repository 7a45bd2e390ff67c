import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DevIssuer, DevTokenRequestError, type DevIssuerOptions } from './dev-issuer.js';
import { devRequestRefusal } from './dev-request-check.js';

const MAX_BODY_BYTES = 64 * 1024;

/** Options of {@link startDevIssuerServer}. */
export interface DevIssuerServerOptions extends Omit<DevIssuerOptions, 'issuer'> {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
}

/** A running dev issuer. */
export interface RunningDevIssuer {
  readonly issuer: DevIssuer;
  /** `http://127.0.0.1:<port>`: the `iss` of its tokens. */
  readonly url: string;
  /** `<url>/.well-known/jwks.json` */
  readonly jwksUrl: string;
  /** `<url>/tokens`: POST a JSON object of claims, get `{ token }`. */
  readonly tokenUrl: string;
  close(): Promise<void>;
}

/**
 * Serves a {@link DevIssuer} on 127.0.0.1 only: its JWKS, an OpenID discovery document (so `issuer`
 * alone configures an app), and `POST /tokens` (a JSON body). It answers only requests to a loopback
 * `Host` from no page or a loopback one (see {@link devRequestRefusal}): a web page that rebinds its
 * DNS name to 127.0.0.1 cannot mint tokens. Development only.
 *
 * @example
 * const running = await startDevIssuerServer({ port: 4000, keyFile: '.nestjs-warden/dev-issuer-key.json' });
 * console.log(`AUTH_JWKS_URL=${running.jwksUrl}`);
 */
export async function startDevIssuerServer(options: DevIssuerServerOptions): Promise<RunningDevIssuer> {
  let issuer: DevIssuer | undefined;
  const server = createServer((req, res) => {
    handle(req, res, issuer, options.keyFile).catch(() => send(res, 500, { error: 'internal error' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    issuer = await DevIssuer.open({ ...options, issuer: url });
  } catch (error) {
    await close();
    throw error;
  }
  return { issuer, url, jwksUrl: `${url}/.well-known/jwks.json`, tokenUrl: `${url}/tokens`, close };
}

/**
 * The member of the discovery document that names the key file the server signs with (absent for a key
 * in memory): `nestjs-warden token` compares it with its own, to say which file to pass with
 * `--key-file` when they differ. A local path, served on loopback to the developer's own tools only.
 */
export const KEY_FILE_MEMBER = 'nestjs_warden_key_file';

async function handle(req: IncomingMessage, res: ServerResponse, issuer: DevIssuer | undefined, keyFile: string | false): Promise<void> {
  if (!issuer) return send(res, 503, { error: 'starting' });
  const refusal = devRequestRefusal(req.headers, { body: false });
  if (refusal) return send(res, refusal.status, { error: refusal.error });
  const routes: Record<string, [string, () => Promise<void>]> = {
    '/.well-known/jwks.json': ['GET', () => Promise.resolve(send(res, 200, issuer.jwks))],
    '/.well-known/openid-configuration': [
      'GET',
      () =>
        Promise.resolve(
          send(res, 200, {
            issuer: issuer.issuer,
            jwks_uri: `${issuer.issuer}/.well-known/jwks.json`,
            token_endpoint: `${issuer.issuer}/tokens`,
            id_token_signing_alg_values_supported: ['RS256'],
            ...(keyFile ? { [KEY_FILE_MEMBER]: path.resolve(keyFile) } : {}),
          }),
        ),
    ],
    '/tokens': ['POST', () => mintFromBody(req, res, issuer)],
  };
  const route = routes[(req.url ?? '/').split('?')[0]];
  if (!route) return send(res, 404, { error: 'not found' });
  if (req.method !== route[0]) return send(res, 405, { error: `use ${route[0]}` }, { allow: route[0] });
  return route[1]();
}

async function mintFromBody(req: IncomingMessage, res: ServerResponse, issuer: DevIssuer): Promise<void> {
  const refusal = devRequestRefusal(req.headers, { body: true });
  if (refusal) return send(res, refusal.status, { error: refusal.error });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return send(res, 413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  let body: unknown = {};
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      return send(res, 400, { error: 'the body must be JSON' });
    }
  }
  try {
    return send(res, 201, { token: await issuer.mint(body) });
  } catch (error) {
    if (error instanceof DevTokenRequestError) return send(res, 400, { error: error.message });
    throw error;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}
