import { afterEach, describe, expect, it } from '@jest/globals';
import { AUTH_DEFAULTS } from 'nestjs-warden/core';
import { createTestIssuer } from 'nestjs-warden/testing';
import { ADAPTERS } from './support/http-app.js';
import { createSecurityFixture, type SecurityFixture } from './support/security-fixture.js';

/** The verified-token cache against a real remote JWKS: hits cost no fetch, and no hit outlives its key. */
const COOLDOWN = AUTH_DEFAULTS.jwksCooldownInMs;
const MAX_AGE = AUTH_DEFAULTS.jwksCacheMaxAgeInMs;
const HOUR = 3600;
const rotated = createTestIssuer({ issuer: 'https://issuer.test', kid: 'key-2' });

describe.each(ADAPTERS)('verified-token cache with a remote JWKS on %s', (adapter) => {
  const open: SecurityFixture[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((f) => f.close()));
  });
  const fixture = async () => {
    const f = await createSecurityFixture(adapter, { debug: true });
    open.push(f);
    return f;
  };
  const longLived = (f: SecurityFixture, sub = 'user_1') => f.signer.sign({ sub }, { now: f.clock.now, expiresInSeconds: HOUR });
  /** Two requests: the cache remembers a token on its first verification and stores it on the second. */
  const cached = async (f: SecurityFixture, token: string) => {
    for (let i = 0; i < 2; i++) expect((await f.get(token)).status).toBe(200);
    expect(f.authService.verifier.cache?.size).toBe(1);
  };

  it('answers a repeated token from the cache, without key lookups or fetches', async () => {
    const f = await fixture();
    const token = await longLived(f);
    expect((await f.get(token)).status).toBe(200);
    expect(f.authService.verifier.cache?.size).toBe(0);
    await cached(f, token);
    const fetches = f.server.requests;
    for (let i = 0; i < 5; i++) expect((await f.get(token)).status).toBe(200);
    expect(f.server.requests).toBe(fetches);
  });

  it('drops a cached token as soon as a refresh shows its key was removed', async () => {
    const f = await fixture();
    const token = await longLived(f);
    await cached(f, token);
    const next = await rotated;
    f.server.setKeys([next.publicJwk]);
    f.clock.advance(COOLDOWN);
    // A token of the new key is unknown: one refresh, which no longer lists key-1.
    const fresh = await next.sign({}, { now: f.clock.now, expiresInSeconds: HOUR });
    expect((await f.get(fresh)).status).toBe(200);
    expect(f.authService.verifier.cache?.size).toBe(0);
    const res = await f.get(token);
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('key-not-found');
  });

  it('verifies a cached token again once its keys are due for a refresh, even if only hits came', async () => {
    const f = await fixture();
    const token = await longLived(f);
    await cached(f, token);
    f.server.setKeys([(await rotated).publicJwk]);
    f.clock.advance(MAX_AGE - 1);
    expect((await f.get(token)).status).toBe(200);
    f.clock.advance(1);
    const res = await f.get(token);
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('key-not-found');
  });
});

describe.each(ADAPTERS)('verified-token cache during a JWKS outage on %s', (adapter) => {
  it('caches nothing on stale keys, so the stale window still ends in 503', async () => {
    const f = await createSecurityFixture(adapter);
    try {
      f.server.behave({ kind: 'status', status: 500 });
      f.clock.advance(MAX_AGE);
      const token = await f.signer.sign({}, { now: f.clock.now, expiresInSeconds: 3 * HOUR });
      for (let i = 0; i < 2; i++) expect((await f.get(token)).status).toBe(200);
      expect(f.authService.verifier.cache?.size).toBe(0);
      f.clock.advance(AUTH_DEFAULTS.jwksStaleIfErrorInMs);
      expect((await f.get(token)).status).toBe(503);
    } finally {
      await f.close();
    }
  });
});
