import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { REVOCATION_RETRY_AFTER_SECONDS, RevocationCheck, revoked, unavailable } from './revocation-check.js';
import { RevocationUnavailableError, type RevocationStore } from './revocation-store.js';

const claims: JWTPayload = { sub: 'user_1', sid: 'sess_1' };

/** What `check` ends with: 'allowed', or the AuthError it threw or rejected with. */
async function outcome(check: RevocationCheck): Promise<'allowed' | AuthError> {
  try {
    await check.check(claims);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  return 'allowed';
}

const store = (isRevoked: (claims: JWTPayload) => boolean): RevocationStore => ({ revoke: async () => undefined, isRevoked });

afterEach(() => {
  jest.useRealTimers();
});

describe('RevocationCheck', () => {
  it('is active with a hook or a store, synchronous without a hook', () => {
    expect(new RevocationCheck(undefined, 100)).toMatchObject({ active: false, synchronous: true });
    expect(new RevocationCheck(() => false, 100)).toMatchObject({ active: true, synchronous: false });
    expect(
      new RevocationCheck(
        undefined,
        100,
        store(() => false),
      ),
    ).toMatchObject({ active: true, synchronous: true });
    expect(
      new RevocationCheck(
        () => false,
        100,
        store(() => false),
      ),
    ).toMatchObject({ active: true, synchronous: false });
  });

  it('answers without a promise when there is no hook, and with nothing to ask', () => {
    expect(new RevocationCheck(undefined, 100).check(claims)).toBeUndefined();
    expect(
      new RevocationCheck(
        undefined,
        100,
        store(() => false),
      ).check(claims),
    ).toBeUndefined();
  });

  it.each([true, 1, 'yes', {}, []])('refuses a synchronous truthy answer %p as token-revoked, without a promise', (answer) => {
    const check = new RevocationCheck(() => answer, 100);
    expect(() => check.check(claims)).toThrow(expect.objectContaining({ reason: AuthErrorReason.TokenRevoked, message: 'the token was revoked' }));
  });

  it.each([false, 0, '', null, undefined])('allows a synchronous falsy answer %p, without a promise', (answer) => {
    const seen: JWTPayload[] = [];
    const check = new RevocationCheck((given) => {
      seen.push(given);
      return answer;
    }, 100);
    expect(check.check(claims)).toBeUndefined();
    expect(seen).toEqual([claims]);
  });

  it.each([
    ['a promise of true', () => Promise.resolve(true), AuthErrorReason.TokenRevoked],
    ['a promise of 1', () => Promise.resolve(1), AuthErrorReason.TokenRevoked],
    ['a thenable of a row', () => ({ then: (resolve: (v: unknown) => void) => resolve({ id: 1 }) }), AuthErrorReason.TokenRevoked],
    ['a promise of false', () => Promise.resolve(false), 'allowed'],
    ['a promise of null', () => Promise.resolve(null), 'allowed'],
  ])('settles %s', async (_name, hook, expected) => {
    const check = new RevocationCheck(hook, 1000);
    const result = check.check(claims);
    expect(result).toBeInstanceOf(Promise);
    const end = await (result as Promise<void>).then(
      () => 'allowed' as const,
      (error: AuthError) => error,
    );
    expect(end === 'allowed' ? end : end.reason).toBe(expected);
  });

  it('treats a function with a then method as a promise, and a then that is not a function as an answer', async () => {
    const callable = Object.assign(() => undefined, { then: (resolve: (v: unknown) => void) => resolve(false) });
    expect(await outcome(new RevocationCheck(() => callable, 1000))).toBe('allowed');
    const notThenable = { then: 1 };
    expect(() => new RevocationCheck(() => notThenable, 1000).check(claims)).toThrow(expect.objectContaining({ reason: AuthErrorReason.TokenRevoked }));
  });

  it('fails closed when the hook throws: revocation-unavailable with the retry hint, never allow', async () => {
    const check = new RevocationCheck(() => {
      throw new Error('redis down');
    }, 100);
    const error = (await outcome(check)) as AuthError;
    expect(error.reason).toBe(AuthErrorReason.RevocationUnavailable);
    expect(error.message).toBe('the isRevoked hook failed');
    expect(error.retryAfterSeconds).toBe(REVOCATION_RETRY_AFTER_SECONDS);
  });

  it('fails closed when the hook rejects, with its own AuthError kept', async () => {
    const plain = (await outcome(new RevocationCheck(() => Promise.reject(new Error('down')), 100))) as AuthError;
    expect(plain).toMatchObject({ reason: AuthErrorReason.RevocationUnavailable, message: 'the isRevoked hook failed', retryAfterSeconds: 5 });
    const own = new AuthError(AuthErrorReason.TokenRevoked, 'by the hook');
    expect(await outcome(new RevocationCheck(() => Promise.reject(own), 100))).toBe(own);
  });

  it('fails closed when the hook does not answer within the timeout, and not a millisecond earlier', async () => {
    jest.useFakeTimers();
    const check = new RevocationCheck(() => new Promise(() => undefined), 200);
    let settled: 'allowed' | AuthError | undefined;
    void outcome(check).then((end) => (settled = end));
    await jest.advanceTimersByTimeAsync(199);
    expect(settled).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(settled).toMatchObject({ reason: AuthErrorReason.RevocationUnavailable, message: 'the isRevoked hook did not answer in time' });
  });

  it('clears its timer once the hook answers', async () => {
    jest.useFakeTimers();
    const check = new RevocationCheck(() => Promise.resolve(false), 60_000);
    expect(await outcome(check)).toBe('allowed');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('asks the store first: a revoked entry refuses without asking the hook', async () => {
    const hook = jest.fn(() => false);
    const check = new RevocationCheck(
      hook,
      100,
      store(() => true),
    );
    expect((await outcome(check)) as AuthError).toMatchObject({ reason: AuthErrorReason.TokenRevoked });
    expect(hook).not.toHaveBeenCalled();
  });

  it('refuses when either source refuses', async () => {
    expect(
      (await outcome(
        new RevocationCheck(
          () => true,
          100,
          store(() => false),
        ),
      )) as AuthError,
    ).toMatchObject({ reason: AuthErrorReason.TokenRevoked });
    expect(
      await outcome(
        new RevocationCheck(
          () => false,
          100,
          store(() => false),
        ),
      ),
    ).toBe('allowed');
  });

  it('gives a store outage its own retry hint, any other store error the default one', async () => {
    const syncing = store(() => {
      throw new RevocationUnavailableError('not synced', 17);
    });
    const broken = store(() => {
      throw new Error('bug');
    });
    expect(await outcome(new RevocationCheck(undefined, 100, syncing))).toMatchObject({
      reason: AuthErrorReason.RevocationUnavailable,
      message: 'the revocation store cannot answer',
      retryAfterSeconds: 17,
    });
    expect(await outcome(new RevocationCheck(undefined, 100, broken))).toMatchObject({ reason: AuthErrorReason.RevocationUnavailable, retryAfterSeconds: 5 });
  });

  it('reports an outage once when it starts, again only after an answer ended it', async () => {
    const failures: string[] = [];
    let down = true;
    const check = new RevocationCheck(
      () => {
        if (down) throw new Error('down');
        return false;
      },
      100,
      undefined,
      (message) => failures.push(message),
    );
    await outcome(check);
    await outcome(check);
    expect(failures).toEqual(['the isRevoked hook failed']);
    down = false;
    await outcome(check);
    down = true;
    await outcome(check);
    expect(failures).toEqual(['the isRevoked hook failed', 'the isRevoked hook failed']);
  });

  it('counts a store that answers again as the end of its outage, also without a hook', async () => {
    const failures: string[] = [];
    let down = true;
    const flaky = store(() => {
      if (down) throw new RevocationUnavailableError('x', 1);
      return false;
    });
    const check = new RevocationCheck(undefined, 100, flaky, (message) => failures.push(message));
    await outcome(check);
    down = false;
    await outcome(check);
    down = true;
    await outcome(check);
    expect(failures).toEqual(['the revocation store cannot answer', 'the revocation store cannot answer']);
  });

  it('counts a settled promise as the end of an outage', async () => {
    const failures: string[] = [];
    let down = true;
    const check = new RevocationCheck(
      () => (down ? Promise.reject(new Error('down')) : Promise.resolve(false)),
      100,
      undefined,
      (message) => failures.push(message),
    );
    await outcome(check);
    down = false;
    await outcome(check);
    down = true;
    await outcome(check);
    expect(failures).toHaveLength(2);
  });
});

describe('revoked and unavailable', () => {
  it('make the AuthErrors of the two outcomes', () => {
    expect(revoked()).toMatchObject({ reason: AuthErrorReason.TokenRevoked, message: 'the token was revoked' });
    expect(unavailable('why')).toMatchObject({ reason: AuthErrorReason.RevocationUnavailable, message: 'why', retryAfterSeconds: 5 });
    expect(unavailable('why', 9).retryAfterSeconds).toBe(9);
  });
});
