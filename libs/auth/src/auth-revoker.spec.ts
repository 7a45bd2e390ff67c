import { beforeAll, describe, expect, it } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { signedOutAuthObject } from './auth-object/auth-object.js';
import { AuthRevoker } from './auth-revoker.js';
import { AuthService } from './auth.service.js';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import type { RevocableAuth } from './revocation/auth-revocation.js';
import { memoryRevocationStore } from './revocation/memory-revocation-store.js';
import type { RevocationStore, RevocationTarget } from './revocation/revocation-store.js';
import { clerkM2MClaims, createTestIssuer, type TestIssuer } from './testing/index.js';

const A = 'https://a.test';
const B = 'https://b.test';
const NOW = 1_900_000_000_000;

let a: TestIssuer;
let b: TestIssuer;
beforeAll(async () => {
  [a, b] = await Promise.all([createTestIssuer({ issuer: A, alg: 'ES256' }), createTestIssuer({ issuer: B, alg: 'ES256' })]);
});

/** An AuthRevoker over a real memory store (lifetime 600 s, its own clock) whose every revoke() call is recorded. */
function setup(withStore = true) {
  const clock = { now: NOW };
  const inner = memoryRevocationStore({ clock: () => clock.now, maxTokenLifetimeInSeconds: 600 });
  const calls: Array<[RevocationTarget, number | undefined]> = [];
  const store: RevocationStore = {
    ...inner,
    revoke: (target, until) => {
      calls.push([target, until]);
      return inner.revoke(target, until);
    },
  };
  const options = resolveAuthOptions({ issuers: [a.moduleOptions(), b.moduleOptions()], ...(withStore ? { revocation: store } : {}) });
  const service = new AuthService(options);
  /** The signed-in auth object of a real token of `issuer`. */
  const signIn = async (issuer: TestIssuer, claims: JWTPayload): Promise<RevocableAuth> =>
    service.verifyToken(await issuer.sign(claims), { acceptsToken: 'any' });
  /** Whether the store refuses these claims (of issuer `iss`) now. */
  const revoked = (claims: JWTPayload): boolean => inner.isRevoked(claims);
  return { revoker: new AuthRevoker(options), service, calls, clock, signIn, revoked };
}

/** What `run` threw or rejected with, as `Name: message`. */
async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return String(error);
  }
  throw new Error('expected a refusal');
}

describe('AuthRevoker', () => {
  it('revokeSession revokes the sid, of the issuer that signed it in only, until the longest token lifetime', async () => {
    const { revoker, calls, signIn, revoked, service, clock } = setup();
    const auth = await signIn(a, { sub: 'user_1', sid: 'sess_1', jti: 'tok_1' });
    await expect(revoker.revokeSession(auth)).resolves.toBeUndefined();
    expect(calls).toEqual([[{ iss: A, sid: 'sess_1' }, undefined]]);
    expect(revoked({ iss: A, sub: 'user_9', sid: 'sess_1' })).toBe(true);
    expect(revoked({ iss: A, sub: 'user_1', sid: 'sess_2', jti: 'tok_1' })).toBe(false);
    expect(revoked({ iss: B, sub: 'user_1', sid: 'sess_1' })).toBe(false);
    // The request of a token of that session is refused.
    expect((await service.authenticate(await a.sign({ sub: 'user_1', sid: 'sess_1' }))).error?.reason).toBe('token-revoked');
    clock.now = NOW + 600_000;
    expect(revoked({ iss: A, sid: 'sess_1' })).toBe(false);
  });

  it('revokeUser revokes every session of the user, of that issuer only', async () => {
    const { revoker, calls, signIn, revoked } = setup();
    await revoker.revokeUser(await signIn(a, { sub: 'user_1', sid: 'sess_1', jti: 'tok_1' }));
    expect(calls).toEqual([[{ iss: A, sub: 'user_1' }, undefined]]);
    expect(revoked({ iss: A, sub: 'user_1', sid: 'sess_2' })).toBe(true);
    expect(revoked({ iss: A, sub: 'user_2', sid: 'sess_1', jti: 'tok_1' })).toBe(false);
    expect(revoked({ iss: B, sub: 'user_1' })).toBe(false);
  });

  it('revokeToken revokes the jti until the token expires, of that issuer only', async () => {
    const { revoker, calls, signIn, revoked, clock } = setup();
    const exp = NOW / 1000 + 120;
    await revoker.revokeToken(await signIn(a, { sub: 'user_1', sid: 'sess_1', jti: 'tok_1', exp }));
    expect(calls).toEqual([[{ iss: A, jti: 'tok_1' }, exp]]);
    expect(revoked({ iss: A, sub: 'user_2', jti: 'tok_1' })).toBe(true);
    expect(revoked({ iss: A, sub: 'user_1', sid: 'sess_1', jti: 'tok_2' })).toBe(false);
    expect(revoked({ iss: B, jti: 'tok_1' })).toBe(false);
    clock.now = exp * 1000 - 1;
    expect(revoked({ iss: A, jti: 'tok_1' })).toBe(true);
    clock.now = exp * 1000;
    expect(revoked({ iss: A, jti: 'tok_1' })).toBe(false);
  });

  it('revokeToken revokes a machine token by its jti too', async () => {
    const { revoker, calls, signIn } = setup();
    const exp = NOW / 1000 + 60;
    const machine = await signIn(b, { ...clerkM2MClaims({ machineId: 'mch_1', tokenId: 'mt_1' }), exp });
    expect(machine.tokenType).toBe('m2m_token');
    await revoker.revokeToken(machine);
    expect(calls).toEqual([[{ iss: B, jti: 'mt_1' }, exp]]);
  });

  it('revoke records exactly the target and until it is given', async () => {
    const { revoker, calls, revoked, clock } = setup();
    await expect(revoker.revoke({ iss: B, sid: 'sess_1', sub: 'user_1' }, NOW / 1000 + 5)).resolves.toBeUndefined();
    expect(calls).toEqual([[{ iss: B, sid: 'sess_1', sub: 'user_1' }, NOW / 1000 + 5]]);
    expect([revoked({ iss: B, sid: 'sess_1' }), revoked({ iss: B, sub: 'user_1' }), revoked({ iss: A, sub: 'user_1' })]).toEqual([true, true, false]);
    clock.now = NOW + 5000;
    expect(revoked({ iss: B, sid: 'sess_1' })).toBe(false);
  });

  it("revoke without iss applies to every issuer; without until it lasts the store's maxTokenLifetimeInSeconds", async () => {
    const { revoker, calls, revoked, clock, service } = setup();
    await revoker.revoke({ sub: 'user_1' });
    expect(calls).toEqual([[{ sub: 'user_1' }, undefined]]);
    expect([revoked({ iss: A, sub: 'user_1' }), revoked({ iss: B, sub: 'user_1' }), revoked({ sub: 'user_1' })]).toEqual([true, true, true]);
    expect(revoked({ iss: A, sub: 'user_2' })).toBe(false);
    expect((await service.authenticate(await b.sign({ sub: 'user_1' }))).error?.reason).toBe('token-revoked');
    clock.now = NOW + 599_999;
    expect(revoked({ sub: 'user_1' })).toBe(true);
    clock.now = NOW + 600_000;
    expect(revoked({ sub: 'user_1' })).toBe(false);
  });

  it('refuses, naming what the auth object lacks, and records nothing', async () => {
    const { revoker, calls, signIn } = setup();
    const machine = await signIn(a, clerkM2MClaims({ machineId: 'mch_1' }));
    const noSid = await signIn(a, { sub: 'user_1', jti: 'tok_1' });
    const noJti = await signIn(a, { sub: 'user_1', sid: 'sess_1' });
    const signedOut = signedOutAuthObject() as unknown as RevocableAuth;
    expect(await refusal(async () => revoker.revokeSession(machine))).toBe('TypeError: revoke: a m2m_token has no session; revoke the token instead');
    expect(await refusal(async () => revoker.revokeUser(machine))).toBe('TypeError: revoke: a m2m_token has no user session; revoke the token instead');
    expect(await refusal(async () => revoker.revokeSession(noSid))).toBe(
      'TypeError: revoke: the token has no sid (session id); revoke the user or the token instead',
    );
    expect(await refusal(async () => revoker.revokeToken(noJti))).toBe(
      'TypeError: revoke: the token has no jti to revoke it by; revoke its session or user instead',
    );
    for (const run of [revoker.revokeSession, revoker.revokeUser, revoker.revokeToken]) {
      expect(await refusal(async () => run.call(revoker, signedOut))).toBe('TypeError: revoke: expected a signed-in auth object');
    }
    expect(calls).toEqual([]);
    // What the store refuses reaches the caller.
    expect(await refusal(() => revoker.revoke({}))).toBe('TypeError: revoke(): give at least one of sid, sub, jti');
  });

  it('without a revocation store every method rejects, naming the option, instead of losing the revocation', async () => {
    const { revoker, signIn } = setup(false);
    const auth = await signIn(a, { sub: 'user_1', sid: 'sess_1', jti: 'tok_1' });
    const message = 'Error: nestjs-warden: no revocation store: set the AuthModule option revocation ({ memory: true } or { redis: { url } })';
    expect(await refusal(() => revoker.revokeSession(auth))).toBe(message);
    expect(await refusal(() => revoker.revokeUser(auth))).toBe(message);
    expect(await refusal(() => revoker.revokeToken(auth))).toBe(message);
    expect(await refusal(() => revoker.revoke({ sub: 'user_1' }, NOW / 1000 + 60))).toBe(message);
  });
});
