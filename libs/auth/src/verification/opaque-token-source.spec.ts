import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthError } from '../auth.errors.js';
import type { AuthModuleOptions } from '../config/auth-options.js';
import type { ResolvedOpaqueTokens } from '../config/opaque-token-options.js';
import { resolveAuthOptions, type IssuerConfig } from '../config/resolve-auth-options.js';
import { toAuthError } from './jose-errors.js';
import { hang, json, startLoopbackServer, type LoopbackServer } from './loopback-server.spec-support.js';
import { createOpaqueTokenVerifier } from './opaque-token-source.js';
import type { VerifiedToken } from './verified-token.js';

// The module's opaque-token verifier: introspection over HTTP (a loopback endpoint) or the app's hook,
// the answer's iss selecting the issuer entry, the claims checked like a JWT's on the module clock.

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const ISSUER = 'https://as.example.com';
/** A clock in the past: a claim check that read the real time instead would see these tokens expired. */
const T0 = Date.UTC(2021, 0, 1);

describe('createOpaqueTokenVerifier', () => {
  let server: LoopbackServer;
  let now: number;
  let asked: unknown[];
  let failures: string[];
  beforeAll(async () => {
    server = await startLoopbackServer();
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    await server.close();
  });

  const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISSUER, sub: 'svc', aud: 'api', exp: T0 / 1000 + 60, iat: T0 / 1000, ...extra });
  /**
   * The verifier of a module with these options; `issuerFor` records the iss it is asked about and,
   * as a module of one issuer does, answers that issuer's entry whatever the iss.
   */
  const verifierOf = (options: Partial<AuthModuleOptions>, settings?: (resolved: ResolvedOpaqueTokens) => ResolvedOpaqueTokens) => {
    now = T0;
    asked = [];
    failures = [];
    const resolved = resolveAuthOptions({ secret: SECRET, issuer: ISSUER, audience: 'api', ...options });
    const entry = resolved.issuers.entries[0];
    const opaque = resolved.opaque as ResolvedOpaqueTokens;
    return createOpaqueTokenVerifier(settings ? settings(opaque) : opaque, {
      clock: () => now,
      issuerFor: (iss) => {
        asked.push(iss);
        return entry;
      },
      toAuthError,
      build: (token, tokenType, verified, issuer: IssuerConfig) => ({ token, tokenType, claims: verified, issuer }) as unknown as VerifiedToken,
      onFailure: (message) => failures.push(message),
    });
  };
  const introspection = (extra: Record<string, unknown> = {}) => ({
    introspection: { url: server.url('/introspect').href, clientId: 'orders-api', clientSecret: 's3cret', ...extra },
  });
  const reason = async (pending: Promise<unknown>) => {
    const error = await pending.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).reason;
  };

  describe('by introspection', () => {
    it('asks the endpoint with its credentials, selects the entry by the answer iss, and keeps the claims without active', async () => {
      server.on('/introspect', json({ active: true, ...claims() }));
      const verified = (await verifierOf(introspection()).verify('mt_token')) as unknown as { tokenType: string; claims: object; issuer: IssuerConfig };
      expect(verified.claims).toEqual(claims());
      // A provider that is not Clerk: its prefixes name no class.
      expect(verified.tokenType).toBe('oauth_token');
      expect(asked).toEqual([ISSUER]);
      const [request] = server.requests;
      expect([request.body, request.headers.authorization]).toEqual([
        'token=mt_token&token_type_hint=access_token',
        `Basic ${Buffer.from('orders-api:s3cret').toString('base64')}`,
      ]);
    });

    it('refuses an inactive token, and an answer without the iss the entry requires', async () => {
      server.on('/introspect', json({ active: false }));
      expect(await reason(verifierOf(introspection()).verify('a'))).toBe('token-invalid');
      server.on('/introspect', json({ active: true, ...claims({ iss: undefined }) }));
      expect(await reason(verifierOf(introspection()).verify('b'))).toBe('token-invalid-issuer');
    });

    it('checks the claims on the module clock, with the issuer rules', async () => {
      server.on('/introspect', json({ active: true, ...claims({ aud: 'other' }) }));
      expect(await reason(verifierOf(introspection()).verify('a'))).toBe('token-invalid-audience');
      server.on('/introspect', json({ active: true, ...claims({ exp: T0 / 1000 - 6 }) }));
      expect(await reason(verifierOf(introspection()).verify('b'))).toBe('token-expired');
      server.on('/introspect', json({ active: true, ...claims({ iat: T0 / 1000 - 120 }) }));
      expect(await reason(verifierOf({ ...introspection(), maxTokenAgeInMs: 60_000 }).verify('c'))).toBe('token-too-old');
    });

    it('gives the client the timeout and the byte cap of the settings', async () => {
      server.on('/introspect', json({ active: true, ...claims({ pad: 'x'.repeat(2000) }) }));
      expect(await reason(verifierOf(introspection({ maxBytes: 1024 })).verify('a'))).toBe('introspection-unavailable');
      expect(failures).toEqual(['token introspection failed: too-large']);
      server.on('/introspect', hang);
      expect(await reason(verifierOf({ ...introspection(), opaqueTokens: { timeoutInMs: 150 } }).verify('b'))).toBe('introspection-unavailable');
      server.on('/introspect', json({ active: true, ...claims() }));
      await expect(verifierOf({ ...introspection(), opaqueTokens: { timeoutInMs: 5000 } }).verify('c')).resolves.toBeDefined();
    });
  });

  describe('by the hook', () => {
    it('tells the hook the class by the prefix, and needs no iss from it', async () => {
      const seen: unknown[] = [];
      const verifier = verifierOf({
        verifyOpaqueToken: (token, tokenType) => {
          seen.push([token, tokenType]);
          return claims({ iss: undefined });
        },
      });
      const verified = (await verifier.verify('mt_abc')) as unknown as { tokenType: string; claims: object };
      expect([verified.tokenType, verified.claims, seen, asked]).toEqual(['m2m_token', claims({ iss: undefined }), [['mt_abc', 'm2m_token']], [undefined]]);
    });

    it('checks an iss the hook returns', async () => {
      expect(await reason(verifierOf({ verifyOpaqueToken: () => claims({ iss: 'https://elsewhere.example' }) }).verify('a'))).toBe('token-invalid-issuer');
      expect(
        await reason(verifierOf({ issuer: 'https://mine.example', verifyOpaqueToken: () => claims({ iss: 'https://mine.example.evil' }) }).verify('b')),
      ).toBe('token-invalid-issuer');
    });

    it('reports an outage of the hook, never what it threw', async () => {
      const verifier = verifierOf({
        verifyOpaqueToken: () => {
          throw new Error('database password is hunter2');
        },
      });
      expect(await reason(verifier.verify('a'))).toBe('introspection-unavailable');
      expect(failures).toEqual(['verifyOpaqueToken threw']);
    });

    it('keeps an accepted token until exp plus its issuer skew, not the settings default', async () => {
      let calls = 0;
      const verifier = verifierOf({
        clockSkewInMs: 3000,
        verifyOpaqueToken: () => {
          calls += 1;
          return claims({ exp: T0 / 1000 + 10 });
        },
      });
      await verifier.verify('a');
      now = T0 + 10_000 + 2999;
      await verifier.verify('a');
      expect(calls).toBe(1);
      now = T0 + 10_000 + 3000;
      expect(await reason(verifier.verify('a'))).toBe('token-expired');
      expect(calls).toBe(2);
    });
  });

  it('needs introspection or a hook', () => {
    const settings = resolveAuthOptions({ secret: SECRET, verifyOpaqueToken: () => null }).opaque as ResolvedOpaqueTokens;
    expect(() =>
      createOpaqueTokenVerifier(
        { ...settings, verify: undefined },
        { clock: Date.now, issuerFor: () => undefined as never, toAuthError, build: () => undefined as never },
      ),
    ).toThrow(new TypeError('opaque tokens need introspection or verifyOpaqueToken'));
  });
});
