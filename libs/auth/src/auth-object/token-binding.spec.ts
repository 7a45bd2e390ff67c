import { describe, expect, it } from '@jest/globals';
import { tokenBindingOf } from './token-binding.js';

const T = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';

describe('tokenBindingOf', () => {
  it('reads cnf.jkt, cnf["x5t#S256"] and both', () => {
    expect(tokenBindingOf({})).toBeUndefined();
    expect(tokenBindingOf({ cnf: { jkt: T } })).toEqual({ type: 'dpop', jkt: T });
    expect(tokenBindingOf({ cnf: { 'x5t#S256': T } })).toEqual({ type: 'mtls', x5tS256: T });
    expect(tokenBindingOf({ cnf: { jkt: T, 'x5t#S256': T } })).toEqual({ type: 'dpop', jkt: T, x5tS256: T });
  });

  it.each([
    null,
    'x',
    [],
    {},
    { jwk: { kty: 'EC' } },
    { jkt: 42 },
    { jkt: '' },
    { jkt: 'short' },
    { 'x5t#S256': T + '=' },
    { jkt: 'A' + T },
    { jkt: T, 'x5t#S256': 1 },
  ])('refuses cnf %p: a token bound to something unchecked is never a bearer token', (cnf) => {
    expect(() => tokenBindingOf({ cnf })).toThrow(expect.objectContaining({ reason: 'token-invalid-claims' }));
  });

  it('says why it refuses', () => {
    expect(() => tokenBindingOf({ cnf: { jwk: { kty: 'EC' } } })).toThrow(new Error('the token cnf claim binds it to nothing that can be checked'));
  });
});
