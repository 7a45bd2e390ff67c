import { describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { createTestIssuer } from '../testing/index.js';
import { jwtVerifyNoticingReplacedKeys } from './replaced-key-retry.js';

describe('jwtVerifyNoticingReplacedKeys', () => {
  it('verifies again with the new key behind the same kid once the key source says the set changed', async () => {
    const [old, next] = await Promise.all([createTestIssuer({ kid: 'k1' }), createTestIssuer({ kid: 'k1' })]);
    let keys: JWTVerifyGetKey = createLocalJWKSet(old.jwks);
    let looks = 0;
    const source = {
      refreshAfterSignatureMismatch: async () => {
        looks += 1;
        keys = createLocalJWKSet(next.jwks);
        return true;
      },
    };
    const token = await next.sign();
    const result = await jwtVerifyNoticingReplacedKeys(token, (h, t) => keys(h, t), { algorithms: ['RS256'] }, source);
    expect(result.payload.sub).toBe('user_test');
    expect(looks).toBe(1);
  });

  it('keeps the signature error when the set did not change, and looks only for signature failures', async () => {
    const [old, other] = await Promise.all([createTestIssuer({ kid: 'k1' }), createTestIssuer({ kid: 'k1' })]);
    let looks = 0;
    const source = { refreshAfterSignatureMismatch: async () => (looks += 1) < 0 };
    const keys = createLocalJWKSet(old.jwks);
    await expect(jwtVerifyNoticingReplacedKeys(await other.sign(), keys, { algorithms: ['RS256'] }, source)).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
    expect(looks).toBe(1);
    await expect(jwtVerifyNoticingReplacedKeys(await old.sign({ exp: 1 }), keys, { algorithms: ['RS256'] }, source)).rejects.toBeInstanceOf(errors.JWTExpired);
    expect(looks).toBe(1);
  });
});
