import { describe, expect, it } from '@jest/globals';
import { memoryReplayStore } from './memory-replay-store.js';
import { ReplayStoreUnavailableError } from './replay-store.js';

describe('memoryReplayStore', () => {
  it('answers true once per key within its time to live, then again once it expired', () => {
    let now = 1000;
    const store = memoryReplayStore({ clock: () => now });
    expect(store.useOnce('k', 500)).toBe(true);
    expect(store.useOnce('k', 500)).toBe(false);
    expect(store.useOnce('other', 500)).toBe(true);
    now += 501;
    expect(store.useOnce('k', 500)).toBe(true);
  });

  it('when full of live entries, refuses to record (never forgets one) until one expires', () => {
    let now = 0;
    const store = memoryReplayStore({ maxEntries: 2, clock: () => now });
    expect(store.useOnce('a', 100)).toBe(true);
    expect(store.useOnce('b', 200)).toBe(true);
    expect(() => store.useOnce('c', 100)).toThrow(ReplayStoreUnavailableError);
    // Still remembered: a replay is still a replay.
    expect(store.useOnce('a', 100)).toBe(false);
    now = 101;
    expect(store.useOnce('c', 100)).toBe(true);
    expect(store.useOnce('b', 100)).toBe(false);
  });

  it('takes a value again from the very instant it expires, also when that frees the room a full store waited for', () => {
    let now = 0;
    const store = memoryReplayStore({ maxEntries: 1, clock: () => now });
    expect(store.useOnce('a', 1000)).toBe(true);
    now = 500;
    let refusal: unknown;
    try {
      void store.useOnce('b', 1000); // the memory store answers at once
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ReplayStoreUnavailableError);
    expect([(refusal as Error).message, (refusal as ReplayStoreUnavailableError).retryAfterSeconds]).toEqual([
      'the replay store is full of values still in force (maxEntries)',
      1,
    ]);
    now = 1000; // a's last instant has passed: room again
    expect(store.useOnce('b', 1000)).toBe(true);
    now = 2000;
    expect(store.useOnce('b', 1000)).toBe(true);
  });

  it('refuses a bad maxEntries', () => {
    expect(() => memoryReplayStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => memoryReplayStore({ maxEntries: 1 })).not.toThrow();
  });
});
