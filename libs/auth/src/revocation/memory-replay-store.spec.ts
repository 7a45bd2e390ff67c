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

  it('refuses a bad maxEntries', () => {
    expect(() => memoryReplayStore({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});
