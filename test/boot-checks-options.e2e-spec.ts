import { describe, expect, it } from '@jest/globals';
import { Injectable, type DynamicModule } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthConfigError, AuthModule, keycloak, type AuthModuleOptions, type AuthOptionsFactory } from 'nestjs-warden';

/** Issue 12, defect 2: a misspelled option stops the boot, naming the key and the closest known option. */
const SECRET = 'a-shared-secret-of-at-least-32-bytes!';

async function bootError(module: DynamicModule): Promise<AuthConfigError> {
  try {
    const moduleRef = await Test.createTestingModule({ imports: [module] })
      .setLogger(false as never)
      .compile();
    await moduleRef.close();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return error as AuthConfigError;
  }
  throw new Error('expected the boot to fail');
}

describe('unknown option keys stop the boot', () => {
  it('through forRoot: names the key and suggests the closest option', async () => {
    const error = await bootError(AuthModule.forRoot({ secret: SECRET, audiences: 'orders-api' } as AuthModuleOptions));
    expect(error.option).toBe('audiences');
    expect(error.message).toContain('unknown option "audiences"');
    expect(error.message).toContain('did you mean "audience"?');
  });

  it('through forRootAsync with a factory', async () => {
    const error = await bootError(
      AuthModule.forRootAsync({ useFactory: async () => ({ secret: SECRET, authorisedParties: ['https://app.example.com'] }) as AuthModuleOptions }),
    );
    expect(error.message).toContain('"authorisedParties"');
    expect(error.message).toContain('did you mean "authorizedParties"?');
  });

  it('through forRootAsync with a class', async () => {
    @Injectable()
    class Options implements AuthOptionsFactory {
      createAuthOptions(): AuthModuleOptions {
        return { secret: SECRET, jwksURL: 'https://keys.example.com' } as AuthModuleOptions;
      }
    }
    const error = await bootError(AuthModule.forRootAsync({ useClass: Options }));
    expect(error.message).toContain('did you mean "jwksUrl"?');
  });

  it('through a spread object and a preset', async () => {
    const base: AuthModuleOptions = { secret: SECRET, issuer: 'https://issuer.test' };
    const spread = await bootError(AuthModule.forRoot({ ...base, ...({ clockSkewMs: 1000 } as object) }));
    expect(spread.message).toContain('did you mean "clockSkewInMs"?');
    const preset = await bootError(
      AuthModule.forRoot(keycloak({ baseUrl: 'https://auth.example.com', realm: 'acme', audience: 'api', ...({ requiredClaim: ['sid'] } as object) })),
    );
    expect(preset.message).toContain('did you mean "requiredClaims"?');
  });

  it('from JSON configuration, naming every unknown key', async () => {
    const json = JSON.parse(`{ "secret": "${SECRET}", "audiance": "api", "totallyMadeUp": true }`) as AuthModuleOptions;
    const error = await bootError(AuthModule.forRoot(json));
    expect(error.message).toContain('"audiance" (did you mean "audience"?)');
    expect(error.message).toContain('"totallyMadeUp"');
    expect(error.message).not.toMatch(/totallyMadeUp"? \(did you mean/);
  });

  it('"global" returned by an async factory is pointed to forRootAsync', async () => {
    const error = await bootError(AuthModule.forRootAsync({ useFactory: () => ({ secret: SECRET, global: true }) as AuthModuleOptions }));
    expect(error.message).toContain('"global"');
    expect(error.message).toContain('forRootAsync({ global: true');
  });

  it('inside the cache option', async () => {
    const error = await bootError(AuthModule.forRoot({ secret: SECRET, cache: { maxEntires: 10 } as never }));
    expect(error.option).toBe('cache.maxEntires');
    expect(error.message).toContain('did you mean "cache.maxEntries"?');
  });

  it('known options still boot', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ secret: SECRET, issuer: 'https://issuer.test', audience: 'api', cache: { maxEntries: 10 }, global: true })],
    })
      .setLogger(false as never)
      .compile();
    await moduleRef.close();
  });
});
