// One implementation for unit specs and e2e suites: libs/auth/src/revocation/redis-server.spec-support.ts.
export { REDIS_SERVER, startRedis, type RedisProcess } from '../../libs/auth/src/revocation/redis-server.spec-support.js';
export { freePort } from '../../libs/auth/src/verification/loopback-server.spec-support.js';

/** Polls `check` every 5 ms until it is true or `ms` passed; returns the time it took, or throws. */
export async function within(ms: number, check: () => boolean | Promise<boolean>, what: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
