import { beforeAll, describe, expect, it } from '@jest/globals';
import type { DynamicModule, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthConfigError, AuthModule, cognito, keycloak, type AuthModuleOptions } from 'nestjs-warden';
import { createTestIssuer, type TestIssuer } from 'nestjs-warden/testing';

/**
 * Issue 12, defect 8: an issuer that signs tokens for many clients must be narrowed to this API's.
 * The Keycloak preset requires it; any other asymmetric key source without narrowing warns at boot.
 */
function keycloakError(options: Parameters<typeof keycloak>[0]): AuthConfigError {
  try {
    keycloak(options);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return error as AuthConfigError;
  }
  throw new Error('expected keycloak() to throw');
}

/** The boot warnings of one module, as the app's logger receives them. */
async function bootWarnings(options: AuthModuleOptions | DynamicModule): Promise<string[]> {
  const warnings: string[] = [];
  const capture: LoggerService = { log() {}, error() {}, warn: (message: unknown) => warnings.push(String(message)) };
  const module = 'module' in options ? options : AuthModule.forRoot(options);
  const moduleRef = await Test.createTestingModule({ imports: [module] })
    .setLogger(capture)
    .compile();
  await moduleRef.close();
  return warnings;
}
const narrowingWarnings = (warnings: string[]) => warnings.filter((w) => w.includes('"audience"'));

describe('keycloak() requires audience or authorizedParties', () => {
  const base = { baseUrl: 'https://auth.example.com', realm: 'acme' };

  it('without either, it stops the boot naming both options', () => {
    const error = keycloakError(base);
    expect(error.option).toBe('audience');
    expect(error.message).toContain('authorizedParties');
    expect(error.message).toMatch(/any client/);
  });

  it('with an audience or authorized parties it boots', async () => {
    expect(keycloak({ ...base, audience: 'orders-api' }).audience).toBe('orders-api');
    expect(keycloak({ ...base, authorizedParties: ['web-app'] }).authorizedParties).toEqual(['web-app']);
    const authModule = AuthModule.forRoot({
      ...keycloak({ baseUrl: 'https://auth.example.com', realm: 'acme', audience: 'orders-api' }),
      global: true,
    });
    expect(narrowingWarnings(await bootWarnings(authModule))).toEqual([]);
  });
});

describe('an asymmetric key source with nothing narrowing the clients warns at boot', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ issuer: 'https://issuer.test' });
  });

  it('warns once for jwks, jwtKey and jwksUrl without audience, authorizedParties or typ', async () => {
    for (const keys of [{ jwks: issuer.jwks }, { jwtKey: issuer.publicKeyPem }, { jwksUrl: 'https://issuer.test/jwks' }]) {
      const warnings = narrowingWarnings(await bootWarnings({ ...keys, issuer: 'https://issuer.test' }));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('"authorizedParties"');
      expect(warnings[0]).toContain('"typ"');
      expect(warnings[0]).toContain('"acceptsToken"');
      expect(warnings[0]).not.toContain(issuer.publicKeyPem.slice(30, 60));
    }
  });

  it.each<[string, Partial<AuthModuleOptions>]>([
    ['audience', { audience: 'orders-api' }],
    ['authorizedParties', { authorizedParties: ['https://app.example.com'] }],
    ['typ', { typ: 'at+jwt' }],
    ['an explicit acceptsToken', { acceptsToken: 'session_token' }],
  ])('does not warn with %s', async (_name, narrowing) => {
    expect(narrowingWarnings(await bootWarnings({ jwks: issuer.jwks, issuer: 'https://issuer.test', ...narrowing }))).toEqual([]);
  });

  it('does not warn for a shared secret (only this app holds it) nor for the Cognito preset (it checks client_id)', async () => {
    expect(narrowingWarnings(await bootWarnings({ secret: 'a-shared-secret-of-at-least-32-bytes!', issuer: 'https://issuer.test' }))).toEqual([]);
    const pool = cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEf123', clientId: 'client-1' });
    expect(narrowingWarnings(await bootWarnings(pool))).toEqual([]);
  });
});
