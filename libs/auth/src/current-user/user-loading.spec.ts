import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { JWTPayload } from 'jose';
import type { SignedInAuthObjectFor } from '../auth-object/auth-object-for.js';
import { signedInAuthObject } from '../auth-object/auth-object.js';
import { readSessionFields } from '../auth-object/claims.js';
import { machineAuthObject } from '../auth-object/machine-auth-object.js';
import { AuthError } from '../auth.errors.js';
import type { CurrentUserOptions, LoadUser, LoadUserContext, RegisteredUser } from '../config/current-user-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { captureLogs, SECRET } from '../guard-context.spec-support.js';
import { memoryRevocationStore } from '../revocation/memory-revocation-store.js';
import type { RevocationStore } from '../revocation/revocation-store.js';
import { asVerification, signedOutVerification, type Verification } from '../verification/verification.js';
import { userLoadingProvider } from './user-loading.provider.js';
import { UserLoading, type UserRequest } from './user-loading.js';

const A = 'https://a.test';
const B = 'https://b.test';
const CURRENT_USER = Symbol.for('nestjs-warden:current-user');

let tokens = 0;
/** A signed-in session verification from the token header; each with its own token unless one is given. */
function session(claims: JWTPayload = { iss: A, sub: 'user_1', sid: 'sess_1' }, token = `token_${(tokens += 1)}`): Verification {
  return asVerification({ auth: signedInAuthObject(claims, readSessionFields(claims), token), error: null, tokenPresent: true }, token, 'header');
}

/** The user of the `n`th load (the test app declares `{ id, email, name }`). */
const appUser = (id: string, n: number): RegisteredUser => ({ id, email: null, name: `load ${n}` });

interface Setup {
  load?: LoadUser;
  currentUser?: CurrentUserOptions;
  revocation?: RevocationStore;
  clock?: () => number;
  /** No onFailure. */
  quiet?: boolean;
}

/** UserLoading on options from resolveAuthOptions; every loadUser call and every outage report recorded. */
function setup(given: Setup = {}) {
  const calls: Array<{ auth: SignedInAuthObjectFor; context: LoadUserContext }> = [];
  const load: LoadUser = given.load ?? ((_auth, context) => appUser(String(context.claims.sub), calls.length));
  const { currentUser, revocation, clock } = given;
  const loadUser: LoadUser = (auth, context) => {
    calls.push({ auth, context });
    return load(auth, context);
  };
  const options = resolveAuthOptions({ secret: SECRET, currentUser, revocation, clock, loadUser });
  if (!options.currentUser) throw new Error('loadUser was not resolved');
  const failures: string[] = [];
  const loading = new UserLoading(options.currentUser, options.revocation, options.clock, given.quiet ? undefined : (message) => failures.push(message));
  const user = (verification: Verification, carrier: object = {}, fields: Partial<UserRequest> = {}) =>
    loading.userFor({ carrier, verification, signedIn: true, transport: 'http', ...fields });
  return { loading, calls, failures, user };
}

/** Lets every pending load start (loadUser is called a microtask after userFor). */
const drain = () => new Promise((resolve) => setImmediate(resolve));
/** What a promise settled to: `['ok', value]`, or `['error', …]`, an AuthError as its reason, message and Retry-After (toEqual compares an error's message only). */
async function settled(promise: Promise<unknown>): Promise<unknown[]> {
  try {
    return ['ok', await promise];
  } catch (error) {
    return ['error', error instanceof AuthError ? { AuthError: error.reason, message: error.message, retryAfterSeconds: error.retryAfterSeconds } : error];
  }
}
const unavailable = (retryAfterSeconds: number) => ['error', { AuthError: 'user-unavailable', message: 'the user could not be loaded', retryAfterSeconds }];
const NOT_FOUND = ['error', { AuthError: 'user-not-found', message: 'loadUser found no user for the token', retryAfterSeconds: undefined }];

/** A real store that counts who listens to it and who stopped. */
function countingStore() {
  const inner = memoryRevocationStore();
  const counts = { listening: 0, stopped: 0 };
  const onRevoked: RevocationStore['onRevoked'] = (listener) => {
    counts.listening += 1;
    const stop = inner.onRevoked?.(listener);
    return () => ((counts.stopped += 1), stop?.());
  };
  return { store: { ...inner, onRevoked }, counts };
}

afterEach(() => {
  jest.useRealTimers();
});

describe('UserLoading: once per request', () => {
  it('loads once per carrier with the auth object and its context, kept on the carrier out of sight', async () => {
    const { calls, user } = setup();
    const v = session();
    const carrier = { headers: {} };
    const first = user(v, carrier);
    expect(user(v, carrier)).toBe(first);
    expect(await first).toEqual({ id: 'user_1', email: null, name: 'load 1' });
    expect(calls).toHaveLength(1);
    expect(calls[0].auth).toBe(v.auth);
    expect(calls[0].context).toEqual({ issuer: A, tokenType: 'session_token', claims: { iss: A, sub: 'user_1', sid: 'sess_1' }, transport: 'http' });
    expect(calls[0].context.claims).toBe(v.claims);
    const stored = Object.getOwnPropertyDescriptor(carrier, CURRENT_USER);
    expect(stored).toEqual({ value: { verification: v, user: first }, writable: true, enumerable: false, configurable: true });
    expect([Object.keys(carrier), JSON.stringify(carrier)]).toEqual([['headers'], '{"headers":{}}']);
  });

  it('answers null without loading when the route admits the request signed out, or it is signed out', async () => {
    const { calls, user } = setup();
    const carrier = {};
    expect(await user(session(), carrier, { signedIn: false })).toBeNull();
    expect(await user(signedOutVerification(new AuthError('token-expired'), true), carrier)).toBeNull();
    expect(calls).toEqual([]);
    expect(Object.getOwnPropertySymbols(carrier)).toEqual([]);
  });

  it('a request shares one load among verifications of its token; another token loads anew', async () => {
    const { calls, user } = setup();
    const carrier = {};
    const first = user(session(undefined, 'tok_a'), carrier);
    expect(user(session(undefined, 'tok_a'), carrier)).toBe(first);
    const other = user(session(undefined, 'tok_b'), carrier);
    expect(other).not.toBe(first);
    expect(await other).toEqual(appUser('user_1', 2));
    // Only the last load is kept: the first token loads again.
    expect(user(session(undefined, 'tok_a'), carrier)).not.toBe(first);
    await drain();
    expect(calls).toHaveLength(3);
  });

  it('a live connection shares a load with the very same verification only', async () => {
    const { calls, user } = setup();
    const socket = { live: true };
    const v = session(undefined, 'tok_a');
    const first = user(v, socket, { transport: 'ws' });
    expect(user(v, socket, { transport: 'ws' })).toBe(first);
    expect(user(session(undefined, 'tok_a'), socket, { transport: 'ws' })).not.toBe(first);
    await drain();
    expect(calls.map(({ context }) => context.transport)).toEqual(['ws', 'ws']);
  });

  it("a carrier is live only by its own live: true; a load held by a carrier's prototype is not the carrier's", async () => {
    const { calls, user } = setup();
    for (const carrier of [{ live: 'yes' }, Object.create({ live: true }) as object]) {
      const first = user(session(undefined, 'tok_a'), carrier);
      expect(user(session(undefined, 'tok_a'), carrier)).toBe(first);
    }
    const parent = {};
    const v = session();
    const first = user(v, parent);
    expect(user(v, Object.create(parent) as object)).not.toBe(first);
    await drain();
    expect(calls).toHaveLength(4);
  });

  it('tells loadUser the issuer (null without a string iss), the class (a session when unknown), the claims ({} when none)', async () => {
    const { calls, user } = setup();
    const machine = asVerification({ auth: machineAuthObject('m2m_token', { iss: B, sub: 'mch_1' }, 'm'), error: null, tokenPresent: true }, 'm', 'header');
    const odd: JWTPayload = { sub: 'user_2' };
    Reflect.set(odd, 'iss', 42);
    await user(machine, {}, { transport: 'rpc' });
    await user(session({ sub: 'user_1' }), {}, { transport: 'graphql' });
    await user(session(odd), {});
    await user({ ...session(), tokenType: null, claims: null }, {}, { transport: 'ws' });
    expect(calls.map(({ context }) => context)).toEqual([
      { issuer: B, tokenType: 'm2m_token', claims: { iss: B, sub: 'mch_1' }, transport: 'rpc' },
      { issuer: null, tokenType: 'session_token', claims: { sub: 'user_1' }, transport: 'graphql' },
      { issuer: null, tokenType: 'session_token', claims: { sub: 'user_2', iss: 42 }, transport: 'http' },
      { issuer: null, tokenType: 'session_token', claims: {}, transport: 'ws' },
    ]);
    expect(calls[0].auth).toBe(machine.auth);
  });
});

describe('UserLoading: no user, and outages', () => {
  it('no user (null or undefined) rejects user-not-found, which is no outage', async () => {
    const answers = [null, undefined];
    const { user, failures } = setup({ load: () => answers.shift() });
    expect(await settled(user(session()))).toEqual(NOT_FOUND);
    expect(await settled(user(session()))).toEqual(NOT_FOUND);
    expect(failures).toEqual([]);
  });

  it('a throw or rejection is user-unavailable; the outage is told once, naming only the class of what was thrown', async () => {
    class DatabaseError extends Error {
      override readonly name = 'DatabaseError';
    }
    const answers: Array<() => ReturnType<LoadUser>> = [
      () => {
        throw new TypeError('postgres://admin:s3cret@db');
      },
      () => Promise.reject(new Error('still down')),
      () => appUser('u1', 1),
      () => Promise.reject('down'),
      () => appUser('u1', 2),
      () => Promise.reject(new DatabaseError('token_1 refused')),
    ];
    const { user, failures } = setup({ load: () => answers.shift()?.(), currentUser: { timeoutInMs: 2500 } });
    const outcomes = [];
    for (let i = 0; i < 6; i += 1) outcomes.push(await settled(user(session())));
    const ok = (n: number) => ['ok', appUser('u1', n)];
    expect(outcomes).toEqual([unavailable(3), unavailable(3), ok(1), unavailable(3), ok(2), unavailable(3)]);
    const told = (kind: string) => `loadUser failed or did not answer within 2500 ms (${kind})`;
    expect(failures).toEqual([told('TypeError'), told('string'), told('DatabaseError')]);
  });

  it('works without onFailure; a failed load stays the request’s answer', async () => {
    const { user, calls } = setup({ load: () => Promise.reject(undefined), quiet: true, currentUser: { timeoutInMs: 1 } });
    const carrier = {};
    const first = user(session(undefined, 'tok_a'), carrier);
    expect(await settled(first)).toEqual(unavailable(1));
    expect(user(session(undefined, 'tok_a'), carrier)).toBe(first);
    expect(calls).toHaveLength(1);
  });

  it('no answer within timeoutInMs is user-unavailable (timeout); every timer is cleared once the load settles', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    let hang = true;
    const { user, failures } = setup({ load: () => (hang ? new Promise(() => undefined) : appUser('u1', 2)), currentUser: { timeoutInMs: 50 } });
    const outcome = settled(user(session()));
    let done = false;
    void outcome.then(() => (done = true));
    jest.advanceTimersByTime(49);
    await drain();
    expect(done).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await outcome).toEqual(unavailable(1));
    expect(failures).toEqual(['loadUser failed or did not answer within 50 ms (timeout)']);
    expect(jest.getTimerCount()).toBe(0);
    hang = false;
    expect(await user(session())).toEqual(appUser('u1', 2));
    expect(jest.getTimerCount()).toBe(0);
  });

  it("the module's warning names the outage, never the token or the loader's message", async () => {
    const logs = captureLogs();
    try {
      const loadUser = () => Promise.reject(new Error('bad token_secret_1'));
      const loading = await userLoadingProvider.useFactory(resolveAuthOptions({ secret: SECRET, loadUser, currentUser: { timeoutInMs: 5 } }));
      const verification = session(undefined, 'token_secret_1');
      expect(await settled(loading?.userFor({ carrier: {}, verification, signedIn: true, transport: 'http' }) ?? Promise.resolve())).toEqual(unavailable(1));
      expect(logs.lines).toEqual([
        'warn [nestjs-warden]: loadUser failed or did not answer within 5 ms (Error); @CurrentUser() answers 503 user-unavailable until it answers',
      ]);
      expect(logs.lines.join()).not.toContain('token_secret_1');
    } finally {
      logs.restore();
    }
  });
});

describe('UserLoading: the cache', () => {
  it('loads a subject once per issuer across requests, concurrent ones too, for ttlInMs by the module clock', async () => {
    const clock = { now: 1_000_000 };
    const { user, calls } = setup({ currentUser: { cache: { ttlInMs: 1000, maxEntries: 10 } }, clock: () => clock.now });
    const [one, two] = await Promise.all([user(session()), user(session())]);
    expect(two).toBe(one);
    expect(await user(session({ iss: A, sub: 'user_1' }))).toBe(one);
    expect(await user(session({ iss: B, sub: 'user_1' }))).toEqual(appUser('user_1', 2));
    expect(await user(session({ iss: A, sub: 'user_2' }))).toEqual(appUser('user_2', 3));
    clock.now += 999;
    expect(await user(session())).toBe(one);
    clock.now += 2;
    expect(await user(session())).toEqual(appUser('user_1', 4));
    expect(calls).toHaveLength(4);
  });

  it('keeps nothing without a string sub, nor with the cache off', async () => {
    const cached = setup({ currentUser: { cache: true } });
    const odd: JWTPayload = { iss: A };
    Reflect.set(odd, 'sub', 7);
    const numeric: Verification = { ...session(), claims: odd };
    const none: Verification = { ...session(), claims: null };
    for (const v of [numeric, numeric, none, none]) await cached.user(v, {});
    expect(cached.calls).toHaveLength(4);
    const off = setup();
    await Promise.all([off.user(session()), off.user(session())]);
    expect(off.calls).toHaveLength(2);
  });

  it('forgets a load that failed or found nobody', async () => {
    const answers = [null, appUser('user_1', 2)];
    const { user, calls } = setup({ load: () => (answers.length > 0 ? answers.shift() : Promise.reject(new Error('down'))), currentUser: { cache: true } });
    expect(await settled(user(session()))).toEqual(NOT_FOUND);
    expect(await user(session())).toEqual(appUser('user_1', 2));
    expect(await user(session())).toEqual(appUser('user_1', 2));
    expect(await settled(user(session({ iss: A, sub: 'user_2' })))).toEqual(unavailable(5));
    expect(await settled(user(session({ iss: A, sub: 'user_2' })))).toEqual(unavailable(5));
    expect(calls).toHaveLength(4);
  });

  it("drops a subject its store revokes, of its issuer or of every issuer; a session's or token's revocation keeps it", async () => {
    const store = memoryRevocationStore();
    const { user, calls, loading } = setup({ currentUser: { cache: true }, revocation: store });
    const requests = [session({ iss: A, sub: 'user_1' }), session({ iss: B, sub: 'user_1' }), session({ iss: A, sub: 'user_2' })];
    /** Asks for each user; how many loads there have been then. */
    const loads = async () => {
      for (const v of requests) await user(v, {});
      return calls.length;
    };
    expect(await loads()).toBe(3);
    await store.revoke({ sid: 'user_1' });
    await store.revoke({ iss: A, jti: 'user_1' });
    expect(await loads()).toBe(3);
    await store.revoke({ iss: A, sub: 'user_1' });
    expect(await loads()).toBe(4);
    expect(calls[3].context.issuer).toBe(A);
    await store.revoke({ sub: 'user_1' });
    expect(await loads()).toBe(6);
    loading.onModuleDestroy();
    await store.revoke({ sub: 'user_2' });
    expect(await loads()).toBe(6);
  });

  it('hears the store only with a cache, until destroyed; works without a store or with one that cannot tell', async () => {
    const off = countingStore();
    setup({ revocation: off.store }).loading.onModuleDestroy();
    expect(off.counts).toEqual({ listening: 0, stopped: 0 });
    const on = countingStore();
    const { loading } = setup({ revocation: on.store, currentUser: { cache: true } });
    expect(on.counts).toEqual({ listening: 1, stopped: 0 });
    loading.onModuleDestroy();
    expect(on.counts).toEqual({ listening: 1, stopped: 1 });
    const inner = memoryRevocationStore();
    for (const revocation of [undefined, { revoke: inner.revoke, isRevoked: inner.isRevoked }]) {
      const { user, calls, loading: other } = setup({ revocation, currentUser: { cache: true } });
      await user(session());
      await user(session());
      expect(calls).toHaveLength(1);
      other.onModuleDestroy();
    }
  });
});
