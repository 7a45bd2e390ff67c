import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { redisRevocationStore, type RevocationStore } from 'nestjs-warden';
import { hasSystemBinary } from './support/system-binary.js';
import { REDIS_SERVER, startRedis, within, type RedisProcess } from './support/redis-server.js';

const haveRedis = hasSystemBinary(REDIS_SERVER, 'revocation store clocks (Redis)');
const HOUR_MS = 3_600_000;

// Issue "Where features meet", item 9: what Redis holds for every replica is decided by Redis's own
// clock (TIME), never by the clock of the replica that happens to write.
(haveRedis ? describe : describe.skip)('redisRevocationStore: shared entries follow Redis time, not the writer clock', () => {
  let redis: RedisProcess;
  let admin: Redis;
  const open: Array<{ close(): Promise<void> }> = [];
  const clients: Redis[] = [];
  let prefix = 0;

  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.kill();
  });

  /** A replica's store with its own client and, when given, a clock of its own (a skewed machine). */
  const replica = (clock?: () => number): RevocationStore & { close(): Promise<void> } => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    clients.push(client);
    const store = redisRevocationStore({ client, keyPrefix: `clock${prefix}`, log: () => undefined, ...(clock ? { clock } : {}) });
    open.push(store as { close(): Promise<void> });
    return store as RevocationStore & { close(): Promise<void> };
  };

  it("a replica two hours fast deletes nobody else's live revocation; a replica started afterwards still refuses it", async () => {
    prefix += 1;
    const [honest, fast] = [replica(), replica(() => Date.now() + 2 * HOUR_MS)];
    await Promise.all([honest.ready?.(), fast.ready?.()]);
    await honest.revoke({ sid: 'sess_live' }); // until: now + 1 h
    await fast.revoke({ sid: 'sess_other' }); // its script run trims what expired, by Redis's clock
    expect(await admin.zscore(`clock${prefix}:entries`, 'sid:sess_live')).not.toBeNull();
    const late = replica();
    await late.ready?.();
    expect(late.isRevoked({ sid: 'sess_live' })).toBe(true);
    expect(late.isRevoked({ sid: 'sess_other' })).toBe(true);
  });

  it('a replica two hours slow records a revocation that lasts maxTokenLifetimeInSeconds from Redis time', async () => {
    prefix += 1;
    const [slow, other] = [replica(() => Date.now() - 2 * HOUR_MS), replica()];
    await Promise.all([slow.ready?.(), other.ready?.()]);
    await slow.revoke({ sub: 'user_slow' }); // its own clock would say: until an hour ago
    expect(slow.isRevoked({ sub: 'user_slow' })).toBe(true);
    await within(1000, () => other.isRevoked({ sub: 'user_slow' }), 'the other replica refuses it');
    const score = Number(await admin.zscore(`clock${prefix}:entries`, 'sub:user_slow'));
    const [redisNow] = (await admin.time()) as [number | string, number | string];
    expect(Math.abs(score - (Number(redisNow) + 3600))).toBeLessThanOrEqual(2);
    const late = replica();
    await late.ready?.();
    expect(late.isRevoked({ sub: 'user_slow' })).toBe(true);
  });

  it('an explicit until is kept as given (a jti revoked until its exp)', async () => {
    prefix += 1;
    const fast = replica(() => Date.now() + 2 * HOUR_MS);
    await fast.ready?.();
    const exp = Math.floor(Date.now() / 1000) + 120;
    await fast.revoke({ jti: 'tok_1' }, exp);
    expect(Number(await admin.zscore(`clock${prefix}:entries`, 'jti:tok_1'))).toBe(exp);
  });
});
