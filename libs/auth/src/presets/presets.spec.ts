import { describe, expect, it } from '@jest/globals';
import { AuthConfigError } from '../config/auth-config-error.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { auth0 } from './auth0.preset.js';
import { clerkTokenClass } from '../verification/token-class.js';
import { clerk, frontendApiFromPublishableKey } from './clerk.preset.js';
import { cognito } from './cognito.preset.js';
import { keycloak } from './keycloak.preset.js';

const publishableKey = (host: string, env = 'test') => `pk_${env}_${Buffer.from(`${host}$`).toString('base64')}`;

function configError(fn: () => unknown): AuthConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AuthConfigError) return error;
    throw error;
  }
  throw new Error('expected an AuthConfigError');
}

describe('clerk()', () => {
  it('derives the issuer and JWKS URL from a publishable key', () => {
    const options = clerk({ publishableKey: publishableKey('example.clerk.accounts.dev'), authorizedParties: ['https://app.example.com'] });
    expect(options).toMatchObject({
      issuer: 'https://example.clerk.accounts.dev',
      jwksUrl: 'https://example.clerk.accounts.dev/.well-known/jwks.json',
      algorithms: ['RS256'],
      authorizedParties: ['https://app.example.com'],
    });
    expect(() => resolveAuthOptions(options)).not.toThrow();
    expect(frontendApiFromPublishableKey(publishableKey('clerk.example.com', 'live'))).toBe('clerk.example.com');
    // the example key of docs/issuer-recipes.md
    expect(clerk({ publishableKey: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k' }).issuer).toBe('https://clerk.example.com');
  });

  it('takes a frontendApi host, and uses jwtKey instead of the network when given', () => {
    expect(clerk({ frontendApi: 'clerk.example.com', jwtKey: '-----BEGIN PUBLIC KEY-----' })).toEqual({
      algorithms: ['RS256'],
      classifyToken: clerkTokenClass,
      clerkCookies: true,
      issuer: 'https://clerk.example.com',
      jwtKey: '-----BEGIN PUBLIC KEY-----',
    });
  });

  it.each([
    ['not a publishable key', { publishableKey: 'sk_test_abc' }, 'publishableKey'],
    ['no trailing $', { publishableKey: `pk_test_${Buffer.from('example.com').toString('base64')}` }, 'publishableKey'],
    ['both', { publishableKey: publishableKey('a.dev'), frontendApi: 'a.dev' }, 'publishableKey'],
    ['neither', {}, 'publishableKey'],
    ['http to a real host', { frontendApi: 'http://clerk.example.com' }, 'frontendApi'],
    ['a key that decodes to an http URL', { publishableKey: publishableKey('http://evil.example') }, 'publishableKey'],
  ])('refuses %s at boot, naming the option', (_name, options, option) => {
    expect(configError(() => clerk(options)).option).toBe(option);
  });
});

describe('auth0()', () => {
  it('uses the tenant issuer with its trailing slash and requires the audience', () => {
    expect(auth0({ domain: 'example.us.auth0.com', audience: 'https://api.example.com' })).toMatchObject({
      issuer: 'https://example.us.auth0.com/',
      jwksUrl: 'https://example.us.auth0.com/.well-known/jwks.json',
      audience: 'https://api.example.com',
      algorithms: ['RS256'],
    });
    expect(configError(() => auth0({ domain: 'http://example.us.auth0.com', audience: 'x' })).option).toBe('domain');
  });
});

describe('cognito()', () => {
  it('derives the user pool issuer and JWKS', () => {
    const options = cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123', clientId: 'client1' });
    expect(options).toMatchObject({
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
      jwksUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json',
    });
    expect(options.audience).toBeUndefined();
    expect(cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123', clientId: 'client1', tokenUse: 'id' }).audience).toEqual(['client1']);
  });

  it.each([
    ['a bad region', { region: 'moon', userPoolId: 'eu-west-1_A', clientId: 'c' }, 'region'],
    ['a pool of another region', { region: 'us-east-1', userPoolId: 'eu-west-1_A', clientId: 'c' }, 'userPoolId'],
    ['no client', { region: 'eu-west-1', userPoolId: 'eu-west-1_A', clientId: [] }, 'clientId'],
    ['a bad tokenUse', { region: 'eu-west-1', userPoolId: 'eu-west-1_A', clientId: 'c', tokenUse: 'refresh' }, 'tokenUse'],
    ['an http endpoint off loopback', { region: 'eu-west-1', userPoolId: 'eu-west-1_A', clientId: 'c', endpoint: 'http://10.0.0.1' }, 'endpoint'],
  ])('refuses %s at boot', (_name, options, option) => {
    expect(configError(() => cognito(options as never)).option).toBe(option);
  });
});

describe('keycloak()', () => {
  it('derives the realm issuer and certs URL', () => {
    expect(keycloak({ baseUrl: 'https://auth.example.com/auth/', realm: 'acme', audience: 'orders-api' })).toMatchObject({
      issuer: 'https://auth.example.com/auth/realms/acme',
      jwksUrl: 'https://auth.example.com/auth/realms/acme/protocol/openid-connect/certs',
      audience: 'orders-api',
    });
    expect(configError(() => keycloak({ baseUrl: 'https://auth.example.com', realm: 'a/b' })).option).toBe('realm');
    expect(configError(() => keycloak({ baseUrl: 'https://auth.example.com?x=1', realm: 'a' })).option).toBe('baseUrl');
  });
});
