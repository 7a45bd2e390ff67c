import { describe, expect, it } from '@jest/globals';
import { memoryRevocationStore } from './memory-revocation-store.js';

const T0 = 1_900_000_000_000;

describe('memoryRevocationStore', () => {
  const setup = () => {
    const clock = { now: T0 };
    const store = memoryRevocationStore({ clock: () => clock.now, maxTokenLifetimeInSeconds: 600 });
    return { clock, store };
  };

  it('refuses a revoked sid, only that one', async () => {
    const { store } = setup();
    await store.revoke({ sid: 'sess_1' });
    expect(store.isRevoked({ sub: 'user_1', sid: 'sess_1' })).toBe(true);
    expect(store.isRevoked({ sub: 'user_1', sid: 'sess_2' })).toBe(false);
  });

  it('a revoked sub refuses every session of that user; a jti refuses one token', async () => {
    const { store } = setup();
    await store.revoke({ sub: 'user_1' });
    await store.revoke({ jti: 'tok_9' });
    expect(store.isRevoked({ sub: 'user_1', sid: 'sess_a' })).toBe(true);
    expect(store.isRevoked({ sub: 'user_1', sid: 'sess_b' })).toBe(true);
    expect(store.isRevoked({ sub: 'user_2', jti: 'tok_9' })).toBe(true);
    expect(store.isRevoked({ sub: 'user_2', jti: 'tok_8' })).toBe(false);
  });

  it('an entry expires at its until; without one, after maxTokenLifetimeInSeconds', async () => {
    const { clock, store } = setup();
    await store.revoke({ sid: 'sess_short' }, T0 / 1000 + 10);
    await store.revoke({ sid: 'sess_default' });
    clock.now += 9_999;
    expect(store.isRevoked({ sid: 'sess_short' })).toBe(true);
    clock.now += 1;
    expect(store.isRevoked({ sid: 'sess_short' })).toBe(false);
    clock.now = T0 + 599_999;
    expect(store.isRevoked({ sid: 'sess_default' })).toBe(true);
    clock.now = T0 + 600_000;
    expect(store.isRevoked({ sid: 'sess_default' })).toBe(false);
  });

  it('a later until wins over an earlier one for the same key', async () => {
    const { clock, store } = setup();
    await store.revoke({ sid: 's' }, T0 / 1000 + 100);
    await store.revoke({ sid: 's' }, T0 / 1000 + 5);
    clock.now += 50_000;
    expect(store.isRevoked({ sid: 's' })).toBe(true);
  });

  it('rejects a target with no field, an unknown field, an empty value, or a bad until', async () => {
    const { store } = setup();
    for (const bad of [{}, { session: 'x' }, { sid: '' }, { sid: 42 }]) {
      await expect(store.revoke(bad as never)).rejects.toThrow(TypeError);
    }
    await expect(store.revoke({ sid: 's' }, Number.NaN)).rejects.toThrow(/untilEpochSeconds/);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses maxTokenLifetimeInSeconds = %p', (lifetime) => {
    expect(() => memoryRevocationStore({ maxTokenLifetimeInSeconds: lifetime })).toThrow(
      new TypeError('memoryRevocationStore: maxTokenLifetimeInSeconds must be a positive number'),
    );
  });

  it('keeps a revocation without until for one hour by default', async () => {
    const clock = { now: T0 };
    const store = memoryRevocationStore({ clock: () => clock.now });
    await store.revoke({ sid: 'sess_1' });
    clock.now = T0 + 3_599_999;
    expect(store.isRevoked({ sid: 'sess_1' })).toBe(true);
    clock.now = T0 + 3_600_000;
    expect(store.isRevoked({ sid: 'sess_1' })).toBe(false);
  });

  it('reads the real clock by default', async () => {
    const store = memoryRevocationStore();
    await store.revoke({ jti: 'tok_1' }, Date.now() / 1000 + 60);
    await store.revoke({ jti: 'tok_0' }, Date.now() / 1000 - 1);
    expect(store.isRevoked({ jti: 'tok_1' })).toBe(true);
    expect(store.isRevoked({ jti: 'tok_0' })).toBe(false);
  });

  it('revokes every field of one target, and rejects (never throws) a bad one', async () => {
    const { store } = setup();
    await expect(store.revoke({ sid: 'sess_1', sub: 'user_9' })).resolves.toBeUndefined();
    expect(store.isRevoked({ sid: 'sess_1' })).toBe(true);
    expect(store.isRevoked({ sub: 'user_9' })).toBe(true);
    let pending: Promise<void> | undefined;
    expect(() => (pending = store.revoke({}))).not.toThrow();
    await expect(pending).rejects.toThrow('revoke(): give at least one of sid, sub, jti');
  });

  it('iss scopes a revocation to one issuer; without it (or null) it applies to every issuer', async () => {
    const { store } = setup();
    await store.revoke({ iss: 'https://a.test', sub: 'user_1' });
    await store.revoke({ iss: null, sid: 'sess_all' });
    expect(store.isRevoked({ iss: 'https://a.test', sub: 'user_1' })).toBe(true);
    expect(store.isRevoked({ iss: 'https://b.test', sub: 'user_1' })).toBe(false);
    expect(store.isRevoked({ sub: 'user_1' })).toBe(false);
    expect(store.isRevoked({ iss: 'https://b.test', sid: 'sess_all' })).toBe(true);
    for (const iss of ['', 42, 'x'.repeat(2049)]) {
      await expect(store.revoke({ iss, sub: 'user_1' } as never)).rejects.toThrow('revoke(): iss must be a non-empty string (or null for every issuer)');
    }
    await expect(store.revoke({ iss: 'https://a.test' })).rejects.toThrow('revoke(): give at least one of sid, sub, jti');
  });

  it('holds at most maxEntries revocations: past that, revoke() rejects and records nothing, and never forgets a live one', async () => {
    const clock = { now: T0 };
    const store = memoryRevocationStore({ clock: () => clock.now, maxEntries: 3 });
    for (const sid of ['a', 'b']) await store.revoke({ sid }, T0 / 1000 + 10);
    await store.revoke({ sid: 'c' }, T0 / 1000 + 60);
    await expect(store.revoke({ sid: 'd' })).rejects.toThrow(
      'memoryRevocationStore: full (maxEntries 3 revocations in force); this one was not recorded. Raise maxEntries or use redisRevocationStore',
    );
    await expect(store.revoke({ sid: 'c', sub: 'user_1' })).rejects.toThrow(/full/); // one more key than there is room for
    expect(['a', 'b', 'c', 'd'].map((sid) => store.isRevoked({ sid }))).toEqual([true, true, true, false]);
    expect(store.isRevoked({ sub: 'user_1' })).toBe(false);
    await store.revoke({ sid: 'c' }, T0 / 1000 + 120); // a key held already takes no room
    clock.now += 10_000; // a and b are over: their room is free again
    await store.revoke({ sid: 'd' });
    await store.revoke({ sid: 'e' });
    expect(['c', 'd', 'e'].map((sid) => store.isRevoked({ sid }))).toEqual([true, true, true]);
  });

  it('makes room by dropping what has expired: a revocation that fits exactly then is recorded, a key held already taking no room', async () => {
    const clock = { now: T0 };
    const store = memoryRevocationStore({ clock: () => clock.now, maxEntries: 3 });
    await store.revoke({ sid: 'a' }, T0 / 1000 + 10);
    for (const sid of ['b', 'c']) await store.revoke({ sid }, T0 / 1000 + 60);
    clock.now += 10_000; // only a is over: two in force, room for one more key
    await store.revoke({ sid: 'c', sub: 'user_1' }); // c is held already: one new key
    expect(store.isRevoked({ sub: 'user_1' })).toBe(true);
    await expect(store.revoke({ sid: 'd' })).rejects.toThrow(/full/);
  });

  it('holds one revocation with maxEntries 1', async () => {
    const store = memoryRevocationStore({ clock: () => T0, maxEntries: 1 });
    await store.revoke({ sid: 'a' });
    expect(store.isRevoked({ sid: 'a' })).toBe(true);
    await expect(store.revoke({ sid: 'b' })).rejects.toThrow(/maxEntries 1 /);
  });

  it('tells onRevoked listeners what was revoked, until they stop', async () => {
    const { store } = setup();
    const heard: unknown[] = [];
    const stop = store.onRevoked!((revoked) => heard.push(revoked));
    await store.revoke({ sid: 'sess_1', iss: 'https://a.test' });
    stop();
    await store.revoke({ sid: 'sess_2' });
    expect(heard).toEqual([{ field: 'sid', iss: 'https://a.test', value: 'sess_1' }]);
  });

  it('is bounded by default: 100000 revocations in force', async () => {
    const store = memoryRevocationStore({ clock: () => T0 });
    for (let i = 0; i < 100_000; i += 1) await store.revoke({ jti: `t${i}` });
    await expect(store.revoke({ jti: 'one-more' })).rejects.toThrow(/maxEntries 100000/);
  });

  it.each([0, 1.5, -1, Number.NaN])('refuses maxEntries = %p', (maxEntries) => {
    expect(() => memoryRevocationStore({ maxEntries })).toThrow(new TypeError('memoryRevocationStore: maxEntries must be a whole number of at least 1'));
  });

  it('records nothing from a target that is refused', async () => {
    const { store } = setup();
    await expect(store.revoke({ sid: 'sess_1', sub: '' })).rejects.toThrow(TypeError);
    expect(store.isRevoked({ sid: 'sess_1' })).toBe(false);
  });
});
