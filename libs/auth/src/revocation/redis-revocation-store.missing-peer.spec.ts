import { describe, expect, it, jest } from '@jest/globals';

// ioredis is an optional peer: a store given a url without it says so, and never crashes the process.
describe('redisRevocationStore({ url }) without ioredis', () => {
  it('logs and rejects with the install hint, answers 503, and closes', async () => {
    jest.unstable_mockModule('ioredis', () => {
      throw new Error("Cannot find package 'ioredis'");
    });
    const { redisRevocationStore } = await import('./redis-revocation-store.js');
    const { RevocationUnavailableError } = await import('./revocation-store.js');
    const logs: string[] = [];
    const store = redisRevocationStore({ url: 'redis://127.0.0.1:6379', log: (line) => logs.push(line) });
    const hint = 'redisRevocationStore({ url }) needs the optional peer dependency "ioredis": npm install ioredis';
    await expect(store.revoke({ sid: 's' })).rejects.toThrow(hint);
    expect(logs).toEqual([`revocation store: ${hint}`]);
    expect(() => store.isRevoked({ sid: 'other' })).toThrow(RevocationUnavailableError);
    await expect((store as unknown as { close(): Promise<void> }).close()).resolves.toBeUndefined();
  });
});
