import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { KeyFetchError } from './fetch-json.js';
import { readJwksDocument } from './jwks-document.js';

const rsa = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }), kid: 'rsa' };
const ec = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'ec' };

function problemOf(document: unknown): string {
  try {
    readJwksDocument(document);
  } catch (error) {
    expect(error).toBeInstanceOf(KeyFetchError);
    return (error as KeyFetchError).problem;
  }
  return 'accepted';
}

describe('readJwksDocument', () => {
  it('keeps public signature keys', () => {
    expect(readJwksDocument({ keys: [rsa, ec] }).map((k) => k.kid)).toEqual(['rsa', 'ec']);
  });

  it.each([null, [], 'keys', {}, { keys: null }, { keys: [null] }, { keys: ['x'] }, { keys: {} }])('refuses the shape %j', (document) => {
    expect(problemOf(document)).toBe('invalid-shape');
  });

  it('refuses the whole set when one key is private or symmetric', () => {
    const privateJwk = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'p' };
    expect(problemOf({ keys: [rsa, privateJwk] })).toBe('private-key');
    expect(problemOf({ keys: [rsa, { kty: 'oct', k: 'c2VjcmV0' }] })).toBe('private-key');
  });

  it('drops encryption keys, weak RSA keys, malformed keys and non-string kids', () => {
    const weak = { ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }), kid: 'weak' };
    const kept = readJwksDocument({
      keys: [rsa, { ...ec, kid: 'enc', use: 'enc' }, weak, { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'bad' }, { ...ec, kid: 7 }, { ...ec, kid: 'ops', key_ops: ['encrypt'] }],
    });
    expect(kept.map((k) => k.kid)).toEqual(['rsa']);
    expect(problemOf({ keys: [weak] })).toBe('no-usable-key');
  });

  it('refuses an absurd number of keys', () => {
    expect(problemOf({ keys: Array.from({ length: 101 }, (_, i) => ({ ...ec, kid: `k${i}` })) })).toBe('invalid-shape');
  });
});
