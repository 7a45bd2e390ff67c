import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { createTestDecryptionKey, createTestIssuer, encryptToken, type TestDecryptionKey, type TestIssuer } from '../testing/index.js';
import type { KeySource } from './key-sources.js';
import { freePort, json, startLoopbackServer, type LoopbackServer } from './loopback-server.spec-support.js';
import { reasonOf } from './reason-of.spec-support.js';
import { TokenVerifier } from './token-verifier.js';
import { asVerification, type Verification } from './verification.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
let issuer: TestIssuer;
let other: TestIssuer;
let server: LoopbackServer;

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: 'https://a.example.com', kid: 'a1', alg: 'ES256' });
  other = await createTestIssuer({ issuer: 'https://b.example.com', kid: 'b1', alg: 'ES256' });
  server = await startLoopbackServer();
});

afterAll(async () => {
  await server.close();
});

const verifier = (extra: AuthModuleOptions = {}) => new TokenVerifier(resolveAuthOptions(issuer.moduleOptions(extra)), undefined, () => NOW);
const sign = (claims: Record<string, unknown> = {}) => issuer.sign({ sid: 'sess_1', ...claims }, { now: NOW });

describe('TokenVerifier.authenticate: never throws, says why', () => {
  it.each([null, undefined, ''])('no token (%p): signed out as token-missing, no token present', async (token) => {
    const v = await verifier().authenticate(token, 'header');
    expect([v.auth.isAuthenticated, v.error?.reason, v.error?.message, v.tokenPresent, v.token]).toEqual([false, 'token-missing', 'no token', false, null]);
  });

  it('a refused token: signed out with the reason, the token present, the token and where it was found kept', async () => {
    const v = await verifier().authenticate('not-a-jwt', 'cookie');
    expect([v.auth.isAuthenticated, v.error?.reason, v.tokenPresent, v.token, v.source]).toEqual([false, 'token-invalid', true, 'not-a-jwt', 'cookie']);
  });

  it('a verified token: cacheHit false the first time, true once the cache answers; one frozen value per source', async () => {
    const v = verifier();
    const token = await sign();
    const first = await v.authenticate(token, 'header');
    expect([first.auth.isAuthenticated, first.cacheHit, first.source]).toEqual([true, false, 'header']);
    await v.authenticate(token, 'header'); // second sighting: stored
    const hit = v.authenticate(token, 'header') as Verification;
    expect(hit).not.toBeInstanceOf(Promise);
    expect([hit.auth.isAuthenticated, hit.cacheHit, hit.source]).toEqual([true, true, 'header']);
    expect(v.authenticate(token, 'header')).toBe(hit);
    const fromCookie = v.authenticate(token, 'cookie') as Verification;
    expect([fromCookie.cacheHit, fromCookie.source, fromCookie.scheme]).toEqual([true, 'cookie', null]);
    const noSource = v.authenticate(token, null) as Verification;
    expect([noSource.cacheHit, noSource.source, noSource.auth.isAuthenticated]).toEqual([true, null, true]);
  });

  it('a cache hit with an isRevoked hook waits for it: the hit when not revoked, token-revoked when it is', async () => {
    let revoked = false;
    const v = verifier({ isRevoked: async () => revoked });
    const token = await sign();
    await v.authenticate(token);
    await v.authenticate(token);
    const hit = await v.authenticate(token);
    expect([hit.cacheHit, hit.auth.isAuthenticated]).toEqual([true, true]);
    revoked = true;
    const refused = await v.authenticate(token, 'cookie');
    expect([refused.error?.reason, refused.tokenPresent, refused.token, refused.source]).toEqual(['token-revoked', true, token, 'cookie']);
  });
});

describe('TokenVerifier.recheck: when the issuer cannot have changed, resolveIssuer is not asked', () => {
  function resolving() {
    const asked: string[] = [];
    const options = resolveAuthOptions({
      issuers: [issuer.moduleOptions()],
      resolveIssuer: (iss) => {
        asked.push(iss);
        return { jwks: other.jwks };
      },
      resolveIssuerTtlInMs: 60_000,
    });
    return { v: new TokenVerifier(options, undefined, () => NOW), asked };
  }

  it('a verification by an entry of issuers is kept as it is, without asking resolveIssuer', async () => {
    const { v, asked } = resolving();
    const stored = await v.authenticate(await sign());
    expect(stored.auth.isAuthenticated).toBe(true);
    expect(v.recheck(stored)).toBe(stored);
    expect(asked).toEqual([]);
  });

  it('beside entries of issuers, a verification by a resolved issuer is judged again once resolveIssuer stops trusting it', async () => {
    const clock = { now: NOW };
    let answer: { jwks: typeof other.jwks } | null = { jwks: other.jwks };
    const options = resolveAuthOptions({ issuers: [issuer.moduleOptions()], resolveIssuer: () => answer, resolveIssuerTtlInMs: 60_000 });
    const v = new TokenVerifier(options, undefined, () => clock.now);
    const stored = await v.authenticate(await other.sign({ sid: 'sess_b' }, { now: NOW, expiresInSeconds: 3600 }));
    expect(stored.auth.isAuthenticated).toBe(true);
    answer = null;
    clock.now = NOW + 60_001;
    expect((await v.recheck(stored)).error?.reason).toBe(AuthErrorReason.TokenInvalidIssuer);
    // The entry of issuers is not re-resolved: its verification stands.
    const fixed = await v.authenticate(await issuer.sign({ sid: 'sess_a' }, { now: NOW, expiresInSeconds: 3600 }));
    expect(v.recheck(fixed)).toBe(fixed);
  });

  it('a verification without an issuer (a guard subclass of its own) is kept as it is', async () => {
    const { v, asked } = resolving();
    const verified = await v.authenticate(await other.sign({ sid: 'sess_b' }, { now: NOW }));
    expect(asked).toEqual(['https://b.example.com']);
    const stored = asVerification({ auth: verified.auth, error: null, tokenPresent: true }, verified.token, 'header');
    expect(stored.issuer).toBeNull();
    expect(v.recheck(stored)).toBe(stored);
    expect(asked).toEqual(['https://b.example.com']);
  });

  it('claims without a string iss are never looked up', async () => {
    const { v, asked } = resolving();
    const verified = await v.authenticate(await other.sign({ sid: 'sess_b' }, { now: NOW }));
    const stored: Verification = { ...verified, claims: { ...verified.claims, iss: undefined } };
    expect(v.recheck(stored)).toBe(stored);
    expect(asked).toEqual(['https://b.example.com']);
  });

  it('a module without resolveIssuer never judges a stored verification again, whichever module made it', async () => {
    const several = () => new TokenVerifier(resolveAuthOptions({ issuers: [issuer.moduleOptions(), other.moduleOptions()] }), undefined, () => NOW);
    const stored = await several().authenticate(await sign());
    expect(stored.auth.isAuthenticated).toBe(true);
    // Another module with the same issuers: other entry objects, nothing that can have changed.
    expect(several().recheck(stored)).toBe(stored);
  });
});

describe('TokenVerifier: encrypted tokens', () => {
  let key: TestDecryptionKey;
  beforeAll(async () => {
    key = await createTestDecryptionKey({ alg: 'ECDH-ES+A256KW' });
  });

  it('opens an encrypted token the module expects, and keeps the token as sent', async () => {
    const v = verifier({ decryption: key.decryption(), maxTokenBytes: 16384 });
    const sent = await encryptToken(await sign(), key.publicJwk);
    expect(sent.split('.')).toHaveLength(5);
    const verified = await v.verify(sent);
    expect([verified.token, verified.claims.sid]).toEqual([sent, 'sess_1']);
  });

  it('refuses a signed token that is not encrypted under decryption.required, saying so', async () => {
    const v = verifier({ decryption: key.decryption() });
    let caught: unknown;
    try {
      await v.verify(await sign());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AuthError);
    expect(caught).toMatchObject({ reason: 'token-not-encrypted', message: 'the token is not encrypted (decryption.required)' });
    expect(await reasonOf(verifier({ decryption: key.decryption({ required: false }) }).verify(await sign()))).toBe('accepted');
  });
});

describe('TokenVerifier: opaque tokens with several issuers', () => {
  it('an answer that names no issuer is token-invalid-issuer, saying so', async () => {
    const options = resolveAuthOptions({
      issuers: [issuer.moduleOptions(), other.moduleOptions()],
      verifyOpaqueToken: () => ({ sub: 'mch_1', exp: NOW / 1000 + 60 }),
    });
    let caught: unknown;
    try {
      await new TokenVerifier(options, undefined, () => NOW).verify('mt_abc');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ reason: 'token-invalid-issuer', message: 'the answer for the opaque token names no issuer' });
  });
});

describe('TokenVerifier: remote keys', () => {
  it('warmUp() resolves once the keys are fetched', async () => {
    server.on('/jwks', json(issuer.jwks));
    const v = new TokenVerifier(resolveAuthOptions({ jwksUrl: server.url('/jwks').href, issuer: issuer.issuer }));
    expect(v.keySource?.keysFetchedAt?.()).toBeFalsy();
    await v.warmUp();
    expect(v.keySource?.keysFetchedAt?.()).toEqual(expect.any(Number));
    expect(server.requests.filter((r) => r.path === '/jwks')).toHaveLength(1);
  });

  it("keys that cannot be fetched: keys-unavailable, retry after the issuer's jwksCooldownInMs, in seconds", async () => {
    const port = await freePort();
    const v = new TokenVerifier(resolveAuthOptions({ jwksUrl: `http://127.0.0.1:${port}/jwks`, issuer: issuer.issuer, jwksCooldownInMs: 7000 }));
    let caught: unknown;
    try {
      await v.verify(await issuer.sign({ sid: 'sess_1' }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ reason: 'keys-unavailable', retryAfterSeconds: 7 });
  });

  it('a key source that gives its own retry hint keeps it', async () => {
    const source: KeySource = {
      kind: 'jwksUrl',
      algorithms: ['ES256'],
      key: () => {
        throw new AuthError(AuthErrorReason.KeysUnavailable, 'the key service is down', 42);
      },
    };
    const v = new TokenVerifier(resolveAuthOptions(issuer.moduleOptions({ jwksCooldownInMs: 7000 })), source, () => NOW);
    let caught: unknown;
    try {
      await v.verify(await sign());
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ reason: 'keys-unavailable', retryAfterSeconds: 42 });
  });

  it('other refusals carry no retry hint', async () => {
    let caught: unknown;
    try {
      await verifier().verify(await other.sign({ iss: issuer.issuer }, { now: NOW }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AuthError);
    expect((caught as AuthError).retryAfterSeconds).toBeUndefined();
  });
});
