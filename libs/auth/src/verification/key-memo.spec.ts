import { beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { createTestIssuer, type TestIssuer } from '../testing/index.js';
import { MemoizedKeys } from './key-memo.js';

let a: TestIssuer;
let b: TestIssuer;
beforeAll(async () => {
  [a, b] = await Promise.all([createTestIssuer({ kid: 'a', alg: 'ES256' }), createTestIssuer({ kid: 'b', alg: 'ES256' })]);
});

function counting() {
  const set = createLocalJWKSet({ keys: [a.publicJwk, b.publicJwk] });
  const calls = { n: 0 };
  const resolver: JWTVerifyGetKey = (header, token) => {
    calls.n += 1;
    return set(header, token);
  };
  return { keys: new MemoizedKeys(resolver), calls };
}

const token = { payload: '', signature: '' };

describe('MemoizedKeys', () => {
  it('returns a key found before synchronously, per alg and kid', async () => {
    const { keys, calls } = counting();
    expect(keys.peek({ alg: 'ES256', kid: 'a' })).toBeUndefined();
    const first = await keys.getKey({ alg: 'ES256', kid: 'a' }, token);
    const again = keys.getKey({ alg: 'ES256', kid: 'a' }, token);
    expect(again).toBe(first);
    expect(again).not.toBeInstanceOf(Promise);
    const other = await keys.getKey({ alg: 'ES256', kid: 'b' }, token);
    expect(other).not.toBe(first);
    expect(calls.n).toBe(2);
  });

  it('keeps no failure: an unknown kid asks the resolver every time', async () => {
    const { keys, calls } = counting();
    for (let i = 0; i < 2; i += 1) {
      await expect(keys.getKey({ alg: 'ES256', kid: 'nope' }, token)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    }
    expect(calls.n).toBe(2);
    expect(keys.peek({ alg: 'ES256', kid: 'nope' })).toBeUndefined();
  });

  it('never keys a header without a string alg or with a non-string kid', async () => {
    const { keys } = counting();
    await keys.getKey({ alg: 'ES256', kid: 'a' }, token);
    expect(keys.peek({ alg: 'ES256', kid: 7 as unknown as string })).toBeUndefined();
    expect(keys.peek({ kid: 'a' } as never)).toBeUndefined();
    // No kid is its own entry: with two keys in the set, jose refuses to choose.
    await expect(keys.getKey({ alg: 'ES256' }, token)).rejects.toBeInstanceOf(errors.JWKSMultipleMatchingKeys);
    expect(keys.peek({ alg: 'ES256' })).toBeUndefined();
  });
});
