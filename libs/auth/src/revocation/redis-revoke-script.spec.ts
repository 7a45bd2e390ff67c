import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { REVOKE_SCRIPT } from './redis-revoke-script.js';
import { eventually, haveRedisServer, startRedis, type RedisProcess } from './redis-server.spec-support.js';

// The script runs in Redis (Lua): only a real redis-server can say what it does.
(haveRedisServer('revoke script (Redis)') ? describe : describe.skip)('REVOKE_SCRIPT in a real redis-server', () => {
  let redis: RedisProcess;
  let admin: Redis;
  let listener: Redis;
  const messages: string[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
    listener = new Redis(redis.url);
    listener.on('message', (_channel: string, message: string) => messages.push(message));
    await listener.subscribe('s:events');
  });
  afterAll(async () => {
    admin?.disconnect();
    listener?.disconnect();
    await redis?.kill();
  });

  const redisNow = async () => Number((await admin.time())[0]);
  const scores = async (key: string) =>
    Object.fromEntries((await admin.zrange(key, '0', '-1', 'WITHSCORES')).flatMap((v, i, all) => (i % 2 ? [] : [[v, Number(all[i + 1])]])));

  it('records each key with its until, keeping the later one, and tells every replica what it recorded', async () => {
    const far = (await redisNow()) + 10_000;
    await admin.zadd('s:entries', far, 'sid:kept', far, 'sid:raised');
    messages.length = 0;
    const reply = await admin.eval(REVOKE_SCRIPT, 1, 's:entries', 3600, 's:events', 'sid:kept', far - 5, 'sid:raised', far + 5, 'sub:new', far + 1);
    expect(reply).toBe(1);
    expect(await scores('s:entries')).toEqual({ 'sid:kept': far, 'sid:raised': far + 5, 'sub:new': far + 1 });
    await eventually(() => messages.length === 1, 'the published message');
    expect(JSON.parse(messages[0])).toEqual(['sid:kept', String(far - 5), 'sid:raised', String(far + 5), 'sub:new', String(far + 1)]);
  });

  it("reads '+' as Redis's own now plus the lifetime", async () => {
    messages.length = 0;
    const before = await redisNow();
    await admin.eval(REVOKE_SCRIPT, 1, 's:plus', 600, 's:events', 'jti:a', '+');
    const after = await redisNow();
    const until = (await scores('s:plus'))['jti:a'];
    expect(until).toBeGreaterThanOrEqual(before + 600);
    expect(until).toBeLessThanOrEqual(after + 600);
    await eventually(() => messages.length === 1, 'the published message');
    expect(JSON.parse(messages[0])).toEqual(['jti:a', String(until)]);
  });

  it('trims what has expired by Redis time, and keeps what has not', async () => {
    const now = await redisNow();
    await admin.zadd('s:trim', now - 100, 'sid:old', now + 100, 'sid:live');
    await admin.eval(REVOKE_SCRIPT, 1, 's:trim', 3600, 's:events', 'sid:new', now + 200);
    expect(await scores('s:trim')).toEqual({ 'sid:live': now + 100, 'sid:new': now + 200 });
  });
});
