import { Logger, type INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { demoHost, demoPort } from './dev-issuer/dev-issuer.mode.js';

/**
 * Starts the demo's HTTP server on PORT (and HOST; in dev-issuer mode loopback by default, see
 * demoHost) and logs the address it really listens on. Returns that URL.
 */
export async function listenDemo(
  app: INestApplication,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => new Logger('Demo').log(line),
): Promise<string> {
  const host = demoHost(env);
  await (host === undefined ? app.listen(demoPort(env)) : app.listen(demoPort(env), host));
  const server = app.getHttpServer() as { address(): AddressInfo | string | null };
  const url = listeningUrl(server.address());
  log(`Listening on ${url}`);
  return url;
}

/** `http://<address>:<port>` of a listening server; a wildcard address says it is every interface. */
export function listeningUrl(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  const everywhere = address.address === '0.0.0.0' || address.address === '::';
  return `http://${host}:${address.port}${everywhere ? ' (every interface)' : ''}`;
}
