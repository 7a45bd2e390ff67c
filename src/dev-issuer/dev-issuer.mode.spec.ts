import { describe, expect, it } from '@jest/globals';
import { demoHost } from './dev-issuer.mode.js';

describe('demoHost', () => {
  it('binds the dev issuer to loopback unless HOST says otherwise', () => {
    expect(demoHost({})).toBe('127.0.0.1');
    expect(demoHost({ HOST: '' })).toBe('127.0.0.1');
    expect(demoHost({ HOST: '0.0.0.0' })).toBe('0.0.0.0');
    expect(demoHost({ HOST: '::1' })).toBe('::1');
  });

  it('leaves a real key source on the default (every interface) unless HOST is set', () => {
    expect(demoHost({ AUTH_JWKS_URL: 'https://issuer.example.com/jwks' })).toBeUndefined();
    expect(demoHost({ AUTH_JWKS_URL: 'https://issuer.example.com/jwks', HOST: '10.0.0.5' })).toBe('10.0.0.5');
  });
});
