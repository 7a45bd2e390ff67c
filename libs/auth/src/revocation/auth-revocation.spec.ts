import { describe, expect, it } from '@jest/globals';
import type { SignedInAuthObject } from '../auth-object/auth-object.js';
import type { MachineAuthObject } from '../auth-object/machine-auth-object.js';
import { memoryRevocationStore } from './memory-revocation-store.js';
import { revocationRequestOf, revokeIn } from './auth-revocation.js';

const session = (fields: Partial<SignedInAuthObject> = {}) =>
  ({
    isAuthenticated: true,
    tokenType: 'session_token',
    issuer: 'https://a.test',
    userId: 'user_1',
    sessionId: 'sess_1',
    claims: { sub: 'user_1', sid: 'sess_1', jti: 'tok_1', exp: 2_000_000_000 },
    ...fields,
  }) as SignedInAuthObject;
const machine = {
  isAuthenticated: true,
  tokenType: 'm2m_token',
  issuer: null,
  subject: 'mch_1',
  claims: { sub: 'mch_1', exp: 1 },
} as unknown as MachineAuthObject;

describe('revocationRequestOf', () => {
  it('names the session, the user or the token, scoped to the issuer that signed it in', () => {
    expect(revocationRequestOf(session(), 'session')).toEqual({ target: { iss: 'https://a.test', sid: 'sess_1' } });
    expect(revocationRequestOf(session(), 'user')).toEqual({ target: { iss: 'https://a.test', sub: 'user_1' } });
    expect(revocationRequestOf(session(), 'token')).toEqual({ target: { iss: 'https://a.test', jti: 'tok_1' }, untilEpochSeconds: 2_000_000_000 });
    // A token without iss: the revocation applies to every issuer, as the store documents.
    expect(revocationRequestOf(session({ issuer: null }), 'user')).toEqual({ target: { iss: null, sub: 'user_1' } });
  });

  it('says what is missing instead of revoking the wrong thing', () => {
    const noJti = 'revoke: the token has no jti to revoke it by; revoke its session or user instead';
    const notSignedIn = 'revoke: expected a signed-in auth object';
    expect(() => revocationRequestOf(session({ sessionId: null }), 'session')).toThrow(
      'revoke: the token has no sid (session id); revoke the user or the token instead',
    );
    expect(() => revocationRequestOf(machine, 'session')).toThrow('revoke: a m2m_token has no session; revoke the token instead');
    expect(() => revocationRequestOf(machine, 'user')).toThrow('revoke: a m2m_token has no user session; revoke the token instead');
    expect(() => revocationRequestOf(machine, 'token')).toThrow(noJti);
    expect(() => revocationRequestOf(session({ claims: { sub: 'user_1', jti: '' } }), 'token')).toThrow(noJti);
    expect(() => revocationRequestOf({ isAuthenticated: false } as unknown as SignedInAuthObject, 'user')).toThrow(notSignedIn);
    expect(() => revocationRequestOf(null as unknown as SignedInAuthObject, 'user')).toThrow(notSignedIn);
  });

  it("names a machine's token by its jti, and a token without exp until the store's longest lifetime", () => {
    const withJti = { ...machine, claims: { sub: 'mch_1', jti: 'tok_m', exp: 5 } } as unknown as MachineAuthObject;
    expect(revocationRequestOf(withJti, 'token')).toEqual({ target: { iss: null, jti: 'tok_m' }, untilEpochSeconds: 5 });
    expect(revocationRequestOf(session({ claims: { sub: 'user_1', jti: 'tok_1' } }), 'token')).toStrictEqual({
      target: { iss: 'https://a.test', jti: 'tok_1' },
    });
  });
});

describe('revokeIn', () => {
  it('records in the store, and refuses to lose a revocation when there is none', async () => {
    const store = memoryRevocationStore();
    await revokeIn(store, revocationRequestOf(session(), 'user'));
    expect(store.isRevoked({ iss: 'https://a.test', sub: 'user_1' })).toBe(true);
    await expect(revokeIn(undefined, revocationRequestOf(session(), 'user'))).rejects.toThrow(
      'nestjs-warden: no revocation store: set the AuthModule option revocation ({ memory: true } or { redis: { url } })',
    );
  });

  it('hands the store the end of the revocation', async () => {
    const calls: unknown[] = [];
    const store = { ...memoryRevocationStore(), revoke: (...args: unknown[]) => Promise.resolve(void calls.push(args)) };
    await revokeIn(store, { target: { iss: null, jti: 'tok_1' }, untilEpochSeconds: 7 });
    expect(calls).toEqual([[{ iss: null, jti: 'tok_1' }, 7]]);
  });
});
