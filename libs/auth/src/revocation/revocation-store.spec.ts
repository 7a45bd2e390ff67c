import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  RevocationUnavailableError,
  parseRevocationKey,
  revocationKey,
  revocationKeys,
  revocationUntil,
  type RevocationField,
  type RevocationTarget,
} from './revocation-store.js';

/** Asserts `fn` throws exactly a TypeError (not a subclass, not a plain Error) with exactly `message`. */
function expectTypeError(fn: () => unknown, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TypeError);
  expect((caught as Error).constructor).toBe(TypeError);
  expect((caught as Error).message).toBe(message);
}

const asTarget = (value: unknown): RevocationTarget => value as RevocationTarget;
const ISS_MESSAGE = 'revoke(): iss must be a non-empty string (or null for every issuer)';
const NONE_MESSAGE = 'revoke(): give at least one of sid, sub, jti';

describe('revocation-store constants and errors', () => {
  it('the default max token lifetime is one hour', () => {
    expect(DEFAULT_MAX_TOKEN_LIFETIME_SECONDS).toBe(3600);
  });

  it('RevocationUnavailableError carries its name, message and retry delay', () => {
    const error = new RevocationUnavailableError('the store is away', 7);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RevocationUnavailableError');
    expect(error.message).toBe('the store is away');
    expect(error.retryAfterSeconds).toBe(7);
    expect(String(error)).toBe('RevocationUnavailableError: the store is away');
  });
});

describe('revocationKeys', () => {
  it('one key per field, without issuer: field:value', () => {
    expect(revocationKeys({ sid: 's1' })).toStrictEqual(['sid:s1']);
    expect(revocationKeys({ sub: 'u1' })).toStrictEqual(['sub:u1']);
    expect(revocationKeys({ jti: 't1' })).toStrictEqual(['jti:t1']);
  });

  it('several fields at once, in the order given', () => {
    expect(revocationKeys({ sid: 's', sub: 'u', jti: 't' })).toStrictEqual(['sid:s', 'sub:u', 'jti:t']);
    expect(revocationKeys({ jti: 't', sid: 's' })).toStrictEqual(['jti:t', 'sid:s']);
  });

  it('with an issuer: field@<issuer, URI-encoded>:value', () => {
    expect(revocationKeys({ iss: 'tenant', sub: 'u' })).toStrictEqual(['sub@tenant:u']);
    expect(revocationKeys({ iss: 'https://id.example/t 1?a=b&c=@:%', sid: 's', jti: 't' })).toStrictEqual([
      'sid@https%3A%2F%2Fid.example%2Ft%201%3Fa%3Db%26c%3D%40%3A%25:s',
      'jti@https%3A%2F%2Fid.example%2Ft%201%3Fa%3Db%26c%3D%40%3A%25:t',
    ]);
  });

  it('iss undefined or null: keys for every issuer', () => {
    expect(revocationKeys({ iss: undefined, sid: 's' })).toStrictEqual(['sid:s']);
    expect(revocationKeys({ iss: null, sid: 's' })).toStrictEqual(['sid:s']);
  });

  it('values keep ":" and "@" as they are', () => {
    expect(revocationKeys({ sid: 'a:b@c' })).toStrictEqual(['sid:a:b@c']);
    expect(revocationKeys({ iss: 'i', sub: '@x:y' })).toStrictEqual(['sub@i:@x:y']);
  });

  it('skips fields given as undefined', () => {
    expect(revocationKeys({ sid: undefined, sub: 'u', jti: undefined })).toStrictEqual(['sub:u']);
  });

  it('refuses a target that is not an object', () => {
    const message = 'revoke(): expected { iss?, sid?, sub?, jti? }';
    expectTypeError(() => revocationKeys(asTarget(null)), message);
    expectTypeError(() => revocationKeys(asTarget(undefined)), message);
    expectTypeError(() => revocationKeys(asTarget('sid')), message);
    expectTypeError(() => revocationKeys(asTarget(5)), message);
  });

  it('refuses a target without any field', () => {
    expectTypeError(() => revocationKeys({}), NONE_MESSAGE);
    expectTypeError(() => revocationKeys({ iss: 'i' }), NONE_MESSAGE);
    expectTypeError(() => revocationKeys({ iss: null }), NONE_MESSAGE);
    expectTypeError(() => revocationKeys({ sid: undefined, sub: undefined, jti: undefined }), NONE_MESSAGE);
  });

  it('refuses an iss that is not a non-empty string', () => {
    expectTypeError(() => revocationKeys({ iss: '', sid: 's' }), ISS_MESSAGE);
    expectTypeError(() => revocationKeys(asTarget({ iss: 5, sid: 's' })), ISS_MESSAGE);
    expectTypeError(() => revocationKeys(asTarget({ iss: {}, sid: 's' })), ISS_MESSAGE);
    expectTypeError(() => revocationKeys(asTarget({ iss: ['a'], sid: 's' })), ISS_MESSAGE);
  });

  it('accepts an iss of 2048 characters, refuses 2049', () => {
    const iss = 'i'.repeat(2048);
    expect(revocationKeys({ iss, sid: 's' })).toStrictEqual([`sid@${iss}:s`]);
    expectTypeError(() => revocationKeys({ iss: `${iss}i`, sid: 's' }), ISS_MESSAGE);
  });

  it('refuses an unknown field, naming its first 16 characters, even when undefined', () => {
    expectTypeError(() => revocationKeys(asTarget({ foo: 'x' })), 'revoke(): unknown field "foo"');
    expectTypeError(() => revocationKeys(asTarget({ sid: 's', exp: 1 })), 'revoke(): unknown field "exp"');
    expectTypeError(() => revocationKeys(asTarget({ sid: 's', other: undefined })), 'revoke(): unknown field "other"');
    expectTypeError(() => revocationKeys(asTarget({ abcdefghijklmnopqrstuvwxyz: 'x' })), 'revoke(): unknown field "abcdefghijklmnop"');
    expectTypeError(() => revocationKeys(asTarget({ abcdefghijklmnop: 'x' })), 'revoke(): unknown field "abcdefghijklmnop"');
    expectTypeError(() => revocationKeys(asTarget({ abcdefghijklmnopq: 'x' })), 'revoke(): unknown field "abcdefghijklmnop"');
  });

  it('field names are exact', () => {
    expectTypeError(() => revocationKeys(asTarget({ SID: 'x' })), 'revoke(): unknown field "SID"');
    expectTypeError(() => revocationKeys(asTarget({ '': 'x' })), 'revoke(): unknown field ""');
  });

  it('refuses a value that is not a non-empty string, naming its field', () => {
    for (const field of ['sid', 'sub', 'jti'] as const) {
      const message = `revoke(): ${field} must be a non-empty string`;
      expectTypeError(() => revocationKeys(asTarget({ [field]: '' })), message);
      expectTypeError(() => revocationKeys(asTarget({ [field]: 5 })), message);
      expectTypeError(() => revocationKeys(asTarget({ [field]: null })), message);
      expectTypeError(() => revocationKeys(asTarget({ [field]: ['a'] })), message);
    }
    expectTypeError(() => revocationKeys(asTarget({ sid: 's', sub: '' })), 'revoke(): sub must be a non-empty string');
  });

  it('accepts a value of 512 characters, refuses 513', () => {
    const value = 'v'.repeat(512);
    expect(revocationKeys({ jti: value })).toStrictEqual([`jti:${value}`]);
    expectTypeError(() => revocationKeys({ jti: `${value}v` }), 'revoke(): jti must be a non-empty string');
  });

  it('reads own fields only', () => {
    const target = Object.create({ sid: 'inherited' }) as RevocationTarget;
    target.sub = 'u';
    expect(revocationKeys(target)).toStrictEqual(['sub:u']);
  });
});

describe('revocationKey', () => {
  it('without issuer (empty iss): field:value', () => {
    expect(revocationKey('sid', '', 'abc')).toBe('sid:abc');
    expect(revocationKey('sub', '', 'a:b@c')).toBe('sub:a:b@c');
  });

  it('with issuer: field@<URI-encoded issuer>:value', () => {
    expect(revocationKey('jti', 'tenant-1', 'v')).toBe('jti@tenant-1:v');
    expect(revocationKey('sid', 'https://a.example/x', 'v:w')).toBe('sid@https%3A%2F%2Fa.example%2Fx:v:w');
    expect(revocationKey('sub', 'a@b:c d%', 'u@x')).toBe('sub@a%40b%3Ac%20d%25:u@x');
  });
});

describe('parseRevocationKey', () => {
  it('parses keys without issuer', () => {
    expect(parseRevocationKey('sid:abc')).toStrictEqual({ field: 'sid', iss: '', value: 'abc' });
    expect(parseRevocationKey('sub:u')).toStrictEqual({ field: 'sub', iss: '', value: 'u' });
    expect(parseRevocationKey('jti:t')).toStrictEqual({ field: 'jti', iss: '', value: 't' });
  });

  it('the value is everything after the first colon, ":" and "@" included', () => {
    expect(parseRevocationKey('sid:a:b')).toStrictEqual({ field: 'sid', iss: '', value: 'a:b' });
    expect(parseRevocationKey('sid:a@b')).toStrictEqual({ field: 'sid', iss: '', value: 'a@b' });
    expect(parseRevocationKey('sub@i:a@b:c')).toStrictEqual({ field: 'sub', iss: 'i', value: 'a@b:c' });
    expect(parseRevocationKey('sid:')).toStrictEqual({ field: 'sid', iss: '', value: '' });
  });

  it('parses and decodes the issuer', () => {
    expect(parseRevocationKey('sid@tenant:s')).toStrictEqual({ field: 'sid', iss: 'tenant', value: 's' });
    expect(parseRevocationKey('jti@https%3A%2F%2Fa.example%2Fx:t')).toStrictEqual({ field: 'jti', iss: 'https://a.example/x', value: 't' });
    expect(parseRevocationKey('sub@a@b:u')).toStrictEqual({ field: 'sub', iss: 'a@b', value: 'u' });
  });

  it('null for a key without a colon', () => {
    expect(parseRevocationKey('sid')).toBeNull();
    expect(parseRevocationKey('sidX')).toBeNull();
    expect(parseRevocationKey('sid@x')).toBeNull();
    expect(parseRevocationKey('')).toBeNull();
  });

  it('null for a key starting with a colon', () => {
    expect(parseRevocationKey(':sid')).toBeNull();
    expect(parseRevocationKey(':')).toBeNull();
  });

  it('null for an unknown field, with or without issuer', () => {
    expect(parseRevocationKey('foo:x')).toBeNull();
    expect(parseRevocationKey('foo@i:x')).toBeNull();
    expect(parseRevocationKey('si:x')).toBeNull();
    expect(parseRevocationKey('SID:x')).toBeNull();
    expect(parseRevocationKey('@i:x')).toBeNull();
    expect(parseRevocationKey('sid@i@:x')).toStrictEqual({ field: 'sid', iss: 'i@', value: 'x' });
  });

  it('null for "@" with an empty issuer', () => {
    expect(parseRevocationKey('sid@:x')).toBeNull();
  });

  it('null for a bad percent escape in the issuer', () => {
    expect(parseRevocationKey('sid@%:x')).toBeNull();
    expect(parseRevocationKey('sid@%E0%A4%A:x')).toBeNull();
    expect(parseRevocationKey('sid@%ZZ:x')).toBeNull();
  });

  it('round-trips every key revocationKey makes', () => {
    const fields: RevocationField[] = ['sid', 'sub', 'jti'];
    const issuers = ['', 'tenant', 'https://id.example/realms/a b?x=1&y=@:%', 'a@b', '%41'];
    const values = ['v', 'a:b', 'a@b', '@:', '%41', 'é'];
    for (const field of fields) {
      for (const iss of issuers) {
        for (const value of values) {
          expect(parseRevocationKey(revocationKey(field, iss, value))).toStrictEqual({ field, iss, value });
        }
      }
    }
  });

  it('round-trips revocationKeys', () => {
    const keys = revocationKeys({ iss: 'https://x.example', sid: 's:1', sub: 'u@2', jti: 't' });
    expect(keys.map(parseRevocationKey)).toStrictEqual([
      { field: 'sid', iss: 'https://x.example', value: 's:1' },
      { field: 'sub', iss: 'https://x.example', value: 'u@2' },
      { field: 'jti', iss: 'https://x.example', value: 't' },
    ]);
  });
});

describe('revocationUntil', () => {
  it('without one: now in seconds, rounded up, plus the longest token lifetime', () => {
    expect(revocationUntil(undefined, 1_900_000_000_000, 3600)).toBe(1_900_003_600);
    expect(revocationUntil(undefined, 1_900_000_000_001, 3600)).toBe(1_900_003_601);
    expect(revocationUntil(undefined, 1_900_000_000_999, 600)).toBe(1_900_000_601);
    expect(revocationUntil(undefined, 1_900_000_000_500, 1)).toBe(1_900_000_002);
    expect(revocationUntil(undefined, 0, 60)).toBe(60);
  });

  it('a given one is returned as it is', () => {
    expect(revocationUntil(1234, 1_900_000_000_000, 3600)).toBe(1234);
    expect(revocationUntil(0, 1_900_000_000_000, 3600)).toBe(0);
    expect(revocationUntil(-5, 1_900_000_000_000, 3600)).toBe(-5);
    expect(revocationUntil(1.5, 1_900_000_000_000, 3600)).toBe(1.5);
  });

  it('refuses one that is not a finite number', () => {
    const message = 'revoke(): untilEpochSeconds must be a finite number';
    expectTypeError(() => revocationUntil(Number.NaN, 0, 3600), message);
    expectTypeError(() => revocationUntil(Number.POSITIVE_INFINITY, 0, 3600), message);
    expectTypeError(() => revocationUntil(Number.NEGATIVE_INFINITY, 0, 3600), message);
    expectTypeError(() => revocationUntil('123' as unknown as number, 0, 3600), message);
    expectTypeError(() => revocationUntil(null as unknown as number, 0, 3600), message);
  });
});
