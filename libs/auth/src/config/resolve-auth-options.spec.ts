import { describe, expect, it } from '@jest/globals';
import { AuthConfigError } from './auth-config-error.js';
import type { AuthModuleOptions } from './auth-options.js';
import { resolveAuthOptions } from './resolve-auth-options.js';
import { resolveIssuerConfig } from './resolve-issuer-config.js';
import { memoryRevocationStore } from '../revocation/memory-revocation-store.js';

// Every module option at its default, at its bound and one step past it, with the exact problem the
// boot error names; the options of one issuer through the same entry point (a module with one issuer).

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

/** [option, problem] of the AuthConfigError the options are refused with. */
function refused(options: unknown): [string, string] {
  try {
    resolveAuthOptions(options as AuthModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return [(error as AuthConfigError).option, (error as AuthConfigError).problem];
  }
  throw new Error('expected the options to be refused');
}

const withSecret = (options: Record<string, unknown>) => ({ secret: SECRET, ...options }) as AuthModuleOptions;
const entryOf = (options: Record<string, unknown>) => resolveAuthOptions(withSecret(options)).issuers.entries[0];

describe('resolveAuthOptions: module options', () => {
  it('refuses anything but an object', () => {
    for (const options of [null, undefined, 'secret', 42, false]) {
      expect(refused(options)).toEqual(['options', 'expected an object with a key source (jwksUrl, jwks, jwtKey or secret)']);
    }
  });

  it('applies every default', () => {
    const resolved = resolveAuthOptions({ secret: SECRET });
    expect(resolved).toMatchObject({
      acceptsToken: 'session_token',
      maxTokenBytes: 8192,
      tokenSources: ['header', 'cookie'],
      headerName: 'authorization',
      cookieName: '__session',
      rpcTokenField: 'authorization',
      defaultPolicy: 'required',
      realm: 'api',
      debug: false,
      cache: { maxEntries: 10_000, maxBytes: 16 * 1024 * 1024 },
      revocationTimeoutInMs: 2000,
      bootChecks: { uncoveredHandlers: 'error' },
    });
    for (const absent of ['clock', 'opaque', 'isRevoked', 'revocation', 'metrics', 'onAuthenticated', 'onRefused'] as const) {
      expect(resolved[absent]).toBeUndefined();
    }
  });

  it('keeps what is given, the header name in lower case', () => {
    const clock = () => 0;
    const isRevoked = () => false;
    const revocation = memoryRevocationStore();
    const onAuthenticated = () => undefined;
    const onRefused = () => undefined;
    const metrics = { counter: () => ({ inc: () => undefined }) };
    const resolved = resolveAuthOptions(
      withSecret({
        maxTokenBytes: 1,
        tokenSources: ['cookie', 'header'],
        headerName: 'X-Api-Token',
        cookieName: 'sid',
        rpcTokenField: 'token',
        defaultPolicy: 'optional',
        realm: 'orders',
        debug: true,
        clock,
        isRevoked,
        revocation,
        revocationTimeoutInMs: 1,
        onAuthenticated,
        onRefused,
        metrics,
        bootChecks: { uncoveredHandlers: 'warn' },
      }),
    );
    expect(resolved).toMatchObject({
      maxTokenBytes: 1,
      tokenSources: ['cookie', 'header'],
      headerName: 'x-api-token',
      cookieName: 'sid',
      rpcTokenField: 'token',
      defaultPolicy: 'optional',
      realm: 'orders',
      debug: true,
      revocationTimeoutInMs: 1,
      bootChecks: { uncoveredHandlers: 'warn' },
    });
    expect([resolved.clock, resolved.isRevoked, resolved.revocation, resolved.onAuthenticated, resolved.onRefused, resolved.metrics]).toEqual([
      clock,
      isRevoked,
      revocation,
      onAuthenticated,
      onRefused,
      metrics,
    ]);
  });

  it('copies the token sources it was given', () => {
    const tokenSources: Array<'header' | 'cookie'> = ['header'];
    const resolved = resolveAuthOptions(withSecret({ tokenSources }));
    tokenSources.push('cookie');
    expect(resolved.tokenSources).toEqual(['header']);
  });

  it('takes absent or null numbers and booleans as their defaults', () => {
    expect(resolveAuthOptions(withSecret({ maxTokenBytes: null, debug: null, revocationTimeoutInMs: undefined, defaultPolicy: null }))).toMatchObject({
      maxTokenBytes: 8192,
      debug: false,
      revocationTimeoutInMs: 2000,
      defaultPolicy: 'required',
    });
  });

  it.each([
    [{ maxTokenBytes: 0 }, 'maxTokenBytes', 'expected a finite number >= 1'],
    [{ maxTokenBytes: Number.POSITIVE_INFINITY }, 'maxTokenBytes', 'expected a finite number >= 1'],
    [{ maxTokenBytes: '8192' }, 'maxTokenBytes', 'expected a finite number >= 1'],
    [{ revocationTimeoutInMs: 0 }, 'revocationTimeoutInMs', 'expected a finite number >= 1'],
    [{ revocationTimeoutInMs: 0.5 }, 'revocationTimeoutInMs', 'expected a finite number >= 1'],
    [{ tokenSources: 'header' }, 'tokenSources', "expected a non-empty list of 'header' and/or 'cookie'"],
    [{ tokenSources: [] }, 'tokenSources', "expected a non-empty list of 'header' and/or 'cookie'"],
    [{ tokenSources: ['header', 'query'] }, 'tokenSources', "expected a non-empty list of 'header' and/or 'cookie'"],
    [{ tokenSources: ['header', 'header'] }, 'tokenSources', "expected a non-empty list of 'header' and/or 'cookie'"],
    [{ defaultPolicy: 'public' }, 'defaultPolicy', "expected 'required' or 'optional'"],
    [{ revocation: null }, 'revocation', 'expected { redis: { url } }, { memory: true } or a revocation store ({ revoke(), isRevoked() })'],
    [{ revocation: 'redis' }, 'revocation', 'expected { redis: { url } }, { memory: true } or a revocation store ({ revoke(), isRevoked() })'],
    [
      { revocation: { isRevoked: () => false } },
      'revocation',
      'expected { redis: { url } }, { memory: true } or a revocation store ({ revoke(), isRevoked() })',
    ],
    [
      { revocation: { revoke: () => undefined } },
      'revocation',
      'expected { redis: { url } }, { memory: true } or a revocation store ({ revoke(), isRevoked() })',
    ],
    [{ isRevoked: {} }, 'isRevoked', 'expected a function'],
    [{ clock: 0 }, 'clock', 'expected a function'],
    [{ headerName: '' }, 'headerName', 'expected a non-empty string'],
    [{ headerName: null }, 'headerName', 'expected a non-empty string'],
    [{ cookieName: 42 }, 'cookieName', 'expected a non-empty string'],
    [{ rpcTokenField: '' }, 'rpcTokenField', 'expected a non-empty string'],
    [{ realm: ['api'] }, 'realm', 'expected a non-empty string'],
    [{ debug: 'yes' }, 'debug', 'expected true or false'],
    [{ debug: 1 }, 'debug', 'expected true or false'],
  ])('refuses %j', (options, option, problem) => {
    expect(refused(withSecret(options))).toEqual([option, problem]);
  });

  it('takes a revocation store of any class, with revoke() and isRevoked()', () => {
    class Store {
      revoke(): Promise<void> {
        return Promise.resolve();
      }
      isRevoked(): boolean {
        return false;
      }
    }
    const store = new Store();
    expect(resolveAuthOptions(withSecret({ revocation: store })).revocation).toBe(store);
  });

  it('refuses a function as the revocation store, even one carrying revoke() and isRevoked()', () => {
    const callable = Object.assign(() => false, { revoke: () => Promise.resolve(), isRevoked: () => false });
    expect(refused(withSecret({ revocation: callable }))).toEqual([
      'revocation',
      'expected { redis: { url } }, { memory: true } or a revocation store ({ revoke(), isRevoked() })',
    ]);
  });

  it('refuses a { memory } or { redis } declaration outside AuthModule, which builds them', () => {
    for (const revocation of [{ memory: true }, { redis: { url: 'redis://127.0.0.1:6379' } }]) {
      expect(refused(withSecret({ revocation }))).toEqual([
        'revocation',
        'a { memory } or { redis } declaration is built by AuthModule: outside it, pass a store (memoryRevocationStore(), redisRevocationStore())',
      ]);
    }
  });

  it('names dpop or mtls when the default of several issuers is not a mode', () => {
    const issuers = [{ issuer: 'https://issuer.example', secret: SECRET }];
    for (const option of ['dpop', 'mtls']) {
      expect(refused({ issuers, [option]: 'on' })).toEqual([option, "expected 'off', 'allowed' or 'required'"]);
      expect(resolveAuthOptions({ issuers, [option]: 'required' })[option as 'dpop' | 'mtls'].mode).toBe('required');
    }
  });

  it("reads Clerk's session cookies by default only when resolveIssuer may answer a Clerk issuer", () => {
    const entry = { issuer: 'https://issuer.example', secret: SECRET };
    expect(resolveAuthOptions({ issuers: [entry], resolveIssuer: () => null }).clerkCookies).toEqual({
      suffix: undefined,
      frontendApi: undefined,
      development: false,
    });
    expect(resolveAuthOptions({ issuers: [entry] }).clerkCookies).toBeUndefined();
  });

  describe('cache', () => {
    it('is off with false, the defaults with true or absent, and the limits given with their defaults', () => {
      expect(resolveAuthOptions(withSecret({ cache: false })).cache).toBe(false);
      for (const cache of [true, undefined]) {
        expect(resolveAuthOptions(withSecret({ cache })).cache).toEqual({ maxEntries: 10_000, maxBytes: 16 * 1024 * 1024 });
      }
      expect(resolveAuthOptions(withSecret({ cache: { maxEntries: 1 } })).cache).toEqual({ maxEntries: 1, maxBytes: 16 * 1024 * 1024 });
      expect(resolveAuthOptions(withSecret({ cache: { maxBytes: 1 } })).cache).toEqual({ maxEntries: 10_000, maxBytes: 1 });
      expect(resolveAuthOptions(withSecret({ cache: {} })).cache).toEqual({ maxEntries: 10_000, maxBytes: 16 * 1024 * 1024 });
    });

    it.each([
      [null, 'cache', 'expected true, false or { maxEntries?, maxBytes? }'],
      [0, 'cache', 'expected true, false or { maxEntries?, maxBytes? }'],
      ['on', 'cache', 'expected true, false or { maxEntries?, maxBytes? }'],
      [[], 'cache', 'expected true, false or { maxEntries?, maxBytes? }'],
      [{ maxEntries: 0 }, 'cache.maxEntries', 'expected a whole number >= 1'],
      [{ maxEntries: 1.5 }, 'cache.maxEntries', 'expected a whole number >= 1'],
      [{ maxBytes: 0 }, 'cache.maxBytes', 'expected a whole number >= 1'],
      [{ maxBytes: '1mb' }, 'cache.maxBytes', 'expected a whole number >= 1'],
      [{ maxEntrie: 5 }, 'cache.maxEntrie', 'unknown option "cache.maxEntrie" (did you mean "cache.maxEntries"?)'],
    ])('refuses %j', (cache, option, problem) => {
      expect(refused(withSecret({ cache }))).toEqual([option, problem]);
    });
  });

  it("takes its acceptsToken from the one issuer's entry, else from the module's options", () => {
    expect(resolveAuthOptions(withSecret({ acceptsToken: 'any' })).acceptsToken).toBe('any');
    expect(resolveAuthOptions(withSecret({ typ: 'at+jwt' })).acceptsToken).toBe('oauth_token');
    const entry = { secret: SECRET, issuer: 'https://a.example' };
    expect(resolveAuthOptions({ issuers: [entry], acceptsToken: ['m2m_token'] }).acceptsToken).toEqual(['m2m_token']);
    expect(resolveAuthOptions({ issuers: [entry], typ: 'at+jwt' }).acceptsToken).toBe('oauth_token');
    expect(resolveAuthOptions({ issuers: [{ ...entry, acceptsToken: 'any' }] }).acceptsToken).toBe('session_token');
  });

  it('checks the options it delegates: known keys, issuers, opaque tokens and boot checks', () => {
    expect(refused(withSecret({ audiences: 'api' }))[0]).toBe('audiences');
    expect(refused({})[0]).toBe('jwksUrl');
    expect(refused(withSecret({ opaqueTokens: {} }))[0]).toBe('opaqueTokens');
    expect(refused(withSecret({ bootChecks: { uncoveredHandlers: 'off' } }))[0]).toBe('bootChecks.uncoveredHandlers');
    expect(resolveAuthOptions(withSecret({ verifyOpaqueToken: () => null })).opaque?.classesByPrefix).toBe(true);
  });
});

describe('resolveAuthOptions: the options of an issuer', () => {
  it('applies every default', () => {
    const entry = entryOf({});
    expect(entry).toMatchObject({
      label: '',
      secret: SECRET,
      clockSkewInMs: 5000,
      requiredClaims: ['exp', 'sub'],
      acceptsToken: 'session_token',
      treatPendingAsSignedOut: true,
      jwksTimeoutInMs: 5000,
      jwksCooldownInMs: 30_000,
      jwksCacheMaxAgeInMs: 600_000,
      jwksMaxBytes: 512 * 1024,
      jwksStaleIfErrorInMs: 3_600_000,
    });
    for (const absent of [
      'jwksUrl',
      'jwks',
      'jwtKey',
      'issuer',
      'audience',
      'authorizedParties',
      'algorithms',
      'typ',
      'maxTokenAgeInMs',
      'classifyToken',
      'scopeClaim',
      'getTokenTemplate',
      'checkClaims',
      'authorization',
    ] as const) {
      expect(entry[absent]).toBeUndefined();
    }
  });

  it('keeps what is given, lists as lists, exp and sub always required and each claim once', () => {
    const fns = { getTokenTemplate: () => undefined, checkClaims: () => true, authorization: () => ({}), classifyToken: () => 'session_token' as const };
    const entry = entryOf({
      issuer: 'https://a.example',
      audience: ['api', 'admin'],
      authorizedParties: 'https://app.example',
      algorithms: ['HS512'],
      typ: 'JWT',
      requiredClaims: ['sub', 'sid', 'sid', 'exp'],
      clockSkewInMs: 0,
      maxTokenAgeInMs: 1,
      treatPendingAsSignedOut: false,
      jwksTimeoutInMs: 1,
      jwksCooldownInMs: 0,
      jwksCacheMaxAgeInMs: 0,
      jwksMaxBytes: 1024,
      jwksStaleIfErrorInMs: 0,
      ...fns,
    });
    expect(entry).toMatchObject({
      issuer: ['https://a.example'],
      audience: ['api', 'admin'],
      authorizedParties: ['https://app.example'],
      algorithms: ['HS512'],
      typ: 'JWT',
      requiredClaims: ['exp', 'sub', 'sid'],
      clockSkewInMs: 0,
      maxTokenAgeInMs: 1,
      treatPendingAsSignedOut: false,
      jwksTimeoutInMs: 1,
      jwksCooldownInMs: 0,
      jwksCacheMaxAgeInMs: 0,
      jwksMaxBytes: 1024,
      jwksStaleIfErrorInMs: 0,
      ...fns,
    });
  });

  it('keeps the key source given', () => {
    expect(resolveAuthOptions({ jwksUrl: 'https://a.example/jwks' }).issuers.entries[0].jwksUrl).toBe('https://a.example/jwks');
    const jwks = { keys: [] };
    expect(resolveAuthOptions({ jwks }).issuers.entries[0].jwks).toBe(jwks);
  });

  it.each([
    [{ clockSkewInMs: -1 }, 'clockSkewInMs', 'expected a finite number >= 0'],
    [{ maxTokenAgeInMs: 0 }, 'maxTokenAgeInMs', 'expected a finite number >= 1'],
    [{ maxTokenAgeInMs: null }, 'maxTokenAgeInMs', 'expected a finite number >= 1'],
    [{ jwksTimeoutInMs: 0 }, 'jwksTimeoutInMs', 'expected a finite number >= 1'],
    [{ jwksCooldownInMs: -1 }, 'jwksCooldownInMs', 'expected a finite number >= 0'],
    [{ jwksCacheMaxAgeInMs: -1 }, 'jwksCacheMaxAgeInMs', 'expected a finite number >= 0'],
    [{ jwksMaxBytes: 1023 }, 'jwksMaxBytes', 'expected a finite number >= 1024'],
    [{ jwksStaleIfErrorInMs: -1 }, 'jwksStaleIfErrorInMs', 'expected a finite number >= 0'],
    [{ treatPendingAsSignedOut: 0 }, 'treatPendingAsSignedOut', 'expected true or false'],
    [{ typ: '' }, 'typ', 'expected a non-empty string'],
    [{ algorithms: [] }, 'algorithms', 'expected a non-empty string or a non-empty list of non-empty strings'],
    [{ requiredClaims: [''] }, 'requiredClaims', 'expected a non-empty string or a non-empty list of non-empty strings'],
    [{ getTokenTemplate: {} }, 'getTokenTemplate', 'expected a function'],
    [{ checkClaims: true }, 'checkClaims', 'expected a function'],
    [{ authorization: { admin: ['x'] } }, 'authorization', 'expected a function'],
    [{ classifyToken: 'clerk' }, 'classifyToken', 'expected a function'],
    [{ scopeClaim: 'a b' }, 'scopeClaim', 'expected a claim name, e.g. "scp"'],
  ])('refuses %j', (options, option, problem) => {
    expect(refused(withSecret(options))).toEqual([option, problem]);
  });

  it('takes a claim name of printable ASCII as scopeClaim', () => {
    expect(entryOf({ scopeClaim: '!scp~' }).scopeClaim).toBe('!scp~');
    for (const scopeClaim of ['sc\u007fp', 'scopé', ' scp']) expect(refused(withSecret({ scopeClaim }))[0]).toBe('scopeClaim');
  });

  it('checks the rules only, without a key source, for the defaults entries inherit', () => {
    const defaults = resolveIssuerConfig({ audience: 'api' }, '', false);
    expect(defaults.audience).toEqual(['api']);
    expect(Object.keys(defaults)).not.toEqual(expect.arrayContaining(['jwksUrl']));
    expect(Object.keys(resolveIssuerConfig({ secret: SECRET }, 'issuers[0]'))).toEqual(expect.arrayContaining(['jwksUrl', 'jwks', 'jwtKey', 'secret']));
    expect(resolveIssuerConfig({ secret: SECRET }, 'issuers[0]').label).toBe('issuers[0]');
    expect(() => resolveIssuerConfig({}, '')).toThrow(AuthConfigError);
  });
});
