import { describe, expect, it } from '@jest/globals';
import { sameAnswer } from './same-answer.js';

describe('sameAnswer', () => {
  const check = () => null;

  it('is true for the same options: same values, plain data compared as JSON, functions by identity', () => {
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] };
    expect(sameAnswer({ jwks, audience: ['a'], checkClaims: check }, { jwks: structuredClone(jwks), audience: ['a'], checkClaims: check })).toBe(true);
    const same = { jwksUrl: 'https://t.example.com/jwks' };
    expect(sameAnswer(same, same)).toBe(true);
    expect(sameAnswer({}, {})).toBe(true);
  });

  it.each([
    ['another value', { audience: 'a' }, { audience: 'b' }],
    ['another list', { audience: ['a'] }, { audience: ['a', 'b'] }],
    ['another function', { checkClaims: check }, { checkClaims: () => null }],
    ['a key more', { audience: 'a' }, { audience: 'a', typ: 'at+jwt' }],
    ['a key less', { audience: 'a', typ: 'at+jwt' }, { audience: 'a' }],
    ['another key', { audience: 'a' }, { typ: 'a' }],
    ['an object for a string', { audience: 'a' }, { audience: { 0: 'a' } }],
    ['undefined for a value', { audience: 'a' }, { audience: undefined }],
    ['not options', { audience: 'a' }, null],
    ['a list of options', [{ audience: 'a' }], [{ audience: 'a' }]],
  ])('is false for %s', (_, a, b) => {
    expect(sameAnswer(a, b)).toBe(false);
    expect(sameAnswer(b, a)).toBe(false);
  });

  it('compares values that are not options by identity only', () => {
    expect(sameAnswer('x', 'x')).toBe(true);
    expect(sameAnswer(1, 2)).toBe(false);
    expect(sameAnswer('ab', 'ba')).toBe(false);
  });

  it('never calls a primitive the same as an object that looks like it in JSON', () => {
    const boxed = new String('api');
    expect(sameAnswer({ audience: 'api' }, { audience: boxed })).toBe(false);
    expect(sameAnswer({ audience: boxed }, { audience: 'api' })).toBe(false);
    expect(sameAnswer({ checkClaims: check }, { checkClaims: {} })).toBe(false);
    expect(sameAnswer({ checkClaims: {} }, { checkClaims: check })).toBe(false);
  });

  it('is false for data that cannot be compared as JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(sameAnswer({ jwks: cyclic }, { jwks: cyclic })).toBe(true); // the same object
    expect(sameAnswer({ jwks: cyclic }, { jwks: { self: cyclic } })).toBe(false);
  });
});
