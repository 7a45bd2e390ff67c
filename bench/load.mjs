// One autocannon run, in its own process so the runner can pin it to the load core.
// Input: BENCH_LOAD (JSON): { url, connections, duration, token?, tokensFile?, amount?, dpop? }; with
// `dpop: { token, privateJwk }` every request sends `Authorization: DPoP <token>` and a fresh proof.
// Output: one JSON line on stdout: { rps, p50, p99, requests, non2xx, errors, tokensUsed, poolExhausted }.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { proofMaker } from './lib/dpop.mjs';

const job = JSON.parse(process.env.BENCH_LOAD);
const pool = job.tokensFile ? readFileSync(job.tokensFile, 'utf8').split('\n').filter(Boolean) : null;
let next = 0;
let poolExhausted = false;

const options = {
  url: job.url,
  connections: job.connections,
  ...(job.amount ? { amount: job.amount } : { duration: job.duration }),
  headers: job.token ? { authorization: `Bearer ${job.token}` } : {},
};
if (job.dpop) {
  const nextProof = proofMaker({ privateJwk: job.dpop.privateJwk, token: job.dpop.token, path: new URL(job.url).pathname });
  options.headers = { authorization: `DPoP ${job.dpop.token}` };
  options.requests = [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, dpop: nextProof() } }) }];
} else if (pool) {
  // A fresh token for every request: when the pool runs dry the run stops, so no token is ever repeated.
  options.requests = [
    {
      setupRequest: (req) => {
        if (next >= pool.length) {
          // The few requests still in flight reuse the last token; the run ends here.
          poolExhausted = true;
          instance.stop();
          return { ...req, headers: { ...req.headers, authorization: `Bearer ${pool[pool.length - 1]}` } };
        }
        return { ...req, headers: { ...req.headers, authorization: `Bearer ${pool[next++]}` } };
      },
    },
  ];
}

const instance = autocannon(options, (error, result) => {
  if (error) {
    process.stderr.write(`autocannon failed: ${error.message}\n`);
    process.exit(1);
  }
  const seconds = Math.max(result.duration, 0.001);
  process.stdout.write(
    `${JSON.stringify({
      rps: result.requests.total / seconds,
      p50: result.latency.p50,
      p99: result.latency.p99,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      tokensUsed: next,
      poolExhausted,
    })}\n`,
  );
});
