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
    // A second kid of the same alg is kept beside the first, not instead of it.
    expect(keys.peek({ alg: 'ES256', kid: 'a' })).toBe(first);
    expect(keys.peek({ alg: 'ES256', kid: 'b' })).toBe(other);
  });

  it('keeps the key of a header without kid too, as its own entry', async () => {
    const keys = new MemoizedKeys(createLocalJWKSet({ keys: [a.publicJwk] }));
    const first = await keys.getKey({ alg: 'ES256' }, token);
    expect(keys.getKey({ alg: 'ES256' }, token)).toBe(first);
    expect(keys.peek({ alg: 'ES256', kid: 'a' })).toBeUndefined();
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

  it('keeps nothing for such a header even from a resolver that answers it', async () => {
    // jose's key sets refuse these headers; a resolver that answers one key whatever it is asked
    // shows that the memo itself neither stores nor reads them (each would be an entry made by
    // unsigned input).
    const key = await counting().keys.getKey({ alg: 'ES256', kid: 'a' }, token);
    const keys = new MemoizedKeys(() => key);
    const odd = [{ alg: 'ES256', kid: 7 }, { kid: 'a' }, { alg: ['ES256'], kid: 'a' }] as never[];
    for (const header of odd) expect(await keys.getKey(header, token)).toBe(key);
    for (const header of odd) expect(keys.peek(header)).toBeUndefined();
    expect((keys as unknown as { found: Map<unknown, unknown> }).found.size).toBe(0);
  });
});
