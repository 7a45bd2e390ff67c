import { describe, expect, it } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import { unverifiedIssuer } from './unverified-issuer.js';

const part = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const token = (payload: unknown) => `${part({ alg: 'RS256' })}.${part(payload)}.c2ln`;

function reasonOf(run: () => unknown): string {
  try {
    run();
    return 'read';
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    const { reason, message } = error as AuthError;
    expect(message).toBe(reason === 'token-invalid' ? 'the token payload is not a JSON object' : 'the token has no iss');
    return reason;
  }
}

describe('unverifiedIssuer', () => {
  it('reads the iss of the payload, the middle part, exactly as sent', () => {
    expect(unverifiedIssuer(token({ iss: 'https://a.example.com/', sub: 'x' }))).toBe('https://a.example.com/');
    expect(unverifiedIssuer(`${part({ iss: 'https://header.example.com' })}.${part({ iss: 'https://payload.example.com' })}.${part({ iss: 'x' })}`)).toBe(
      'https://payload.example.com',
    );
  });

  it.each([
    ['no iss', { sub: 'x' }],
    ['an empty iss', { iss: '' }],
    ['a number', { iss: 42 }],
    ['a list', { iss: ['https://a.example.com'] }],
    ['null', { iss: null }],
  ])('refuses %s as token-invalid-issuer', (_, payload) => {
    expect(reasonOf(() => unverifiedIssuer(token(payload)))).toBe('token-invalid-issuer');
  });

  it.each([
    ['not JSON', 'not json'],
    ['a JSON list', [{ iss: 'https://a.example.com' }]],
    ['JSON null', 'null'],
    ['a JSON string', '"https://a.example.com"'],
  ])('refuses a payload that is %s as token-invalid', (_, payload) => {
    expect(reasonOf(() => unverifiedIssuer(token(payload)))).toBe('token-invalid');
  });
});
