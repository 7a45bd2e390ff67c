import { describe, expect, it } from '@jest/globals';
import { createLocalJWKSet } from 'jose';
import { createTestIssuer } from '../testing/index.js';
import { rememberThumbprint, thumbprintOf, thumbprintsOf } from './key-thumbprint.js';

describe('key thumbprints (RFC 7638)', () => {
  it('tell apart two keys published under the same kid, and ignore the kid itself', async () => {
    const [a, b] = await Promise.all([createTestIssuer({ kid: 'k1' }), createTestIssuer({ kid: 'k1' })]);
    const [ta, tb, renamed] = await Promise.all([
      thumbprintsOf([a.publicJwk]),
      thumbprintsOf([b.publicJwk]),
      thumbprintsOf([{ ...a.publicJwk, kid: 'other' }]),
    ]);
    expect([...ta]).toHaveLength(1);
    expect(ta).not.toEqual(tb);
    expect(renamed).toEqual(ta);
  });

  it('remembers the thumbprint of a key a resolver handed out, for a synchronous read later', async () => {
    const issuer = await createTestIssuer({ kid: 'k1' });
    const key = await createLocalJWKSet(issuer.jwks)({ alg: 'RS256', kid: 'k1' });
    expect(thumbprintOf(key)).toBeUndefined();
    await rememberThumbprint(key);
    expect(new Set([thumbprintOf(key)])).toEqual(await thumbprintsOf([issuer.publicJwk]));
  });

  it('leaves values that are not keys without a thumbprint', async () => {
    await rememberThumbprint({ not: 'a key' });
    expect(thumbprintOf({ not: 'a key' })).toBeUndefined();
    expect(thumbprintOf(null)).toBeUndefined();
    expect(await thumbprintsOf([{ kty: 'nonsense' }])).toEqual(new Set());
  });
});
