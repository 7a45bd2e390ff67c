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
    expect(() => revocationRequestOf(session({ sessionId: null }), 'session')).toThrow(/no sid/);
    expect(() => revocationRequestOf(machine, 'user')).toThrow(/m2m_token has no user session/);
    expect(() => revocationRequestOf(machine, 'token')).toThrow(/no jti/);
    expect(() => revocationRequestOf({ isAuthenticated: false } as unknown as SignedInAuthObject, 'user')).toThrow(/signed-in auth object/);
  });
});

describe('revokeIn', () => {
  it('records in the store, and refuses to lose a revocation when there is none', async () => {
    const store = memoryRevocationStore();
    await revokeIn(store, revocationRequestOf(session(), 'user'));
    expect(store.isRevoked({ iss: 'https://a.test', sub: 'user_1' })).toBe(true);
    await expect(revokeIn(undefined, revocationRequestOf(session(), 'user'))).rejects.toThrow(/no revocation store/);
  });
});
