import { describe, expect, it } from '@jest/globals';
import { errors, type FlattenedJWSInput, type JWTVerifyGetKey } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { ResolvedKey } from './key-memo.js';
import { checkHeader, headerFault, keyResolver } from './token-header.js';

const ALGS = ['RS256', 'ES256'] as const;
type Header = Parameters<JWTVerifyGetKey>[0];
const token = {} as FlattenedJWSInput;
const KEY = { type: 'public' } as unknown as ResolvedKey;

/** The AuthError `run` throws, synchronously. */
function thrown(run: () => unknown): AuthError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected an AuthError, nothing was thrown');
}

/** The AuthError a promise rejects with. */
async function rejected(promise: unknown): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected a rejection with an AuthError');
}

/** A compact token whose protected header is `header` (JSON text), with a dummy payload and signature. */
const withHeader = (header: string): string => `${Buffer.from(header).toString('base64url')}.e30.c2ln`;

describe('checkHeader', () => {
  it('accepts an allowed alg with a string kid and no cty', () => {
    expect(() => checkHeader({ alg: 'RS256', kid: 'k1' }, ALGS)).not.toThrow();
    expect(() => checkHeader({ alg: 'ES256' }, ALGS)).not.toThrow();
  });

  it.each([
    ['an alg not in the list', { alg: 'HS256' }],
    ['an alg of another case', { alg: 'rs256' }],
    ['a non-string alg', { alg: 256 }],
    ['no alg', {}],
  ])('refuses %s as token-invalid-algorithm', (_name, header) => {
    const error = thrown(() => checkHeader(header as unknown as Header, ALGS));
    expect(error.reason).toBe(AuthErrorReason.TokenInvalidAlgorithm);
    expect(error.message).toBe('the token algorithm is not allowed');
  });

  it.each(['jku', 'x5u', 'jwk', 'x5c'])('refuses a header naming its own key with %s, even an undefined one, as token-invalid', (name) => {
    for (const value of ['https://keys.example', undefined]) {
      const error = thrown(() => checkHeader({ alg: 'RS256', [name]: value }, ALGS));
      expect(error.reason).toBe(AuthErrorReason.TokenInvalid);
      expect(error.message).toBe('the token names its own key; refused');
    }
  });

  it.each([0, null, {}, ['k1']])('refuses kid %p as token-invalid', (kid) => {
    const error = thrown(() => checkHeader({ alg: 'RS256', kid } as unknown as Header, ALGS));
    expect(error.reason).toBe(AuthErrorReason.TokenInvalid);
    expect(error.message).toBe('the token kid is not a string');
  });

  it.each(['JWT', 'jwt', 'Jwt'])('refuses a nested token (cty %p) as token-invalid', (cty) => {
    const error = thrown(() => checkHeader({ alg: 'RS256', cty }, ALGS));
    expect(error.reason).toBe(AuthErrorReason.TokenInvalid);
    expect(error.message).toBe('nested tokens are not accepted');
  });

  it('accepts another cty, and a cty that is not a string', () => {
    expect(() => checkHeader({ alg: 'RS256', cty: 'json' }, ALGS)).not.toThrow();
    expect(() => checkHeader({ alg: 'RS256', cty: 1 } as unknown as Header, ALGS)).not.toThrow();
  });

  it('checks the algorithm before anything else', () => {
    expect(thrown(() => checkHeader({ alg: 'none', jku: 'x', cty: 'JWT' }, ALGS)).reason).toBe(AuthErrorReason.TokenInvalidAlgorithm);
  });
});

describe('keyResolver', () => {
  it('hands out a fixed key after the header rules', () => {
    const resolve = keyResolver(KEY, ALGS);
    expect(resolve({ alg: 'RS256' }, token)).toBe(KEY);
    expect(thrown(() => resolve({ alg: 'HS256' }, token)).reason).toBe(AuthErrorReason.TokenInvalidAlgorithm);
  });

  it('asks a key function only for a header that passed the rules, and returns what it answers as is', async () => {
    const asked: Header[] = [];
    const source = ((header: Header) => {
      asked.push(header);
      return KEY;
    }) as unknown as JWTVerifyGetKey;
    const resolve = keyResolver(source, ALGS);
    expect(thrown(() => resolve({ alg: 'RS256', jwk: {} }, token)).reason).toBe(AuthErrorReason.TokenInvalid);
    expect(asked).toEqual([]);
    expect(resolve({ alg: 'RS256', kid: 'k1' }, token)).toBe(KEY);
    expect(asked).toEqual([{ alg: 'RS256', kid: 'k1' }]);
    const later = Promise.resolve(KEY);
    const async = keyResolver(() => later, ALGS)({ alg: 'RS256' }, token);
    expect(await async).toBe(KEY);
  });

  const failures: Array<[string, () => unknown, AuthErrorReason, string]> = [
    ['no matching key', () => new errors.JWKSNoMatchingKey(), AuthErrorReason.KeyNotFound, 'no key matches the token'],
    ['several matching keys', () => new errors.JWKSMultipleMatchingKeys(), AuthErrorReason.KeyNotFound, 'no key matches the token'],
    ['an unsupported key or algorithm', () => new errors.JOSENotSupported('x'), AuthErrorReason.TokenInvalidAlgorithm, 'the token algorithm is not supported'],
    ['a fetch failure', () => new TypeError('fetch failed'), AuthErrorReason.KeysUnavailable, 'the signing keys could not be loaded'],
    ['a JWKS timeout', () => new errors.JWKSTimeout(), AuthErrorReason.KeysUnavailable, 'the signing keys could not be loaded'],
    ['a non-Error', () => 'down', AuthErrorReason.KeysUnavailable, 'the signing keys could not be loaded'],
  ];

  it.each(failures)('maps %s thrown by the key source', (_name, make, reason, message) => {
    const source = (() => {
      throw make();
    }) as unknown as JWTVerifyGetKey;
    const error = thrown(() => keyResolver(source, ALGS)({ alg: 'RS256' }, token));
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(message);
  });

  it.each(failures)('maps %s the key source rejects with', async (_name, make, reason, message) => {
    const source = (() => Promise.reject(make())) as unknown as JWTVerifyGetKey;
    const error = await rejected(keyResolver(source, ALGS)({ alg: 'RS256' }, token));
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(message);
  });

  it('passes an AuthError of the key source on unchanged', async () => {
    const own = new AuthError(AuthErrorReason.KeysUnavailable, 'cooling down', 30);
    const throwing = (() => {
      throw own;
    }) as unknown as JWTVerifyGetKey;
    expect(thrown(() => keyResolver(throwing, ALGS)({ alg: 'RS256' }, token))).toBe(own);
    const rejecting = (() => Promise.reject(own)) as unknown as JWTVerifyGetKey;
    expect(await rejected(keyResolver(rejecting, ALGS)({ alg: 'RS256' }, token))).toBe(own);
  });
});

describe('headerFault', () => {
  it.each([
    ['a header that is not base64url JSON', 'not-json.e30.c2ln'],
    ['a header that is a JSON array', withHeader('["RS256"]')],
    ['a header that is a JSON string', withHeader('"RS256"')],
  ])('calls %s token-invalid', (_name, compact) => {
    const fault = headerFault(compact);
    expect(fault).toBeInstanceOf(AuthError);
    expect(fault?.reason).toBe(AuthErrorReason.TokenInvalid);
    expect(fault?.message).toBe('the token header is not a JSON object');
  });

  it.each([
    ['no alg', '{"typ":"JWT"}'],
    ['an empty alg', '{"alg":""}'],
    ['a numeric alg', '{"alg":256}'],
  ])('calls a header with %s token-invalid-algorithm', (_name, header) => {
    const fault = headerFault(withHeader(header));
    expect(fault?.reason).toBe(AuthErrorReason.TokenInvalidAlgorithm);
    expect(fault?.message).toBe('the token algorithm is not allowed');
  });

  it('finds no fault in a JSON object header with a string alg (whether the alg is allowed is checked elsewhere)', () => {
    expect(headerFault(withHeader('{"alg":"RS256","kid":"k1"}'))).toBeUndefined();
    expect(headerFault(withHeader('{"alg":"none"}'))).toBeUndefined();
  });
});
