import { describe, expect, it } from '@jest/globals';
import { algorithmsForJwk, algorithmsForKeyType, ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, KNOWN_ALGORITHMS } from './algorithms.js';

const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

describe('algorithms', () => {
  it('knows HMAC and the asymmetric JWS algorithms, never none', () => {
    expect(HMAC_ALGORITHMS).toEqual(['HS256', 'HS384', 'HS512']);
    expect(ASYMMETRIC_ALGORITHMS).toEqual([...RSA, 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);
    expect(KNOWN_ALGORITHMS).toEqual([...HMAC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS]);
  });

  it("a JWK verifies with its own alg when it names an asymmetric one, else with its type's family", () => {
    expect(algorithmsForJwk({ kty: 'RSA' })).toEqual(RSA);
    expect(algorithmsForJwk({ kty: 'RSA', use: 'sig' })).toEqual(RSA);
    expect(algorithmsForJwk({ kty: 'RSA', alg: 'PS384' })).toEqual(['PS384']);
    expect(algorithmsForJwk({ kty: 'EC', crv: 'P-256' })).toEqual(['ES256']);
    expect(algorithmsForJwk({ kty: 'EC', crv: 'P-384' })).toEqual(['ES384']);
    expect(algorithmsForJwk({ kty: 'EC', crv: 'P-521' })).toEqual(['ES512']);
    expect(algorithmsForJwk({ kty: 'OKP', crv: 'Ed25519' })).toEqual(['EdDSA', 'Ed25519']);
  });

  it('a JWK that can never verify a JWS gets none', () => {
    for (const jwk of [
      { kty: 'RSA', use: 'enc' },
      { kty: 'RSA', alg: 'HS256' },
      { kty: 'RSA', alg: 'RSA-OAEP' },
      { kty: 'RSA', alg: 'none' },
      { kty: 'EC', crv: 'secp256k1' },
      { kty: 'EC' },
      { kty: 'EC', crv: 'toString' },
      { kty: 'EC', crv: 'constructor' },
      { kty: 'EC', crv: '__proto__' },
      { kty: 'OKP', crv: 'X25519' },
      { kty: 'OKP' },
      { kty: 'oct' },
      { kty: 'unknown' },
    ]) {
      expect([jwk, algorithmsForJwk(jwk)]).toEqual([jwk, []]);
    }
  });

  it('a PEM key verifies with the algorithms of its type: RS256 for RSA, its curve for EC', () => {
    expect(algorithmsForKeyType('rsa')).toEqual(['RS256']);
    expect(algorithmsForKeyType('rsa-pss')).toEqual(['PS256', 'PS384', 'PS512']);
    expect(algorithmsForKeyType('ec', 'prime256v1')).toEqual(['ES256']);
    expect(algorithmsForKeyType('ec', 'secp384r1')).toEqual(['ES384']);
    expect(algorithmsForKeyType('ec', 'secp521r1')).toEqual(['ES512']);
    expect(algorithmsForKeyType('ed25519')).toEqual(['EdDSA', 'Ed25519']);
    for (const [type, curve] of [
      ['ec', 'secp256k1'],
      ['ec', undefined],
      ['x25519', undefined],
      ['dsa', undefined],
      [undefined, undefined],
    ]) {
      expect(algorithmsForKeyType(type, curve)).toEqual([]);
    }
  });
});
