// `npm run bench` (or `npm run bench -- --quick`): nestjs-warden side by side with its peers.
//
// 1. installs the peers (bench/package-lock.json, `npm ci`) and compiles the library into bench/.build;
// 2. makes one RS256 key and serves its JWKS on 127.0.0.1;
// 3. for each round, starts every server in turn (pinned to core 1), loads it with autocannon (pinned to
//    core 0), stops it; the server order rotates from round to round;
// 4. prints the table (medians over the rounds; the ratio is to the no-auth server of the same round),
//    the JWKS fetches for 1000 concurrent cold requests, and RSS before/after N distinct tokens.
// Results also go to bench/results/latest.{json,md}.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ACTIVE_OPAQUE_PREFIX, serveJwks } from './lib/jwks-server.mjs';
import { canPin, cpuSeconds, runLoad, runNodeJson, startServer } from './lib/processes.mjs';
import { pairRatio, summarize, table } from './lib/report.mjs';
import { startRedis } from './lib/redis.mjs';
import { createBenchIssuer } from './lib/tokens.mjs';
import { createDpopClient, DPOP_ORIGIN } from './lib/dpop.mjs';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
// `--only=dpop`: the rows whose label holds the text, beside the rows they are read against; no herd, no memory run.
const only = args.find((a) => a.startsWith('--only='))?.split('=')[1];
const flag = (name, fallback) => {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
};
const settings = {
  rounds: flag('rounds', quick ? 2 : 3),
  duration: flag('duration', quick ? 1 : 10),
  warmup: quick ? 0.3 : 2,
  connections: flag('connections', 10),
  coldPool: flag('cold-pool', quick ? 4_000 : 60_000),
  herd: 1000,
  memoryTokens: flag('memory-tokens', quick ? 5_000 : 1_000_000),
};
const SERVER_CPU = 1;
const LOAD_CPU = 0;
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

/** The rows an `--only` run is read against. */
const REFERENCE_ROWS = ['no auth', 'nestjs-warden (same token)', 'nestjs-warden (fresh token every request)'];

/** Label, server script, how it is loaded. */
const SERVERS = [
  { label: 'no auth', script: 'no-auth', tokens: 'same' },
  { label: 'a guard that only checks the header is there', script: 'header-guard', tokens: 'same', floor: true },
  { label: 'nestjs-warden (same token)', script: 'nestjs-warden', tokens: 'same' },
  { label: 'nestjs-warden (same token, metrics on)', script: 'nestjs-warden-metrics', tokens: 'same' },
  { label: 'nestjs-warden in a Nest 12 starter with the @nestjs/observe instrument (same token)', script: 'nestjs-warden-observe', tokens: 'same' },
  { label: 'nestjs-warden, three issuers configured (same token)', script: 'nestjs-warden-issuers', tokens: 'same' },
  { label: 'nestjs-warden + Redis revocation (same token)', script: 'nestjs-warden-redis', tokens: 'same', needsRedis: true },
  { label: 'nestjs-warden (fresh token every request)', script: 'nestjs-warden', tokens: 'fresh' },
  { label: 'nestjs-warden (opaque token, introspection cache)', script: 'nestjs-warden-opaque', tokens: 'opaque' },
  { label: 'nestjs-warden DPoP (fresh proof every request, memory replay store)', script: 'nestjs-warden-dpop', tokens: 'dpop' },
  { label: 'nestjs-warden DPoP (fresh proof every request, Redis replay store)', script: 'nestjs-warden-dpop-redis', tokens: 'dpop', needsRedis: true },
  { label: 'plain jose guard', script: 'jose-guard', tokens: 'same' },
  { label: '@nestjs/passport + passport-jwt + jwks-rsa', script: 'passport', tokens: 'same' },
  { label: 'express-oauth2-jwt-bearer', script: 'oauth2-bearer', tokens: 'same' },
  { label: '@clerk/backend verifyToken', script: 'clerk', tokens: 'same' },
];

function sh(command, commandArgs, cwd) {
  const result = spawnSync(command, commandArgs, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed (${result.status})`);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function prepare() {
  const installed = `${BENCH}node_modules/.package-lock.json`;
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(`${BENCH}package-lock.json`).mtimeMs) {
    log('installing the peers (npm ci in bench/)');
    sh('npm', ['ci', '--no-fund', '--no-audit'], BENCH);
  }
  const built = `${BENCH}.build/nestjs-warden/index.js`;
  if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(`${ROOT}libs/auth/src`)) {
    log('compiling the library into bench/.build');
    sh(
      process.execPath,
      [
        `${ROOT}node_modules/typescript/bin/tsc`,
        '-p',
        `${ROOT}libs/auth/tsconfig.lib.json`,
        '--outDir',
        `${BENCH}.build/nestjs-warden`,
        '--declaration',
        'false',
        '--sourceMap',
        'false',
      ],
      ROOT,
    );
  }
}

function versions() {
  const version = (dir, name) => {
    try {
      return JSON.parse(readFileSync(`${dir}node_modules/${name}/package.json`, 'utf8')).version;
    } catch {
      return '?';
    }
  };
  const root = ['@nestjs/core', '@nestjs/platform-express', 'express', 'jose', 'lru-cache'].map((n) => `${n} ${version(ROOT, n)}`);
  const peers = ['@nestjs/passport', 'passport-jwt', 'jwks-rsa', 'express-oauth2-jwt-bearer', '@clerk/backend', 'autocannon'].map(
    (n) => `${n} ${version(BENCH, n)}`,
  );
  return { node: process.version, nestWarden: JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).version, packages: [...root, ...peers] };
}

async function measureRound(round, order, config, jwtToken, poolFile) {
  for (const server of order) {
    const running = await startServer(server.script, config, SERVER_CPU);
    const token = server.tokens === 'opaque' ? config.opaqueToken : jwtToken;
    try {
      // Warm-up: JIT, keys fetched; the fresh-token run warms with the repeated token, which it never sends again.
      const warm = server.tokens === 'dpop' ? { dpop: config.dpop } : { token };
      await runLoad({ url: running.url, connections: settings.connections, duration: settings.warmup, ...warm }, LOAD_CPU);
      const job = { url: running.url, connections: settings.connections, duration: settings.duration };
      const cpuBefore = cpuSeconds(running.pid);
      const load = server.tokens === 'fresh' ? { ...job, tokensFile: poolFile } : server.tokens === 'dpop' ? { ...job, dpop: config.dpop } : { ...job, token };
      const result = await runLoad(load, LOAD_CPU);
      const cpuUs = ((cpuSeconds(running.pid) - cpuBefore) * 1e6) / result.requests;
      server.runs.push({ round, ...result, cpuUs });
      if (result.poolExhausted) server.note = 'token pool ran out: shorter run';
      log(`round ${round} ${server.label}: ${Math.round(result.rps)} req/s, p99 ${result.p99} ms`);
    } finally {
      await running.stop();
    }
  }
}

/** Fresh server, 1000 distinct tokens at once: how many times did it fetch the JWKS, boot included? */
async function measureHerd(server, jwks, config, poolFile) {
  // Counted from before the start: a library may fetch at boot (nestjs-warden warms its keys up).
  const before = jwks.fetches;
  const running = await startServer(server.script, config, SERVER_CPU);
  try {
    const result = await runLoad({ url: running.url, connections: settings.herd, amount: settings.herd, tokensFile: poolFile }, LOAD_CPU);
    return { label: server.label, fetches: jwks.fetches - before, ok: result.requests - result.non2xx, requests: result.requests };
  } finally {
    await running.stop();
  }
}

async function main() {
  const started = Date.now();
  if (!canPin) log('taskset not found: server and load are NOT pinned to separate cores');
  prepare();
  const issuerName = 'https://bench.issuer.test';
  const audience = 'bench-api';
  const issuer = createBenchIssuer({ issuer: issuerName, audience });
  const jwks = await serveJwks(issuer.jwks, { introspection: { issuer: issuerName, audience } });
  const opaqueToken = `${ACTIVE_OPAQUE_PREFIX}${'x'.repeat(32)}`;
  const redis = await startRedis();
  if (!redis) log('redis-server not installed: the Redis revocation row is left out');
  const dpopClient = createDpopClient();
  const dpop = { token: issuer.token(0, { cnf: { jkt: dpopClient.jkt } }), privateJwk: dpopClient.privateJwk };
  const config = {
    jwksUrl: jwks.jwksUrl,
    origin: jwks.origin,
    issuer: issuerName,
    audience,
    introspectionUrl: jwks.introspectionUrl,
    opaqueToken,
    redisUrl: redis?.url,
    dpopOrigin: DPOP_ORIGIN,
    dpop,
  };
  const token = issuer.token(0);

  log(`signing ${settings.coldPool} distinct tokens for the cold path`);
  mkdirSync(`${BENCH}results`, { recursive: true });
  const poolFile = `${BENCH}results/tokens.txt`;
  writeFileSync(poolFile, Array.from({ length: settings.coldPool }, (_, i) => issuer.token(i + 1)).join('\n'));

  const chosen = only === undefined ? SERVERS : SERVERS.filter((s) => s.label.toLowerCase().includes(only.toLowerCase()) || REFERENCE_ROWS.includes(s.label));
  const servers = chosen.filter((s) => !s.needsRedis || redis).map((s) => ({ ...s, runs: [] }));
  for (let round = 1; round <= settings.rounds; round += 1) {
    const shift = (round - 1) % servers.length;
    await measureRound(round, [...servers.slice(shift), ...servers.slice(0, shift)], config, token, poolFile);
  }

  const herdServers =
    only !== undefined
      ? []
      : quick
        ? servers.filter((s) => s.label === 'nestjs-warden (same token)')
        : servers.filter((s) => s.script !== 'no-auth' && !s.floor && s.tokens === 'same');
  const herd = [];
  for (const server of herdServers) herd.push(await measureHerd(server, jwks, config, poolFile));
  await jwks.close();
  await redis?.stop();

  const memory =
    only === undefined
      ? (log(`memory: ${settings.memoryTokens} distinct tokens through one verifier`),
        runNodeJson(['--expose-gc', 'memory.mjs', String(settings.memoryTokens)]))
      : null;

  const summary = summarize(servers, 'no auth');
  const fresh = 'nestjs-warden (fresh token every request)';
  const versus = ['plain jose guard', 'express-oauth2-jwt-bearer'].map((peer) => `${peer} ${pairRatio(servers, fresh, peer).toFixed(2)}x`);
  const metricsRatio = pairRatio(servers, 'nestjs-warden (same token, metrics on)', 'nestjs-warden (same token)');
  const revocationRatio = pairRatio(servers, 'nestjs-warden + Redis revocation (same token)', 'nestjs-warden (same token)');
  const issuersRatio = pairRatio(servers, 'nestjs-warden, three issuers configured (same token)', 'nestjs-warden (same token)');
  const floorRatio = pairRatio(servers, 'nestjs-warden (same token)', 'a guard that only checks the header is there');
  const observeRatio = pairRatio(servers, 'nestjs-warden in a Nest 12 starter with the @nestjs/observe instrument (same token)', 'nestjs-warden (same token)');
  const dpopRows = servers.filter((s) => s.tokens === 'dpop');
  const dpopLines = dpopRows.map((row) => {
    const cpu = (label) => summary.find((r) => r.label === label)?.cpuUs ?? NaN;
    const extra = cpu(row.label) - cpu('nestjs-warden (same token)');
    return `${row.label}: ${pairRatio(servers, row.label, fresh).toFixed(2)}x the req/s of a fresh token every request, ${pairRatio(servers, row.label, 'nestjs-warden (same token)').toFixed(2)}x the same token's; ${Math.round(extra)} µs more server CPU a request than the cached token alone.`;
  });
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform}`;
  const info = versions();
  const report = [
    `Machine: ${machine}; server pinned to core ${SERVER_CPU}, autocannon on core ${LOAD_CPU}${canPin ? '' : ' (NOT pinned: no taskset)'}.`,
    `Node ${info.node}; ${info.packages.join(', ')}.`,
    `${settings.rounds} interleaved rounds of ${settings.duration} s, ${settings.connections} connections, GET /me with one RS256 token from a local JWKS; medians.`,
    ...(only === undefined
      ? [
          `The opaque-token row sends one opaque token, introspected at a local RFC 7662 endpoint (${jwks.introspections} introspection calls in ${settings.rounds} server starts).`,
        ]
      : []),
    '',
    table(summary),
    '',
    ...(only === undefined
      ? [
          `Fresh token every request, nestjs-warden's req/s over the peer's of the same round (median): ${versus.join(', ')}.`,
          `Metrics on (OpenTelemetry SDK), same token: ${metricsRatio.toFixed(2)} of the req/s with metrics off in the same round (median; target >= 0.95).`,
          `Three issuers configured, same token: ${issuersRatio.toFixed(2)} of the req/s with one issuer in the same round (median; target: within noise of 1).`,
          `Same token, nestjs-warden's req/s over the header-only guard's of the same round (median): ${floorRatio.toFixed(2)} (target >= 0.95).`,
          `Nest 12 starter with the @nestjs/observe instrument, same token: ${observeRatio.toFixed(2)} of plain nestjs-warden's req/s in the same round (median); the instrument's own cost included.`,
        ]
      : []),
    ...(dpopLines.length
      ? ['', 'DPoP (one bound token, cached; a fresh ES256 proof every request, checked and recorded in the replay store), medians:', ...dpopLines]
      : []),
    '',
    ...(only === undefined
      ? [
          Number.isFinite(revocationRatio)
            ? `Redis revocation store (1000 revoked sessions, answered from the local mirror), req/s over plain nestjs-warden's, same token, same round (median): ${revocationRatio.toFixed(2)}x (target >= 0.95).`
            : 'Redis revocation row: not run (no redis-server).',
          '',
          '| 1000 concurrent first requests | JWKS fetches (boot included) | 2xx |',
          '| --- | ---: | ---: |',
          ...herd.map((h) => `| ${h.label.replace(' (same token)', '')} | ${h.fetches} | ${h.ok}/${h.requests} |`),
          '',
        ]
      : []),
    memory
      ? `Memory: ${memory.tokens.toLocaleString('en-US')} distinct HS256 tokens (${memory.tokenChars} chars), each verified twice so that all ` +
        `are admitted, through one verifier with the default cache ` +
        `(maxEntries ${memory.cache.maxEntries}, maxBytes ${memory.cache.maxBytes / 2 ** 20} MiB): RSS ${memory.rssBeforeMiB.toFixed(0)} MiB before, ` +
        `${memory.rssAfterMiB.toFixed(0)} MiB after (heap ${memory.heapBeforeMiB.toFixed(0)} -> ${memory.heapAfterMiB.toFixed(0)} MiB); ` +
        `${memory.entries} entries held, ${(memory.estimatedBytes / 2 ** 20).toFixed(1)} MiB estimated.`
      : `Memory: not run (--only=${only}).`,
    '',
    `(${quick ? 'quick mode' : 'full run'}${only ? `, only ${only}` : ''}, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  ].join('\n');
  const name = only ? `latest-${only.replace(/[^a-z0-9-]/gi, '_')}` : 'latest';
  writeFileSync(`${BENCH}results/${name}.json`, JSON.stringify({ settings, machine, info, summary, herd, memory }, null, 2));
  writeFileSync(`${BENCH}results/${name}.md`, `${report}\n`);
  process.stdout.write(`${report}\n`);
}

main().catch((error) => {
  process.stderr.write(`[bench] failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
