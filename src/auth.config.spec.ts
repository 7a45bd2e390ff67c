import { describe, expect, it } from '@jest/globals';
import type { ConfigService } from '@nestjs/config';
import { authOptionsFromEnv } from './auth.config.js';
import { demoPort, isDevIssuerMode } from './dev-issuer/dev-issuer.mode.js';

const config = (env: Record<string, string>) => ({ get: (name: string) => env[name] }) as unknown as ConfigService;

describe('demo configuration', () => {
  it('runs the dev issuer only when no real key source variable is set', () => {
    expect(isDevIssuerMode({})).toBe(true);
    expect(isDevIssuerMode({ AUTH_ISSUER: '' })).toBe(true);
    for (const name of ['AUTH_JWKS_URL', 'AUTH_JWT_KEY', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_AUTHORIZED_PARTIES']) {
      expect(isDevIssuerMode({ [name]: 'x' })).toBe(false);
    }
  });

  it('maps the environment to module options', () => {
    expect(
      authOptionsFromEnv(
        config({ AUTH_JWKS_URL: 'https://i.test/jwks', AUTH_ISSUER: 'https://i.test', AUTH_AUDIENCE: 'a, b', AUTH_AUTHORIZED_PARTIES: 'https://app.test' }),
        null,
      ),
    ).toEqual({ jwksUrl: 'https://i.test/jwks', issuer: ['https://i.test'], audience: ['a', 'b'], authorizedParties: ['https://app.test'], debug: false });
    expect(authOptionsFromEnv(config({ AUTH_JWT_KEY: '-----BEGIN PUBLIC KEY-----\\nabc' }), null).jwtKey).toBe('-----BEGIN PUBLIC KEY-----\nabc');
  });

  it('reads PORT, default 3000, and refuses nonsense', () => {
    expect(demoPort({})).toBe(3000);
    expect(demoPort({ PORT: '8080' })).toBe(8080);
    expect(() => demoPort({ PORT: 'http' })).toThrow(/PORT/);
  });
});
