import { describe, expect, it } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { memoryRevocationStore } from '../revocation/memory-revocation-store.js';
import { RevocationCheck } from '../revocation/revocation-check.js';
import { RevocationUnavailableError, type RevocationStore } from '../revocation/revocation-store.js';
import { RevocationGate } from './revocation-gate.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const claims: JWTPayload = { iss: 'https://issuer.test', sub: 'user_1', sid: 'sess_1' };

/** A gate over a real check; `forgotten` lists every token the gate told its owner to forget. */
function gate(hook?: (claims: JWTPayload) => unknown, store?: RevocationStore) {
  const forgotten: (string | undefined)[] = [];
  const g = new RevocationGate(new RevocationCheck(hook, 1000, store), (token) => forgotten.push(token));
  return { gate: g, forgotten };
}

/** A store that cannot answer (not synced yet), with its own retry hint. */
const unsyncedStore = (): RevocationStore => ({
  revoke: async () => undefined,
  isRevoked: () => {
    throw new RevocationUnavailableError('not synced', 7);
  },
});

/** What a synchronous `ask` ended with: its return value, or the AuthError it threw. */
function syncOutcome(g: RevocationGate, token?: string): unknown {
  try {
    return g.ask(claims, token);
  } catch (error) {
    return error;
  }
}

describe('RevocationGate: active and synchronous, as its check', () => {
  it('is inactive and synchronous with neither hook nor store', () => {
    const { gate: g } = gate();
    expect([g.active, g.synchronous]).toEqual([false, true]);
  });

  it('is active and synchronous with a store alone', () => {
    const { gate: g } = gate(undefined, memoryRevocationStore({ clock: () => NOW }));
    expect([g.active, g.synchronous]).toEqual([true, true]);
  });

  it('is active and not synchronous with a hook', () => {
    const { gate: g } = gate(() => false);
    expect([g.active, g.synchronous]).toEqual([true, false]);
  });
});

describe('RevocationGate.ask with a store (synchronous)', () => {
  it('answers undefined, without a promise, for a token not revoked, and forgets nothing', () => {
    const { gate: g, forgotten } = gate(undefined, memoryRevocationStore({ clock: () => NOW }));
    expect(g.ask(claims, 'tok')).toBeUndefined();
    expect(forgotten).toEqual([]);
  });

  it('throws token-revoked for a revoked session and forgets the token at once', async () => {
    const store = memoryRevocationStore({ clock: () => NOW });
    await store.revoke({ iss: 'https://issuer.test', sid: 'sess_1' });
    const { gate: g, forgotten } = gate(undefined, store);
    const error = syncOutcome(g, 'tok');
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).reason).toBe(AuthErrorReason.TokenRevoked);
    expect(forgotten).toEqual(['tok']);
  });

  it('forgets nothing when no token is given, and still throws token-revoked', async () => {
    const store = memoryRevocationStore({ clock: () => NOW });
    await store.revoke({ iss: 'https://issuer.test', sid: 'sess_1' });
    const { gate: g, forgotten } = gate(undefined, store);
    expect((syncOutcome(g) as AuthError).reason).toBe(AuthErrorReason.TokenRevoked);
    expect(forgotten).toEqual([]);
  });

  it('a store that cannot answer is revocation-unavailable with its retry hint; the token is kept', () => {
    const { gate: g, forgotten } = gate(undefined, unsyncedStore());
    const error = syncOutcome(g, 'tok') as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect([error.reason, error.retryAfterSeconds]).toEqual([AuthErrorReason.RevocationUnavailable, 7]);
    expect(forgotten).toEqual([]);
  });
});

describe('RevocationGate.ask with an isRevoked hook', () => {
  it('a synchronous true answer throws token-revoked at once and forgets the token', () => {
    const { gate: g, forgotten } = gate(() => true);
    expect((syncOutcome(g, 'tok') as AuthError).reason).toBe(AuthErrorReason.TokenRevoked);
    expect(forgotten).toEqual(['tok']);
  });

  it('a synchronous false answer returns undefined', () => {
    const { gate: g, forgotten } = gate(() => false);
    expect(g.ask(claims, 'tok')).toBeUndefined();
    expect(forgotten).toEqual([]);
  });

  it('an asynchronous answer is a promise: it resolves when not revoked', async () => {
    const { gate: g, forgotten } = gate(async () => false);
    const pending = g.ask(claims, 'tok');
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toBeUndefined();
    expect(forgotten).toEqual([]);
  });

  it('an asynchronous true answer rejects with token-revoked and forgets the token', async () => {
    const { gate: g, forgotten } = gate(async () => 1);
    await expect(g.ask(claims, 'tok')).rejects.toMatchObject({ reason: AuthErrorReason.TokenRevoked });
    expect(forgotten).toEqual(['tok']);
  });

  it('an asynchronous true answer without a token rejects and forgets nothing', async () => {
    const { gate: g, forgotten } = gate(async () => 1);
    await expect(g.ask(claims)).rejects.toMatchObject({ reason: AuthErrorReason.TokenRevoked });
    expect(forgotten).toEqual([]);
  });

  it('a hook that fails asynchronously rejects with revocation-unavailable; the token is kept', async () => {
    const { gate: g, forgotten } = gate(async () => Promise.reject(new Error('down')));
    await expect(g.ask(claims, 'tok')).rejects.toMatchObject({ reason: AuthErrorReason.RevocationUnavailable });
    expect(forgotten).toEqual([]);
  });

  it('a hook that throws synchronously throws revocation-unavailable; the token is kept', () => {
    const { gate: g, forgotten } = gate(() => {
      throw new Error('down');
    });
    expect((syncOutcome(g, 'tok') as AuthError).reason).toBe(AuthErrorReason.RevocationUnavailable);
    expect(forgotten).toEqual([]);
  });
});

describe('RevocationGate: only an AuthError of reason token-revoked forgets', () => {
  /** A check (a subclass, as a caller could pass) that throws something that is not an AuthError but carries the reason. */
  class LookAlikeCheck extends RevocationCheck {
    constructor(private readonly asynchronous: boolean) {
      super(() => true, 1000);
    }
    override check(): void | Promise<void> {
      const lookAlike = Object.assign(new Error('look-alike'), { reason: AuthErrorReason.TokenRevoked });
      if (this.asynchronous) return Promise.reject(lookAlike);
      throw lookAlike;
    }
  }

  it.each([false, true])('a look-alike error (asynchronous: %p) passes through unchanged and forgets nothing', async (asynchronous) => {
    const forgotten: string[] = [];
    const g = new RevocationGate(new LookAlikeCheck(asynchronous), (token) => forgotten.push(token));
    let caught: unknown;
    try {
      await g.ask(claims, 'tok');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ message: 'look-alike', reason: AuthErrorReason.TokenRevoked });
    expect(caught).not.toBeInstanceOf(AuthError);
    expect(forgotten).toEqual([]);
  });
});
