import { resolveAuthOptions, TokenVerifier, AuthService } from './.build/nest-warden/index.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { serveJwks } from './lib/jwks-server.mjs';
import { createBenchIssuer } from './lib/tokens.mjs';
const iss = 'https://bench.issuer.test', audience = 'bench-api';
const issuer = createBenchIssuer({ issuer: iss, audience });
const jwks = await serveJwks(issuer.jwks);
const N = 4000;
const toks = Array.from({ length: N * 2 }, (_, i) => issuer.token(i + 1));
const set = createRemoteJWKSet(new URL(jwks.jwksUrl));
const vOn = new TokenVerifier(resolveAuthOptions({ jwksUrl: jwks.jwksUrl, issuer: iss, audience }));
const vOff = new TokenVerifier(resolveAuthOptions({ jwksUrl: jwks.jwksUrl, issuer: iss, audience, cache: false }));
const svc = new AuthService(resolveAuthOptions({ jwksUrl: jwks.jwksUrl, issuer: iss, audience }));
const cases = {
  jose: (t) => jwtVerify(t, set, { issuer: iss, audience, algorithms: ['RS256'] }),
  verifierCacheOn: (t) => vOn.verify(t),
  verifierCacheOff: (t) => vOff.verify(t),
  authService: (t) => svc.authenticate(t),
};
for (const f of Object.values(cases)) for (let i = 0; i < 300; i++) await f(toks[i]);
for (let rep = 0; rep < 2; rep++) for (const [name, f] of Object.entries(cases)) {
  const cpu0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < N; i++) await f(toks[rep * N + i]);
  const cpu = process.cpuUsage(cpu0);
  console.log(name.padEnd(18), 'wall', ((performance.now() - t0) / N * 1000).toFixed(1), 'us  cpu', ((cpu.user + cpu.system) / N).toFixed(1), 'us');
}
const same = toks[0]; await vOn.verify(same); await svc.authenticate(same);
for (const [name, f] of [['hit verifier', () => vOn.verify(same)], ['hit authService', () => svc.authenticate(same)]]) {
  const t0 = performance.now(); for (let i = 0; i < 200000; i++) await f(); console.log(name, ((performance.now() - t0) / 200000 * 1000).toFixed(2), 'us');
}
await jwks.close();
