import { beforeAll, describe, expect, it } from '@jest/globals';
import { createPrivateKey, generateKeyPairSync, KeyObject, randomBytes, type JsonWebKey } from 'node:crypto';
import { resolveDecryption, type DecryptionOptions } from './decryption-options.js';
import { expectConfigRefusal } from './config-error.spec-support.js';

const RSA = ['RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512', 'RSA-OAEP'];
const RSA_DEFAULT = ['RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512'];
const ECDH = ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'];
const SYMMETRIC = ['A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW', 'dir'];
const ENCRYPTIONS = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];
const ALGORITHMS_PROBLEM = `expected a non-empty list of ${[...RSA, ...ECDH, ...SYMMETRIC].join(', ')}`;
const ENCRYPTIONS_PROBLEM = 'expected a non-empty list of A128GCM, A192GCM, A256GCM, A128CBC-HS256, A192CBC-HS384, A256CBC-HS512';
const UNPARSABLE = 'could not be parsed as a private key (a JWK with its private members, or PKCS#8 PEM)';

/** `options` stop the boot naming `option`, with exactly `problem`. */
function expectRefused(options: unknown, option: string, problem: string): void {
  expectConfigRefusal(() => resolveDecryption(options as DecryptionOptions), option, problem);
}

interface Keys {
  rsa: JsonWebKey;
  rsaPem: string;
  rsaSmall: JsonWebKey;
  ec: JsonWebKey;
  ecPem: string;
  x25519: JsonWebKey;
  x448: JsonWebKey;
  ed25519: JsonWebKey;
  ed25519Pem: string;
  rsaPssPem: string;
  secret: Buffer;
  oct: JsonWebKey;
}

let k: Keys;

beforeAll(() => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const ed25519 = generateKeyPairSync('ed25519').privateKey;
  const secret = randomBytes(32);
  k = {
    rsa: rsa.export({ format: 'jwk' }),
    rsaPem: rsa.export({ format: 'pem', type: 'pkcs8' }).toString(),
    rsaSmall: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' }),
    ec: ec.export({ format: 'jwk' }),
    ecPem: ec.export({ format: 'pem', type: 'pkcs8' }).toString(),
    x25519: generateKeyPairSync('x25519').privateKey.export({ format: 'jwk' }),
    x448: generateKeyPairSync('x448').privateKey.export({ format: 'jwk' }),
    ed25519: ed25519.export({ format: 'jwk' }),
    ed25519Pem: ed25519.export({ format: 'pem', type: 'pkcs8' }).toString(),
    rsaPssPem: generateKeyPairSync('rsa-pss', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    secret,
    oct: { kty: 'oct', k: secret.toString('base64url') },
  };
});

const keyOf = (jwk: JsonWebKey) => createPrivateKey({ key: jwk, format: 'jwk' });

describe('resolveDecryption: absent or not an object', () => {
  it('is undefined when the option is not given', () => {
    expect(resolveDecryption(undefined)).toBeUndefined();
  });

  it.each([
    ['null', null],
    ['a string', 'keys'],
    ['a number', 42],
    ['a boolean', true],
    ['an array', [{ kty: 'oct', k: 'AAAA' }]],
  ])('refuses %s', (_, options) => {
    expectRefused(options, 'decryption', 'expected { keys | jwks, algorithms?, encryptionAlgorithms?, required? }');
  });

  it('refuses an unknown option, naming it with the closest known one', () => {
    expectRefused(
      { keys: [k.oct], algorithm: ['dir'] },
      'decryption.algorithm',
      'unknown option "decryption.algorithm" (did you mean "decryption.algorithms"?)',
    );
  });
});

describe('resolveDecryption: keys and jwks', () => {
  it('refuses both keys and jwks, and neither', () => {
    expectRefused({ keys: [k.oct], jwks: { keys: [k.oct] } }, 'decryption', 'give exactly one of keys and jwks');
    expectRefused({}, 'decryption', 'give exactly one of keys and jwks');
    expectRefused({ required: false }, 'decryption', 'give exactly one of keys and jwks');
  });

  it.each([
    ['an empty list', []],
    ['a key instead of a list', 'not-a-list'],
    ['an object', { 0: 'x' }],
    ['null', null],
  ])('refuses keys given as %s', (_, keys) => {
    expectRefused({ keys }, 'decryption.keys', 'expected a non-empty list of private keys');
  });

  it.each([
    ['an empty key set', { keys: [] }],
    ['a set without keys', {}],
    ['a set whose keys are not a list', { keys: 'x' }],
    ['null', null],
    ['a string', 'jwks'],
  ])('refuses jwks given as %s', (_, jwks) => {
    expectRefused({ jwks }, 'decryption.jwks', 'expected a non-empty list of private keys');
  });

  it('takes one RSA JWK without kid: the defaults are the RSA-OAEP-2xx algorithms, every encryption, required', () => {
    const resolved = resolveDecryption({ keys: [k.rsa] });
    expect(resolved).toStrictEqual({
      keys: [{ kid: undefined, key: expect.any(KeyObject), algorithms: RSA }],
      algorithms: RSA_DEFAULT,
      encryptionAlgorithms: ENCRYPTIONS,
      required: true,
    });
    expect(resolved?.keys[0].key.equals(keyOf(k.rsa))).toBe(true);
    expect(resolved?.keys[0].key.type).toBe('private');
  });

  it('takes the same key from jwks, naming it by its kid', () => {
    const resolved = resolveDecryption({ jwks: { keys: [{ ...k.rsa, kid: 'rsa-1', use: 'enc' }] } });
    expect(resolved).toStrictEqual({
      keys: [{ kid: 'rsa-1', key: expect.any(KeyObject), algorithms: RSA }],
      algorithms: RSA_DEFAULT,
      encryptionAlgorithms: ENCRYPTIONS,
      required: true,
    });
    expect(resolved?.keys[0].key.equals(keyOf(k.rsa))).toBe(true);
  });

  it('takes an EC JWK: the ECDH-ES algorithms', () => {
    const resolved = resolveDecryption({ keys: [k.ec] });
    expect(resolved).toStrictEqual({
      keys: [{ kid: undefined, key: expect.any(KeyObject), algorithms: ECDH }],
      algorithms: ECDH,
      encryptionAlgorithms: ENCRYPTIONS,
      required: true,
    });
    expect(resolved?.keys[0].key.equals(keyOf(k.ec))).toBe(true);
  });

  it.each(['x25519', 'x448'] as const)('takes an %s JWK: the ECDH-ES algorithms', (type) => {
    const resolved = resolveDecryption({ keys: [k[type]] });
    expect(resolved?.keys).toStrictEqual([{ kid: undefined, key: expect.any(KeyObject), algorithms: ECDH }]);
    expect(resolved?.keys[0].key.asymmetricKeyType).toBe(type);
    expect(resolved?.algorithms).toEqual(ECDH);
  });

  it('takes an oct JWK as a secret key decoded from base64url: the key-wrapping algorithms and dir', () => {
    const resolved = resolveDecryption({ keys: [{ ...k.oct, kid: 'shared' }] });
    expect(resolved).toStrictEqual({
      keys: [{ kid: 'shared', key: expect.any(KeyObject), algorithms: SYMMETRIC }],
      algorithms: SYMMETRIC,
      encryptionAlgorithms: ENCRYPTIONS,
      required: true,
    });
    expect(resolved?.keys[0].key.type).toBe('secret');
    expect(resolved?.keys[0].key.export().equals(k.secret)).toBe(true);
  });

  it('takes PKCS#8 PEM strings, without kid', () => {
    const rsa = resolveDecryption({ keys: [k.rsaPem] });
    expect(rsa?.keys).toStrictEqual([{ kid: undefined, key: expect.any(KeyObject), algorithms: RSA }]);
    expect(rsa?.keys[0].key.equals(keyOf(k.rsa))).toBe(true);
    expect(rsa?.algorithms).toEqual(RSA_DEFAULT);
    const ec = resolveDecryption({ keys: [k.ecPem] });
    expect(ec?.keys).toStrictEqual([{ kid: undefined, key: expect.any(KeyObject), algorithms: ECDH }]);
    expect(ec?.keys[0].key.equals(keyOf(k.ec))).toBe(true);
  });

  it('takes a key with use "enc"', () => {
    expect(resolveDecryption({ keys: [{ ...k.ec, use: 'enc' }] })?.keys[0].algorithms).toEqual(ECDH);
  });

  it('takes several keys with their own kids; the default algorithms are those some key can use, in the documented order', () => {
    const resolved = resolveDecryption({
      keys: [
        { ...k.oct, kid: 'c' },
        { ...k.ec, kid: 'b' },
        { ...k.rsa, kid: 'a' },
      ],
    });
    expect(resolved).toStrictEqual({
      keys: [
        { kid: 'c', key: expect.any(KeyObject), algorithms: SYMMETRIC },
        { kid: 'b', key: expect.any(KeyObject), algorithms: ECDH },
        { kid: 'a', key: expect.any(KeyObject), algorithms: RSA },
      ],
      algorithms: [...RSA_DEFAULT, ...ECDH, ...SYMMETRIC],
      encryptionAlgorithms: ENCRYPTIONS,
      required: true,
    });
  });

  it('does not follow later changes to the given list of keys', () => {
    const keys: DecryptionOptions['keys'] = [{ ...k.ec, kid: 'a' }];
    const resolved = resolveDecryption({ keys });
    keys.push({ ...k.rsa, kid: 'b' });
    expect(resolved?.keys.map((key) => key.kid)).toEqual(['a']);
    expect(resolved?.algorithms).toEqual(ECDH);
  });

  it.each([
    ['the first has no kid', () => [k.oct, { ...k.ec, kid: 'a' }]],
    ['the second has no kid', () => [{ ...k.oct, kid: 'a' }, k.ec]],
    ['none has a kid', () => [k.oct, k.ec]],
    [
      'two share a kid',
      () => [
        { ...k.oct, kid: 'a' },
        { ...k.ec, kid: 'a' },
      ],
    ],
    [
      'the last two share a kid',
      () => [
        { ...k.oct, kid: 'a' },
        { ...k.ec, kid: 'b' },
        { ...k.x25519, kid: 'b' },
      ],
    ],
  ])('refuses several keys when %s (the keys are made in beforeAll)', (_, keys) => {
    const problem = 'with several keys, each needs its own kid (the token header names the one it was encrypted to)';
    expectRefused({ keys: keys() }, 'decryption.keys', problem);
    expectRefused({ jwks: { keys: keys() } }, 'decryption.jwks', problem);
  });
});

describe('resolveDecryption: each key', () => {
  it.each([
    ['null', null],
    ['a number', 42],
    ['an array', [{ kty: 'oct', k: 'AAAA' }]],
    ['a boolean', true],
  ])('refuses a key that is %s', (_, entry) => {
    expectRefused({ keys: [entry] }, 'decryption.keys[0]', 'expected a private JWK or a PKCS#8 PEM string');
    expectRefused({ jwks: { keys: [entry] } }, 'decryption.jwks[0]', 'expected a private JWK or a PKCS#8 PEM string');
  });

  it('names the key at fault by its index', () => {
    expectRefused({ keys: [{ ...k.oct, kid: 'a' }, 42] }, 'decryption.keys[1]', 'expected a private JWK or a PKCS#8 PEM string');
    expectRefused({ jwks: { keys: [{ ...k.oct, kid: 'a' }, { ...k.ec, kid: 'b' }, 'junk'] } }, 'decryption.jwks[2]', UNPARSABLE);
  });

  it('refuses a signing key (use other than "enc")', () => {
    const problem = 'is a signing key (use: "sig"); decryption keys have use "enc" or none';
    expectRefused({ keys: [{ ...k.rsa, use: 'sig' }] }, 'decryption.keys[0]', problem);
    expectRefused({ keys: [{ ...k.oct, use: 'other' }] }, 'decryption.keys[0]', problem);
    expectRefused({ keys: [{ ...k.oct, use: null }] }, 'decryption.keys[0]', problem);
  });

  it.each([
    ['empty', ''],
    ['a number', 7],
    ['null', null],
  ])('refuses a kid that is %s', (_, kid) => {
    expectRefused({ keys: [{ ...k.oct, kid }] }, 'decryption.keys[0]', 'kid must be a non-empty string');
  });

  it.each([
    ['a string that is no PEM', () => 'not a key'],
    ['a public key PEM', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString()],
    ['a public JWK (no private members)', () => ({ kty: k.ec.kty, crv: k.ec.crv, x: k.ec.x, y: k.ec.y })],
    ['a JWK without kty', () => ({ k: 'AAAA' })],
    ['an RSA JWK with missing members', () => ({ kty: 'RSA', n: 'AQAB' })],
    ['a JWK of an unknown kty', () => ({ kty: 'xyz', d: 'AAAA' })],
  ])('refuses %s: it cannot be parsed', (_, entry) => {
    expectRefused({ keys: [entry()] }, 'decryption.keys[0]', UNPARSABLE);
  });

  it('refuses a signing-only key type (Ed25519, RSA-PSS), as JWK or PEM', () => {
    expectRefused({ keys: [k.ed25519] }, 'decryption.keys[0]', 'a ed25519 key cannot decrypt tokens');
    expectRefused({ keys: [k.ed25519Pem] }, 'decryption.keys[0]', 'a ed25519 key cannot decrypt tokens');
    expectRefused({ keys: [k.rsaPssPem] }, 'decryption.keys[0]', 'a rsa-pss key cannot decrypt tokens');
  });

  it('refuses an RSA key shorter than 2048 bits, and takes one of 2048', () => {
    expectRefused({ keys: [k.rsaSmall] }, 'decryption.keys[0]', 'RSA keys must be at least 2048 bits');
    expectRefused(
      {
        jwks: {
          keys: [
            { ...k.ec, kid: 'a' },
            { ...k.rsaSmall, kid: 'b' },
          ],
        },
      },
      'decryption.jwks[1]',
      'RSA keys must be at least 2048 bits',
    );
    expect(resolveDecryption({ keys: [k.rsa] })?.keys[0].key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});

describe('resolveDecryption: algorithms', () => {
  it.each([...RSA, ...ECDH, ...SYMMETRIC])('takes %s alone with a key that can use it', (alg) => {
    const key = RSA.includes(alg) ? k.rsa : ECDH.includes(alg) ? k.ec : k.oct;
    expect(resolveDecryption({ keys: [key], algorithms: [alg] })?.algorithms).toEqual([alg]);
  });

  it('takes RSA-OAEP (SHA-1) only when listed', () => {
    expect(resolveDecryption({ keys: [k.rsa] })?.algorithms).not.toContain('RSA-OAEP');
    expect(resolveDecryption({ keys: [k.rsa], algorithms: ['RSA-OAEP', 'RSA-OAEP-256'] })).toStrictEqual({
      keys: [{ kid: undefined, key: expect.any(KeyObject), algorithms: RSA }],
      algorithms: ['RSA-OAEP', 'RSA-OAEP-256'],
      encryptionAlgorithms: ENCRYPTIONS,
      required: true,
    });
  });

  it('keeps a list of which some fit the keys, in its order, without duplicates, as a copy', () => {
    const algorithms = ['ECDH-ES', 'RSA-OAEP-512', 'ECDH-ES', 'A128KW', 'RSA-OAEP-512'];
    const resolved = resolveDecryption({ keys: [k.rsa], algorithms });
    algorithms.push('dir');
    expect(resolved?.algorithms).toEqual(['ECDH-ES', 'RSA-OAEP-512', 'A128KW']);
  });

  it('refuses a list none of which fits the keys', () => {
    expectRefused({ keys: [k.rsa], algorithms: ['A128KW', 'ECDH-ES'] }, 'decryption.algorithms', 'no listed algorithm fits the keys');
    expectRefused({ keys: [k.oct], algorithms: ['RSA-OAEP-256'] }, 'decryption.algorithms', 'no listed algorithm fits the keys');
    expectRefused({ keys: [k.ec], algorithms: ['RSA-OAEP'] }, 'decryption.algorithms', 'no listed algorithm fits the keys');
  });

  it.each([
    ['empty', []],
    ['RSA1_5', ['RSA1_5']],
    ['PBES2', ['PBES2-HS256+A128KW']],
    ['a known and an unknown one', ['dir', 'A128GCM']],
    ['a differently written one', ['rsa-oaep-256']],
    ['a number', ['dir', 256]],
    ['null', ['dir', null]],
    ['one algorithm instead of a list', 'dir'],
    ['an object', { 0: 'dir' }],
    ['null instead of a list', null],
  ])('refuses algorithms: %s, listing the known ones', (_, algorithms) => {
    expectRefused({ keys: [k.oct], algorithms }, 'decryption.algorithms', ALGORITHMS_PROBLEM);
  });
});

describe('resolveDecryption: encryptionAlgorithms', () => {
  it('takes every listed one, without duplicates, as a copy', () => {
    const encryptionAlgorithms = ['A256GCM', 'A128CBC-HS256', 'A256GCM'];
    const resolved = resolveDecryption({ keys: [k.oct], encryptionAlgorithms });
    encryptionAlgorithms.push('A128GCM');
    expect(resolved).toStrictEqual({
      keys: [{ kid: undefined, key: expect.any(KeyObject), algorithms: SYMMETRIC }],
      algorithms: SYMMETRIC,
      encryptionAlgorithms: ['A256GCM', 'A128CBC-HS256'],
      required: true,
    });
  });

  it.each(ENCRYPTIONS)('takes %s alone', (enc) => {
    expect(resolveDecryption({ keys: [k.oct], encryptionAlgorithms: [enc] })?.encryptionAlgorithms).toEqual([enc]);
  });

  it.each([
    ['empty', []],
    ['a key-management algorithm', ['A128KW']],
    ['an unknown one next to a known one', ['A128GCM', 'A512GCM']],
    ['a number', [128]],
    ['one instead of a list', 'A128GCM'],
    ['null', null],
  ])('refuses %s, listing the known ones', (_, encryptionAlgorithms) => {
    expectRefused({ keys: [k.oct], encryptionAlgorithms }, 'decryption.encryptionAlgorithms', ENCRYPTIONS_PROBLEM);
  });
});

describe('resolveDecryption: required', () => {
  it('is true unless set to false', () => {
    expect(resolveDecryption({ keys: [k.oct] })?.required).toBe(true);
    expect(resolveDecryption({ keys: [k.oct], required: true })?.required).toBe(true);
    expect(resolveDecryption({ keys: [k.oct], required: false })).toStrictEqual({
      keys: [{ kid: undefined, key: expect.any(KeyObject), algorithms: SYMMETRIC }],
      algorithms: SYMMETRIC,
      encryptionAlgorithms: ENCRYPTIONS,
      required: false,
    });
  });

  it.each([
    ['a string', 'false'],
    ['a number', 0],
    ['an object', {}],
  ])('refuses %s', (_, required) => {
    expectRefused({ keys: [k.oct], required }, 'decryption.required', 'expected true or false');
  });
});
