import { describe, expect, it } from '@jest/globals';
import { AUTH_DEFAULTS } from 'nestjs-warden/core';
import { createTestIssuer } from 'nestjs-warden/testing';
import { ADAPTERS } from './support/http-app.js';
import { useSecurityFixtures, type SecurityFixture } from './support/security-fixture.js';

/**
 * Issue 12, defect 6: the issuer replaces the key behind a `kid` (the usual answer to a compromise).
 * Cached verifications are tied to the key's RFC 7638 thumbprint, not to its `kid`: the refresh that
 * brings the new key drops every token the old one verified.
 */
const HOUR = 3600;
const replacement = createTestIssuer({ issuer: 'https://issuer.test', kid: 'key-1' });
const second = createTestIssuer({ issuer: 'https://issuer.test', kid: 'key-2' });

describe.each(ADAPTERS)('a key replaced under the same kid, real JWKS server on %s', (adapter) => {
  const { fixture } = useSecurityFixtures(adapter);
  const longLived = (f: SecurityFixture) => f.signer.sign({ sub: 'user_old_key' }, { now: f.clock.now, expiresInSeconds: HOUR });

  it('drops cached tokens of the old key as soon as a refresh shows the new key behind key-1', async () => {
    const f = await fixture({ debug: true });
    const old = await longLived(f);
    for (let i = 0; i < 2; i++) expect((await f.get(old)).status).toBe(200);
    expect(f.authService.verifier.cache?.size).toBe(1);

    // The issuer replaces the key behind key-1 and publishes key-2 as well.
    const [next, other] = await Promise.all([replacement, second]);
    f.server.setKeys([next.publicJwk, other.publicJwk]);
    f.clock.advance(AUTH_DEFAULTS.jwksCooldownInMs);
    // A token naming key-2 is unknown: one refresh, well before the old set is due.
    const fetches = f.server.requests;
    expect((await f.get(await other.sign({}, { now: f.clock.now, expiresInSeconds: HOUR }))).status).toBe(200);
    expect(f.server.requests).toBe(fetches + 1);

    expect(f.authService.verifier.cache?.size).toBe(0);
    const res = await f.get(old);
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('token-invalid-signature');
    // The new key behind key-1 verifies.
    expect((await f.get(await next.sign({}, { now: f.clock.now, expiresInSeconds: HOUR }))).status).toBe(200);
  });

  it('a token of the new key behind key-1 makes it look again (once per cooldown): the old key is gone, the new one verifies', async () => {
    const f = await fixture({ debug: true });
    const old = await longLived(f);
    for (let i = 0; i < 2; i++) expect((await f.get(old)).status).toBe(200);
    const next = await replacement;
    f.server.setKeys([next.publicJwk]);
    f.clock.advance(AUTH_DEFAULTS.jwksCooldownInMs);
    const fetches = f.server.requests;
    const fresh = await next.sign({ sub: 'user_new_key' }, { now: f.clock.now, expiresInSeconds: HOUR });
    const res = await f.get(fresh);
    expect([res.status, res.body.userId]).toEqual([200, 'user_new_key']);
    expect(f.server.requests).toBe(fetches + 1);
    expect(f.authService.verifier.cache?.size).toBe(0);
    expect((await f.get(old)).status).toBe(401);
    // A signature that fails again within the cooldown (a forgery naming key-1) fetches nothing.
    const forged = `${old.slice(0, old.lastIndexOf('.') + 1)}${'A'.repeat(342)}`;
    for (let i = 0; i < 5; i++) expect((await f.get(forged)).status).toBe(401);
    expect(f.server.requests).toBe(fetches + 1);
  });

  it('keeps cached tokens of keys that stayed in the set, whatever else changed', async () => {
    const f = await fixture();
    const kept = await longLived(f);
    for (let i = 0; i < 2; i++) expect((await f.get(kept)).status).toBe(200);
    const other = await second;
    f.server.setKeys([f.signer.publicJwk, other.publicJwk]);
    f.clock.advance(AUTH_DEFAULTS.jwksCooldownInMs);
    expect((await f.get(await other.sign({}, { now: f.clock.now, expiresInSeconds: HOUR }))).status).toBe(200);
    expect(f.authService.verifier.cache?.size).toBe(1);
    expect((await f.get(kept)).status).toBe(200);
  });
});
