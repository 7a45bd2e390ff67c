import { describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Issue 12, defect 7: `cache.maxBytes` bounds the real heap, measured with `heapUsed` after `gc()`,
 * for claims made of many small objects (user-editable metadata in a token template), not an
 * estimate from the token's length. `--expose-gc` is switched on here; a new context picks it up.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const KEY = new TextEncoder().encode(SECRET);
const ISS = 'https://issuer.test';
const NOW = Date.UTC(2026, 0, 1) / 1000;
const MAX_BYTES = 3 * 1024 * 1024;

/** Claim shapes, by how they load the heap. */
const SHAPES: Record<string, (i: number) => Record<string, unknown>> = {
  'many small objects': () => ({ metadata: Array.from({ length: 500 }, () => ({})) }),
  'many one-key objects': () => ({ metadata: Array.from({ length: 400 }, (_, j) => ({ a: j })) }),
  'keys unique to each token': (i) => ({ metadata: Array.from({ length: 150 }, (_, j) => ({ [`k${i}_${j}`]: 1 })) }),
  'many empty arrays': () => ({ metadata: Array.from({ length: 500 }, () => []) }),
  'permission strings': (i) => ({ perms: Array.from({ length: 80 }, (_, j) => `org:perm_${j}_${i}`) }),
};

function sign(i: number, extra: Record<string, unknown>): Promise<string> {
  const claims = { iss: ISS, sub: `user_${i}`, sid: `sess_${i}`, iat: NOW, nbf: NOW, exp: NOW + 3600, ...extra };
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(KEY);
}

function settledHeap(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('cache.maxBytes against the real heap', () => {
  it.each(Object.keys(SHAPES))(
    'claims of %s: heap growth of a full cache stays within 1.5x maxBytes',
    async (shape) => {
      const claims = SHAPES[shape];
      const options = resolveAuthOptions({ secret: SECRET, issuer: ISS, cache: { maxEntries: 1_000_000, maxBytes: MAX_BYTES } });
      const verifier = new TokenVerifier(options, undefined, () => NOW * 1000);
      // Warm up code paths and shared hidden classes, then start from an empty cache.
      for (let i = -20; i < 0; i++) {
        const token = await sign(i, claims(i));
        await verifier.verify(token);
        await verifier.verify(token);
      }
      verifier.cache?.clear();
      const before = settledHeap();
      // Far more than fits: tokens are made and dropped here, so only the cache holds them.
      let evicted = false;
      for (let i = 0; i < 3000 && !evicted; i++) {
        const token = await sign(i, claims(i));
        await verifier.verify(token);
        await verifier.verify(token);
        evicted = (verifier.cache?.size ?? 0) < i + 1;
      }
      const growth = settledHeap() - before;
      expect(evicted).toBe(true);
      expect(verifier.cache?.bytes).toBeLessThanOrEqual(MAX_BYTES);
      expect(growth / MAX_BYTES).toBeLessThanOrEqual(1.5);
    },
    120_000,
  );
});
