import { describe, expect, it, jest } from '@jest/globals';

// ioredis is an optional peer: a replay store given a url without it answers 503, and never crashes the process.
describe('redisReplayStore({ url }) without ioredis', () => {
  it('answers 503 on use and closes', async () => {
    jest.unstable_mockModule('ioredis', () => {
      throw new Error("Cannot find package 'ioredis'");
    });
    const { redisReplayStore } = await import('./redis-replay-store.js');
    const { ReplayStoreUnavailableError } = await import('./replay-store.js');
    const store = redisReplayStore({ url: 'redis://127.0.0.1:6379', retryAfterSeconds: 5 });
    const refusal = await Promise.resolve(store.useOnce('k', 1000)).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ReplayStoreUnavailableError);
    expect([(refusal as Error).message, (refusal as InstanceType<typeof ReplayStoreUnavailableError>).retryAfterSeconds]).toEqual([
      'the Redis replay store did not answer',
      5,
    ]);
    await expect((store as unknown as { close(): Promise<void> }).close()).resolves.toBeUndefined();
  });
});
