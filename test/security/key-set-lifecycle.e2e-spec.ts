import { describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint } from 'jose';
import { AUTH_DEFAULTS } from 'nestjs-warden/core';
import { createTestIssuer } from 'nestjs-warden/testing';
import { ADAPTERS } from '../support/http-app.js';
import { useSecurityFixtures } from '../support/security-fixture.js';

/** Catalogue key sources #7-#11 and #13: the life of a cached key set (rotation, removal, floods, outages). */
const COOLDOWN = AUTH_DEFAULTS.jwksCooldownInMs;
const MAX_AGE = AUTH_DEFAULTS.jwksCacheMaxAgeInMs;
const STALE = AUTH_DEFAULTS.jwksStaleIfErrorInMs;

const otherKeys = {
  next: createTestIssuer({ issuer: 'https://issuer.test', kid: 'key-2' }),
  stranger: createTestIssuer({ issuer: 'https://issuer.test', kid: 'stranger' }),
};

describe.each(ADAPTERS)('key-set lifecycle on %s', (adapter) => {
  const { fixture } = useSecurityFixtures(adapter);
  it('#7 rotation: a new kid is fetched once, then accepted', async () => {
    const f = await fixture();
    const next = await otherKeys.next;
    f.server.setKeys([f.signer.publicJwk, next.publicJwk]);
    f.clock.advance(COOLDOWN); // past the boot fetch's cooldown, well within the cache's max age
    const before = f.server.requests;
    for (let i = 0; i < 3; i++) {
      expect((await f.get(await next.sign({}, { now: f.clock.now }))).status).toBe(200);
    }
    expect(f.server.requests).toBe(before + 1);
  });

  it('#8 removal: a removed key stops verifying after the next refresh; listeners hear of it (by thumbprint)', async () => {
    const f = await fixture({ debug: true });
    const heard: string[][] = [];
    f.authService.verifier.keySource?.onKeysChanged?.((thumbprints) => heard.push([...thumbprints]));
    const token = await f.sign();
    expect((await f.get(token)).status).toBe(200);
    const next = await otherKeys.next;
    f.server.setKeys([next.publicJwk]);
    f.clock.advance(MAX_AGE);
    const res = await f.get(token);
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('key-not-found');
    expect(heard).toEqual([[await calculateJwkThumbprint(next.publicJwk)]]);
  });

  it('#9 unknown-kid flood: at most one fetch per cooldown, also when fetches fail', async () => {
    const f = await fixture();
    const stranger = await otherKeys.stranger;
    const flood = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const token = await stranger.sign({}, { now: f.clock.now, header: { kid: `unknown-${i}` } });
        expect((await f.get(token)).status).toBe(401);
      }
    };
    f.clock.advance(COOLDOWN);
    const start = f.server.requests;
    await flood(50);
    expect(f.server.requests).toBe(start + 1);
    f.clock.advance(COOLDOWN - 1);
    await flood(20);
    expect(f.server.requests).toBe(start + 1);
    f.clock.advance(1);
    await flood(20);
    expect(f.server.requests).toBe(start + 2);
    f.server.behave({ kind: 'status', status: 500 });
    f.clock.advance(COOLDOWN);
    await flood(30);
    expect(f.server.requests).toBe(start + 3);
    f.clock.advance(COOLDOWN);
    await flood(30);
    expect(f.server.requests).toBe(start + 4);
  });

  it('#9 a failed fetch starts the cooldown too (nothing cached yet)', async () => {
    const f = await fixture({}, (s) => s.behave({ kind: 'status', status: 500 }));
    for (let i = 0; i < 20; i++) expect((await f.get(await f.sign())).status).toBe(503);
    expect(f.server.requests).toBe(1);
    f.server.behave({ kind: 'ok' });
    f.clock.advance(COOLDOWN);
    expect((await f.get(await f.sign())).status).toBe(200);
    expect(f.server.requests).toBe(2);
  });

  it('#10 thundering herd: 1000 concurrent first requests, exactly one fetch in flight', async () => {
    const f = await fixture({}, (s) => s.behave({ kind: 'status', status: 500 }));
    f.server.behave({ kind: 'delay', ms: 200 });
    f.clock.advance(COOLDOWN);
    const before = f.server.requests;
    const token = await f.sign();
    const http = await f.app.listen(0, '127.0.0.1');
    const { port } = http.address() as { port: number };
    const statuses = await Promise.all(
      Array.from({ length: 1000 }, () =>
        fetch(`http://127.0.0.1:${port}/private`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        }),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1000);
    expect(f.server.requests).toBe(before + 1);
  });

  it('#11 outage after keys were cached: stale keys serve for the window, then it fails closed', async () => {
    const f = await fixture();
    const token = await f.sign({}, {});
    f.server.behave({ kind: 'status', status: 500 });
    f.clock.advance(MAX_AGE);
    const longLived = await f.signer.sign({}, { now: f.clock.now, expiresInSeconds: 3 * 3600 });
    expect((await f.get(longLived)).status).toBe(200);
    f.clock.advance(STALE - 1);
    expect((await f.get(longLived)).status).toBe(200);
    f.clock.advance(1);
    expect((await f.get(longLived)).status).toBe(503);
    f.server.behave({ kind: 'ok' });
    f.clock.advance(COOLDOWN);
    expect((await f.get(longLived)).status).toBe(200);
    expect(token).not.toBe(longLived);
  });

  it('#13 keys unavailable: 503 + Retry-After with a token; signed out without one', async () => {
    const f = await fixture({}, (s) => s.behave({ kind: 'status', status: 500 }));
    const token = await f.sign();
    const withToken = await f.get(token);
    expect(withToken.status).toBe(503);
    expect(withToken.headers['retry-after']).toBe('30');
    expect(withToken.headers['www-authenticate']).toBeUndefined();
    const without = await f.get(null);
    expect(without.status).toBe(401);
    expect(without.headers['www-authenticate']).toBe('Bearer realm="api"');
    const optional = await f.get(null, '/optional');
    expect(optional.status).toBe(200);
    expect(optional.body.signedIn).toBe(false);
  });
});
