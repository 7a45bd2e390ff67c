// RSS before and after N distinct valid tokens through one nestjs-warden verifier (run with --expose-gc).
// Each token is verified twice, so every one is admitted to the cache (a token used once never is):
// the worst case for memory. Usage: node --expose-gc memory.mjs <tokens> [cache|nocache]. Prints one JSON line.
import { resolveAuthOptions, TokenVerifier } from './.build/nestjs-warden/core/index.js';
import { createHmacIssuer } from './lib/tokens.mjs';

const count = Number(process.argv[2] ?? 1_000_000);
const cacheOn = process.argv[3] !== 'nocache';
const issuer = 'https://bench.issuer.test';
const secret = 'bench-secret-that-is-long-enough-for-hs256';
const sign = createHmacIssuer({ issuer, secret });
const options = resolveAuthOptions({ secret, issuer, cache: cacheOn ? undefined : false });

const settle = () => {
  for (let i = 0; i < 3; i += 1) globalThis.gc();
  return process.memoryUsage();
};

// Warm the JIT on a throw-away verifier, so "before" already holds the code and jose's state.
const warm = new TokenVerifier(options);
for (let i = 0; i < Math.min(20_000, count); i += 1) {
  const token = sign(-i - 1);
  await warm.verify(token);
  await warm.verify(token);
}
warm.cache?.clear();

const verifier = new TokenVerifier(options);
const before = settle();
let tokenChars = 0;
for (let i = 0; i < count; i += 1) {
  const token = sign(i);
  tokenChars = token.length;
  await verifier.verify(token);
  await verifier.verify(token);
}
const after = settle();
const MiB = 1024 * 1024;
process.stdout.write(
  `${JSON.stringify({
    tokens: count,
    cache: cacheOn ? options.cache : false,
    tokenChars,
    entries: verifier.cache?.size ?? 0,
    estimatedBytes: verifier.cache?.bytes ?? 0,
    rssBeforeMiB: before.rss / MiB,
    rssAfterMiB: after.rss / MiB,
    heapBeforeMiB: before.heapUsed / MiB,
    heapAfterMiB: after.heapUsed / MiB,
  })}\n`,
);
