import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { type AuthModuleOptions } from './auth-options.js';
import { AuthConfigError } from './auth-config-error.js';
import { resolveAuthOptions } from './resolve-auth-options.js';
import { auth0, clerk } from '../presets/index.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const A = { secret: SECRET, issuer: 'https://a.example.com' };
const B = { jwksUrl: 'https://b.example.com/.well-known/jwks.json', issuer: 'https://b.example.com/' };

/** The option error `run` throws; undefined when it throws nothing (any other error fails the test). */
function configErrorOf(run: () => unknown): AuthConfigError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthConfigError) return error;
    throw error;
  }
  return undefined;
}

function failure(options: unknown): AuthConfigError {
  const error = configErrorOf(() => resolveAuthOptions(options as AuthModuleOptions));
  if (!error) throw new Error('expected resolveAuthOptions to throw');
  return error;
}

describe('issuers', () => {
  it('resolves each entry with its own key source and rules; no key source at the top level', () => {
    const resolved = resolveAuthOptions({ issuers: [A, { ...B, audience: 'api-b' }] });
    expect(resolved.issuers?.entries.map((e) => [e.issuer, e.audience, e.secret !== undefined, e.jwksUrl])).toEqual([
      [['https://a.example.com'], undefined, true, undefined],
      [['https://b.example.com/'], ['api-b'], false, B.jwksUrl],
    ]);
    expect(resolved.issuers.single).toBe(false);
  });

  it('accepts presets as entries', () => {
    const resolved = resolveAuthOptions({
      issuers: [clerk({ frontendApi: 'clerk.example.com' }), auth0({ domain: 'example.us.auth0.com', audience: 'https://api.example.com' })],
    });
    expect(resolved.issuers?.entries.map((e) => e.issuer?.[0])).toEqual(['https://clerk.example.com', 'https://example.us.auth0.com/']);
  });

  it('gives every entry the top-level issuer options as defaults, which an entry overrides', () => {
    const resolved = resolveAuthOptions({ issuers: [A, { ...B, audience: 'own' }], audience: 'shared', clockSkewInMs: 100, acceptsToken: 'any' });
    const [a, b] = resolved.issuers?.entries ?? [];
    expect([a.audience, a.clockSkewInMs, a.acceptsToken]).toEqual([['shared'], 100, 'any']);
    expect([b.audience, b.clockSkewInMs]).toEqual([['own'], 100]);
  });

  it.each([
    ['jwksUrl', { jwksUrl: 'https://c.example.com/jwks' }],
    ['secret', { secret: SECRET }],
    ['issuer', { issuer: 'https://c.example.com' }],
  ])('refuses a top-level %s next to issuers, naming it', (name, extra) => {
    const error = failure({ issuers: [A], ...extra });
    expect(error.option).toBe(name);
    expect(error.message).toMatch(/set it in each issuer entry/);
  });

  it('refuses an entry without issuer: the token iss selects the entry', () => {
    expect(failure({ issuers: [A, { secret: SECRET }] }).option).toBe('issuers[1].issuer');
  });

  it('refuses two entries that name the same issuer', () => {
    const error = failure({ issuers: [A, { ...B, issuer: ['https://x', A.issuer] }] });
    expect(error.option).toBe('issuers[1].issuer');
    expect(error.message).toMatch(/issuers\[0\]/);
  });

  it('names the entry and the option of a bad entry', () => {
    expect(failure({ issuers: [A, { ...B, audience: 42 }] }).option).toBe('issuers[1].audience');
    expect(failure({ issuers: [A, { ...A, issuer: 'https://c', secret: 'short' }] }).option).toBe('issuers[1].secret');
    expect(failure({ issuers: [A, 'https://b'] }).option).toBe('issuers[1]');
  });

  it('refuses module-wide options inside an entry, and unknown ones with a suggestion', () => {
    const wide = failure({ issuers: [{ ...A, tokenSources: ['header'] }] });
    expect([wide.option, wide.problem]).toEqual(['issuers[0].tokenSources', 'is module-wide: set it at the top level, next to issuers']);
    const typo = failure({ issuers: [{ ...A, audiences: 'x' }] });
    expect(typo.option).toBe('issuers[0].audiences');
    expect(typo.message).toMatch(/did you mean "issuers\[0\]\.audience"/);
  });

  it('refuses an empty list without resolveIssuer, and a non-list', () => {
    expect(failure({ issuers: [] }).option).toBe('issuers');
    expect(failure({ issuers: A }).option).toBe('issuers');
  });

  it('collects the authorized parties of the top level and every entry (cookie origins)', () => {
    const resolved = resolveAuthOptions({ issuers: [{ ...A, authorizedParties: ['https://a.app'] }, B], authorizedParties: ['https://shared.app'] });
    expect(resolved.issuers?.authorizedParties).toEqual(['https://shared.app', 'https://a.app']);
  });
});

describe('resolveIssuer', () => {
  const resolveIssuer = () => null;

  it('applies the documented defaults', () => {
    const resolved = resolveAuthOptions({ resolveIssuer });
    expect(resolved.issuers).toMatchObject({ entries: [], maxIssuers: 100, ttlInMs: 300_000, maxCalls: 1000, timeoutInMs: 2000 });
  });

  it.each(['maxIssuers', 'resolveIssuerTtlInMs', 'resolveIssuerMaxCalls', 'resolveIssuerTimeoutInMs'])('refuses %s without resolveIssuer', (name) => {
    expect(failure({ secret: SECRET, [name]: 10 }).option).toBe(name);
    expect(failure({ issuers: [A], [name]: 10 }).option).toBe(name);
  });

  it.each([0, 1.5, -1, Number.NaN])('refuses maxIssuers %p', (value) => {
    expect(failure({ resolveIssuer, maxIssuers: value }).option).toBe('maxIssuers');
  });

  it('refuses a resolveIssuer that is not a function', () => {
    expect(failure({ resolveIssuer: 'https://a' }).option).toBe('resolveIssuer');
  });

  it('turns an answer into an entry for exactly that iss, with the top-level defaults', () => {
    const resolved = resolveAuthOptions({ resolveIssuer, audience: 'api' });
    const entry = resolved.issuers?.entryFor('https://t1.example.com', { jwksUrl: 'https://t1.example.com/jwks' });
    expect([entry?.issuer, entry?.audience, entry?.jwksUrl]).toEqual([['https://t1.example.com'], ['api'], 'https://t1.example.com/jwks']);
    // No key source: OIDC discovery on the iss itself (which the resolver vouched for).
    expect(resolved.issuers?.entryFor('https://t2.example.com', {}).issuer).toEqual(['https://t2.example.com']);
  });

  it('has nothing to resolve in a module with one issuer', () => {
    const issuers = resolveAuthOptions({ secret: SECRET }).issuers;
    const error = configErrorOf(() => issuers.entryFor('https://t1.example.com', {}));
    expect([error?.option, error?.problem]).toEqual(['resolveIssuer', 'is not set']);
  });

  it('refuses an answer for another issuer, or one that is not options', () => {
    const issuers = resolveAuthOptions({ resolveIssuer }).issuers;
    expect(() => issuers?.entryFor('https://t1', { issuer: 'https://other', secret: SECRET })).toThrow(/not the token iss/);
    expect(() => issuers?.entryFor('https://t1', 'https://t1/jwks')).toThrow(/issuer options or null/);
    expect(() => issuers?.entryFor('https://t1.example.com', { audiences: 'x' })).toThrow(/resolveIssuer\(\)\.audiences/);
  });
});

describe('the messages of issuer option errors', () => {
  it.each([
    [{ issuers: [A], maxIssuers: 5 }, 'maxIssuers', 'applies only with resolveIssuer'],
    [{ secret: SECRET, resolveIssuerMaxCalls: 5 }, 'resolveIssuerMaxCalls', 'applies only with resolveIssuer'],
    [{ resolveIssuer: 'https://a' }, 'resolveIssuer', 'expected a function (iss) => issuer options | null'],
    [{ issuers: {} }, 'issuers', 'expected a non-empty list of issuer options, e.g. [clerk({ ... }), auth0({ ... })]'],
    [{ issuers: [null] }, 'issuers[0]', 'expected issuer options, e.g. clerk({ ... }) or { jwksUrl, issuer, audience }'],
    [{ issuers: [{ secret: SECRET }] }, 'issuers[0].issuer', "is required: a token's iss selects its issuer entry by exact match"],
    [{ resolveIssuer: () => null, maxIssuers: 2.5 }, 'maxIssuers', 'expected a whole number >= 1'],
    [{ resolveIssuer: () => null, resolveIssuerTtlInMs: 0 }, 'resolveIssuerTtlInMs', 'expected a finite number >= 1'],
    [{ resolveIssuer: () => null, resolveIssuerAddresses: 'private' }, 'resolveIssuerAddresses', "expected 'public' or 'any'"],
    // The top-level defaults are checked at boot, named as the app wrote them, before resolveIssuer answered once.
    [{ resolveIssuer: () => null, clockSkewInMs: -1 }, 'clockSkewInMs', 'expected a finite number >= 0'],
  ])('%j: %s', (options, option, problem) => {
    const error = failure(options);
    expect([error.option, error.problem]).toEqual([option, problem]);
  });

  it('says what resolveIssuer answered wrong', () => {
    const issuers = resolveAuthOptions({ resolveIssuer: () => null }).issuers;
    const problemOf = (answer: unknown) => {
      const error = configErrorOf(() => issuers?.entryFor('https://t1.example.com', answer));
      return error ? [error.option, error.problem] : 'accepted';
    };
    expect(problemOf(null)).toEqual(['resolveIssuer', 'must answer issuer options or null']);
    expect(problemOf({ issuer: 'https://other', secret: SECRET })).toEqual([
      'resolveIssuer',
      'answered options whose issuer is not the token iss it was asked about',
    ]);
    expect(problemOf({ issuer: 'https://t1.example.com', secret: SECRET })).toBe('accepted');
    expect(problemOf({ audiences: 'x' })).toEqual([
      'resolveIssuer().audiences',
      'unknown option "resolveIssuer().audiences" (did you mean "resolveIssuer().audience"?)',
    ]);
  });

  it('accepts an empty list next to resolveIssuer', () => {
    expect(resolveAuthOptions({ issuers: [], resolveIssuer: () => null }).issuers?.entries).toEqual([]);
  });

  it('lets one entry name an issuer twice', () => {
    expect(resolveAuthOptions({ issuers: [{ ...A, issuer: [A.issuer, A.issuer] }] }).issuers?.entries).toHaveLength(1);
  });

  it('collects no authorized parties when none is set', () => {
    expect(resolveAuthOptions({ issuers: [A] }).issuers?.authorizedParties).toBeUndefined();
    expect(resolveAuthOptions({ issuers: [A], authorizedParties: ['https://a.app'] }).issuers?.authorizedParties).toEqual(['https://a.app']);
  });

  it("keeps the module's clock once, for every entry", () => {
    const clock = () => 0;
    expect(resolveAuthOptions({ issuers: [A], clock }).clock).toBe(clock);
    expect('clock' in (resolveAuthOptions({ resolveIssuer: () => null, clock }).issuers.entryFor('https://t.example.com', {}) as object)).toBe(false);
  });
});

describe('resolveIssuerAddresses', () => {
  const entryFor = (answer: object, extra: Partial<AuthModuleOptions> = {}) =>
    resolveAuthOptions({ resolveIssuer: () => null, ...extra }).issuers?.entryFor('https://t.example.com', answer);
  const optionOf = (run: () => unknown): string => configErrorOf(run)?.option ?? 'accepted';

  it('defaults to public addresses only: the entries resolveIssuer answers for fetch from public addresses', () => {
    expect(resolveAuthOptions({ resolveIssuer: () => null }).issuers?.addresses).toBe('public');
    expect(entryFor({ jwksUrl: 'https://keys.example.com/jwks' })?.publicAddressesOnly).toBe(true);
    expect(entryFor({ jwksUrl: 'https://keys.example.com/jwks' }, { resolveIssuerAddresses: 'any' })?.publicAddressesOnly).toBeUndefined();
  });

  it.each([
    ['http://127.0.0.1:8080/jwks'],
    ['http://localhost:8080/jwks'],
    ['https://10.1.2.3/jwks'],
    ['https://[::1]/jwks'],
    ['https://[::ffff:169.254.169.254]/jwks'],
    ['https://tenant.localhost/jwks'],
  ])('refuses an answered jwksUrl of %s at once, naming it', (jwksUrl) => {
    expect(optionOf(() => entryFor({ jwksUrl }))).toBe('resolveIssuer().jwksUrl');
    expect(optionOf(() => entryFor({ jwksUrl }, { resolveIssuerAddresses: 'any' }))).toBe('accepted');
  });

  it('checks the issuer when its discovery document would be fetched, and nothing when no key is fetched', () => {
    const settings = resolveAuthOptions({ resolveIssuer: () => null }).issuers;
    expect(optionOf(() => settings?.entryFor('https://127.0.0.1:9999', {}))).toBe('resolveIssuer().issuer');
    expect(optionOf(() => settings?.entryFor('https://127.0.0.1:9999', { secret: SECRET }))).toBe('accepted');
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwtKey = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256' };
    expect(optionOf(() => settings?.entryFor('https://127.0.0.1:9999', { jwtKey }))).toBe('accepted');
    expect(optionOf(() => settings?.entryFor('https://127.0.0.1:9999', { jwks: { keys: [jwk] } }))).toBe('accepted');
  });

  it('says why, in the error', () => {
    expect(configErrorOf(() => entryFor({ jwksUrl: 'http://127.0.0.1:8080/jwks' }))?.problem).toBe(
      "names a loopback or private address; with resolveIssuerAddresses: 'public' key material comes from public addresses only",
    );
  });

  it.each([
    ['https://notlocalhost/jwks'],
    ['https://localhost.example.com/jwks'],
    ['https://a.localhost.example.com/jwks'],
    ['https://[2606:4700::1111]/jwks'],
  ])('accepts %s: only localhost itself, names under .localhost and addresses that are not public are refused', (jwksUrl) => {
    expect(optionOf(() => entryFor({ jwksUrl }))).toBe('accepted');
  });
});
