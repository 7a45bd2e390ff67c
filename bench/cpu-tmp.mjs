import { readFileSync, writeFileSync } from 'node:fs';
import { serveJwks } from './lib/jwks-server.mjs';
import { runLoad, startServer } from './lib/processes.mjs';
import { createBenchIssuer } from './lib/tokens.mjs';
const ticks = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); };
const issuer = createBenchIssuer({ issuer: 'https://bench.issuer.test', audience: 'bench-api' });
const jwks = await serveJwks(issuer.jwks);
const config = { jwksUrl: jwks.jwksUrl, origin: jwks.origin, issuer: 'https://bench.issuer.test', audience: 'bench-api' };
const token = issuer.token(0);
const N = Number(process.argv[2] ?? 20000);
const which = (process.argv[3] ?? 'no-auth,nest-warden,nest-warden-fresh,jose-guard').split(',');
let pool;
if (which.includes('nest-warden-fresh')) { writeFileSync('/tmp/pool.txt', Array.from({ length: N }, (_, i) => issuer.token(i + 1)).join('\n')); }
for (const name of which) {
  const s = await startServer(name.replace('-fresh', ''), config, 1);
  await runLoad({ url: s.url, connections: 10, amount: 3000, token }, 0);
  const t0 = ticks(s.pid);
  const r = await runLoad({ url: s.url, connections: 10, amount: N, ...(name.endsWith('fresh') ? { tokensFile: '/tmp/pool.txt' } : { token }) }, 0);
  const t1 = ticks(s.pid);
  console.log(name.padEnd(20), 'cpu us/req', ((t1 - t0) * 10000 / r.requests).toFixed(1), 'rps', Math.round(r.rps), 'non2xx', r.non2xx);
  await s.stop();
}
await jwks.close();
