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
    // A symmetric key is refused by its type, also when its secret is left out.
    expect(problemOf({ keys: [rsa, { kty: 'oct', kid: 'hs' }] })).toBe('private-key');
  });

  it('drops encryption keys, weak RSA keys, malformed keys and non-string kids', () => {
    const weak = { ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }), kid: 'weak' };
    const kept = readJwksDocument({
      keys: [
        rsa,
        { ...ec, kid: 'enc', use: 'enc' },
        weak,
        { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'bad' },
        { ...ec, kid: 7 },
        { ...ec, kid: 'ops', key_ops: ['encrypt'] },
        // A point that is not on the curve: Node refuses to import it.
        { kty: 'EC', crv: 'P-256', x: ec.x, y: ec.x, kid: 'off-curve' },
      ],
    });
    expect(kept.map((k) => k.kid)).toEqual(['rsa']);
    expect(problemOf({ keys: [weak] })).toBe('no-usable-key');
  });

  it('keeps a key without kid', () => {
    const unnamed = { kty: ec.kty, crv: ec.crv, x: ec.x, y: ec.y };
    expect(readJwksDocument({ keys: [unnamed] })).toEqual([unnamed]);
  });

  it('refuses an absurd number of keys', () => {
    expect(problemOf({ keys: Array.from({ length: 101 }, (_, i) => ({ ...ec, kid: `k${i}` })) })).toBe('invalid-shape');
  });
});

describe('readJwksDocument, exactly', () => {
  const messageOf = (document: unknown) => {
    try {
      readJwksDocument(document);
    } catch (error) {
      return (error as KeyFetchError).message;
    }
    return 'accepted';
  };

  it('says what is wrong with the set', () => {
    const prefix = 'nestjs-warden: key fetch failed: ';
    expect(messageOf([])).toBe(`${prefix}the JWKS is not a JSON object`);
    expect(messageOf(null)).toBe(`${prefix}the JWKS is not a JSON object`);
    expect(messageOf({ keys: {} })).toBe(`${prefix}the JWKS has no keys array`);
    expect(messageOf({ keys: [ec, []] })).toBe(`${prefix}every key must be a JSON object`);
    expect(messageOf({ keys: [{ ...ec, d: 'AA' }] })).toBe(`${prefix}the JWKS contains a private or symmetric key`);
    expect(messageOf({ keys: [{ ...ec, use: 'enc' }] })).toBe(`${prefix}the JWKS holds no usable signature key`);
    expect(messageOf({ keys: Array.from({ length: 101 }, () => ec) })).toBe(`${prefix}the JWKS holds more than 100 keys`);
  });

  it('takes up to 100 keys, and hands out copies', () => {
    expect(readJwksDocument({ keys: Array.from({ length: 100 }, (_, i) => ({ ...ec, kid: `k${i}` })) })).toHaveLength(100);
    const [copy] = readJwksDocument({ keys: [ec] });
    expect(copy).toEqual(ec);
    expect(copy).not.toBe(ec);
  });

  it('keeps a key whose key_ops allow verify, and drops one whose key_ops do not or are not a list', () => {
    const kept = readJwksDocument({
      keys: [
        { ...ec, kid: 'verify', key_ops: ['verify'] },
        { ...ec, kid: 'both', key_ops: ['sign', 'verify'] },
        { ...ec, kid: 'sign', key_ops: ['sign'] },
        { ...ec, kid: 'string', key_ops: 'verify' },
        { ...ec, kid: 'sig', use: 'sig' },
        { ...ec, kid: 'curve', crv: 'constructor' },
        { ...ec, kid: 'alg', alg: 'HS256' },
      ],
    });
    expect(kept.map((k) => k.kid)).toEqual(['verify', 'both', 'sig']);
  });

  it('keeps RSA keys of 2048 bits', () => {
    expect(readJwksDocument({ keys: [rsa] })).toHaveLength(1);
  });
});
