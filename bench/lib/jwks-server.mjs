// The local issuer's key endpoint on 127.0.0.1: the standard path and Clerk's Backend API path.
import { createServer } from 'node:http';

/** Serves `jwks` at /.well-known/jwks.json and /v1/jwks and counts the fetches. */
export async function serveJwks(jwks) {
  const body = JSON.stringify(jwks);
  const state = { fetches: 0 };
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
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
    get fetches() {
      return state.fetches;
    },
    reset() {
      state.fetches = 0;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}
