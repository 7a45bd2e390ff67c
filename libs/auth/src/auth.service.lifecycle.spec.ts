import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { AuthService } from './auth.service.js';
import { type AuthModuleOptions } from './config/auth-options.js';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import { captureLogs, SECRET, signToken } from './guard-context.spec-support.js';
import type { ReplayStore } from './revocation/replay-store.js';
import type { RevocationStore } from './revocation/revocation-store.js';

/** A revocation store that revokes nothing, whose `ready()` the test settles, and which records `close()`. */
function store(ready?: () => Promise<void>) {
  const events: string[] = [];
  const revocation: RevocationStore = {
    revoke: () => Promise.resolve(),
    isRevoked: () => false,
    ...(ready ? { ready: () => (events.push('ready'), ready()) } : {}),
    close: () => (events.push('revocation closed'), Promise.resolve()),
  };
  return { revocation, events };
}

const service = (extra: AuthModuleOptions) => new AuthService(resolveAuthOptions({ secret: SECRET, ...extra }));
const reasonOf = async (token: string, s: AuthService) => (await s.verification(token, 'header')).error?.reason ?? 'accepted';

let logs: ReturnType<typeof captureLogs> | undefined;
afterEach(() => {
  logs?.restore();
  logs = undefined;
  jest.useRealTimers();
});

describe('AuthService at boot', () => {
  it("waits for the revocation store's first sync", async () => {
    const { revocation, events } = store(() => Promise.resolve());
    await service({ revocation }).onModuleInit();
    expect(events).toEqual(['ready']);
  });

  it('leaves no timer behind once the store has synced (it would hold the process 3 s at exit)', async () => {
    jest.useFakeTimers();
    const { revocation } = store(() => Promise.resolve());
    await service({ revocation }).onModuleInit();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('waits 3 s at most for a store that never syncs, and never fails the boot', async () => {
    jest.useFakeTimers();
    const { revocation } = store(() => new Promise<void>(() => undefined));
    let settled = false;
    void service({ revocation })
      .onModuleInit()
      .then(() => (settled = true));
    await jest.advanceTimersByTimeAsync(2999);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
  });

  it('boots with a store that has no ready(), and shuts down with stores that have no close()', async () => {
    const revocation: RevocationStore = { revoke: () => Promise.resolve(), isRevoked: () => false };
    const replayStore: ReplayStore = { useOnce: () => Promise.resolve(true) };
    const s = service({ revocation, dpopProof: { replayStore } });
    await expect(s.onModuleInit()).resolves.toBeUndefined();
    await expect(s.onModuleDestroy()).resolves.toBeUndefined();
  });

  it('boots when a custom store breaks its contract and rejects', async () => {
    const { revocation } = store(() => Promise.reject(new Error('redis down')));
    await expect(service({ revocation }).onModuleInit()).resolves.toBeUndefined();
  });

  it('fetches remote keys at boot, and logs a fetch that failed (the option, never the URL)', async () => {
    logs = captureLogs();
    await service({ secret: undefined, jwksUrl: 'http://127.0.0.1:1/.well-known/jwks.json', issuer: 'https://issuer.test' }).onModuleInit();
    expect(logs.lines).toHaveLength(1);
    expect(logs.lines[0]).toMatch(/^warn \[nestjs-warden\]: Key source "jwksUrl" failed to fetch keys \(/);
    expect(logs.lines[0]).not.toContain('127.0.0.1');
  });
});

describe('AuthService at shutdown', () => {
  it('closes the revocation store and the DPoP replay store', async () => {
    const { revocation, events } = store();
    const replayStore: ReplayStore = { useOnce: () => Promise.resolve(true), close: () => (events.push('replay closed'), Promise.resolve()) };
    await service({ revocation, dpopProof: { replayStore } }).onModuleDestroy();
    expect(events.sort()).toEqual(['replay closed', 'revocation closed']);
  });

  it('retires the issuers resolveIssuer answered for: the next token of one asks again', async () => {
    const asked: string[] = [];
    const s = new AuthService(
      resolveAuthOptions({
        resolveIssuer: (iss) => {
          asked.push(iss);
          return { secret: SECRET };
        },
      }),
    );
    const token = (sub: string) => signToken({ sub, iss: 'https://tenant.test' });
    expect(await reasonOf(await token('user_1'), s)).toBe('accepted');
    expect(await reasonOf(await token('user_2'), s)).toBe('accepted');
    expect(asked).toEqual(['https://tenant.test']);
    await s.onModuleDestroy();
    expect(await reasonOf(await token('user_3'), s)).toBe('accepted');
    expect(asked).toEqual(['https://tenant.test', 'https://tenant.test']);
  });
});

describe('AuthService reports outages of what it depends on, once, with what requests get meanwhile', () => {
  it('the revocation hook', async () => {
    logs = captureLogs();
    const s = service({
      isRevoked: () => {
        throw new Error('down');
      },
    });
    expect(await reasonOf(await signToken(), s)).toBe('revocation-unavailable');
    expect(logs.lines).toEqual(['warn [nestjs-warden]: the isRevoked hook failed; requests with a token get 503 revocation-unavailable until it answers']);
  });

  it('opaque token verification', async () => {
    logs = captureLogs();
    const s = service({
      verifyOpaqueToken: () => {
        throw new Error('down');
      },
    });
    expect(await reasonOf('mt_opaque', s)).toBe('introspection-unavailable');
    expect(logs.lines).toEqual(['warn [nestjs-warden]: verifyOpaqueToken threw; requests with opaque tokens get 503 until it answers']);
  });

  it('resolveIssuer', async () => {
    logs = captureLogs();
    const s = new AuthService(
      resolveAuthOptions({
        resolveIssuer: () => {
          throw new Error('down');
        },
      }),
    );
    expect(await reasonOf(await signToken({ iss: 'https://tenant.test' }), s)).toBe('issuer-unavailable');
    expect(logs.lines).toEqual([
      'warn [nestjs-warden]: nestjs-warden: resolveIssuer failed or did not answer in time; tokens of issuers not yet known get 503 issuer-unavailable until it answers',
    ]);
  });
});
