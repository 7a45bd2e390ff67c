// The local issuer's key endpoint on 127.0.0.1: the standard path and Clerk's Backend API path; and,
// with `introspection`, an RFC 7662 introspection endpoint at /introspect for opaque tokens.
import { createServer } from 'node:http';

/** Opaque tokens the introspection endpoint calls active: this prefix, then anything. */
export const ACTIVE_OPAQUE_PREFIX = 'oat_bench_';

/**
 * Serves `jwks` at /.well-known/jwks.json and /v1/jwks and counts the fetches. With
 * `introspection: { issuer, audience }`, POST /introspect answers `active: true` (an hour left) for
 * tokens starting with {@link ACTIVE_OPAQUE_PREFIX}, `active: false` otherwise, and counts the calls.
 */
export async function serveJwks(jwks, { introspection } = {}) {
  const body = JSON.stringify(jwks);
  const state = { fetches: 0, introspections: 0 };
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (introspection && path === '/introspect' && req.method === 'POST') {
      state.introspections += 1;
      let form = '';
      req.on('data', (chunk) => (form = (form + chunk).slice(0, 4096)));
      req.on('end', () => {
        const token = new URLSearchParams(form).get('token') ?? '';
        const claims = { iss: introspection.issuer, aud: introspection.audience, sub: 'bench-service', client_id: 'bench-service', scope: 'bench:read' };
        const answer = token.startsWith(ACTIVE_OPAQUE_PREFIX) ? { active: true, ...claims, exp: Math.floor(Date.now() / 1000) + 3600 } : { active: false };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
      return;
    }
    if (path !== '/.well-known/jwks.json' && path !== '/v1/jwks') {
      res.writeHead(404).end();
      return;
    }
    state.fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    jwksUrl: `${origin}/.well-known/jwks.json`,
    introspectionUrl: `${origin}/introspect`,
    get fetches() {
      return state.fetches;
    },
    get introspections() {
      return state.introspections;
    },
    reset() {
      state.fetches = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
