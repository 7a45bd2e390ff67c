import dns from 'node:dns';
import { describe, expect, it } from '@jest/globals';
import { AUTH_DEFAULTS, resolveAuthOptions } from 'nestjs-warden/core';
import { createTestIssuer } from 'nestjs-warden/testing';
import { generateKeyPair, exportJWK } from 'jose';
import { ADAPTERS } from '../support/http-app.js';
import { useSecurityFixtures } from '../support/security-fixture.js';

const COOLDOWN = AUTH_DEFAULTS.jwksCooldownInMs;
const MAX_AGE = AUTH_DEFAULTS.jwksCacheMaxAgeInMs;

describe('key source defaults', () => {
  it('timeout 5 s, cap 512 KiB, cooldown 30 s, stale window 1 h', () => {
    const [resolved] = resolveAuthOptions({ jwksUrl: 'https://issuer.example.com/jwks.json' }).issuers.entries;
    expect(resolved.jwksTimeoutInMs).toBe(5000);
    expect(resolved.jwksMaxBytes).toBe(512 * 1024);
    expect(resolved.jwksCooldownInMs).toBe(30000);
    expect(resolved.jwksStaleIfErrorInMs).toBe(3600000);
    expect(() => resolveAuthOptions({ jwksUrl: 'https://i.example.com/j', jwksMaxBytes: -1 })).toThrow(/"jwksMaxBytes"/);
    expect(() => resolveAuthOptions({ jwksUrl: 'https://i.example.com/j', jwksStaleIfErrorInMs: NaN })).toThrow(/"jwksStaleIfErrorInMs"/);
  });
});

/** Catalogue key sources #1-#6 (fetch faults) and the boot warm-up; #7-#13 are in key-set-lifecycle. */
const otherKeys = {
  enc: createTestIssuer({ issuer: 'https://issuer.test', kid: 'enc-1' }),
};

describe.each(ADAPTERS)('key-source faults on %s', (adapter) => {
  const { fixture, server } = useSecurityFixtures(adapter);

  it('boot warm-up: keys are fetched once at boot, and a down issuer does not fail the boot', async () => {
    const up = await fixture();
    expect(up.server.requests).toBe(1);
    expect((await up.get(await up.sign())).status).toBe(200);
    expect(up.server.requests).toBe(1);
    const down = await fixture({}, (s) => s.behave({ kind: 'status', status: 500 }));
    expect(down.server.requests).toBe(1);
    expect((await down.get(await down.sign())).status).toBe(503);
  });

  it('#1 connection refused: no keys, a bounded 503, no crash; the app keeps answering', async () => {
    const f = await fixture({}, (s) => s.behave({ kind: 'refuse' }));
    const token = await f.sign();
    expect((await f.get(token)).status).toBe(503);
    expect((await f.get(null)).status).toBe(401);
    const dead = await server();
    const url = dead.jwksUrl;
    await dead.close();
    const refused = await fixture({ jwksUrl: url });
    const started = Date.now();
    expect((await refused.get(await refused.sign())).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('#1 DNS failure: a name that does not resolve is a bounded 503 (resolver stubbed: no query leaves the machine)', async () => {
    const realLookup = dns.lookup;
    const asked: string[] = [];
    // The .invalid name fails as a resolver would answer it, so the test sends no DNS query;
    // every other name (localhost for the test's own servers) resolves as usual.
    (dns as { lookup: unknown }).lookup = (hostname: string, options: unknown, callback?: (error: Error | null, ...rest: unknown[]) => void) => {
      const done = typeof options === 'function' ? (options as typeof callback) : callback;
      if (!hostname.endsWith('.invalid')) {
        return typeof options === 'function' ? realLookup(hostname, done as never) : realLookup(hostname, options as never, done as never);
      }
      asked.push(hostname);
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
      process.nextTick(() => done?.(error));
    };
    try {
      const started = Date.now();
      const f = await fixture({ jwksUrl: 'https://jwks.nestjs-warden.invalid/.well-known/jwks.json', jwksTimeoutInMs: 1000 });
      expect((await f.get(await f.sign())).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(asked).toContain('jwks.nestjs-warden.invalid');
    } finally {
      (dns as { lookup: unknown }).lookup = realLookup;
    }
  });

  it('#2 timeout: a slow server is given up on after jwksTimeoutInMs', async () => {
    const f = await fixture({ jwksTimeoutInMs: 300, jwksCooldownInMs: 0 }, (s) => s.behave({ kind: 'hang' }));
    const started = Date.now();
    const res = await f.get(await f.sign());
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
  });

  it.each([
    ['404', { kind: 'status', status: 404 } as const],
    ['500', { kind: 'status', status: 500 } as const],
  ])('#3 %s: a failure', async (_label, behaviour) => {
    const f = await fixture({}, (s) => s.behave(behaviour));
    expect((await f.get(await f.sign())).status).toBe(503);
  });

  it('#3 redirect: not followed', async () => {
    const target = await server();
    const f = await fixture({}, (s) => {
      target.setKeys([]);
      s.behave({ kind: 'redirect', location: target.jwksUrl });
    });
    target.setKeys([f.signer.publicJwk]);
    expect((await f.get(await f.sign())).status).toBe(503);
    expect(target.requests).toBe(0);
  });

  it.each([
    ['invalid JSON', '{"keys": [', 'application/json'],
    ['null', 'null', 'application/json'],
    ['{}', '{}', 'application/json'],
    ['keys: null', '{"keys": null}', 'application/json'],
    ['keys: [null]', '{"keys": [null]}', 'application/json'],
    ['keys: "x"', '{"keys": "x"}', 'application/json'],
    ['an array', '[]', 'application/json'],
    ['a valid set served as text/html', 'VALID', 'text/html'],
  ])('#4 %s: a failure', async (_label, body, contentType) => {
    const f = await fixture({}, (s) => s.behave({ kind: 'body', body, contentType }));
    if (body === 'VALID') f.server.behave({ kind: 'body', body: JSON.stringify({ keys: [f.signer.publicJwk] }), contentType });
    f.clock.advance(COOLDOWN);
    expect((await f.get(await f.sign())).status).toBe(503);
  });

  it('#5 a private key in the set refuses the whole set', async () => {
    const f = await fixture({}, (s) => s.setKeys([]));
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    f.server.setKeys([f.signer.publicJwk, { ...(await exportJWK(privateKey)), kid: 'leaked' }]);
    f.clock.advance(COOLDOWN);
    expect((await f.get(await f.sign())).status).toBe(503);
    f.server.setKeys([f.signer.publicJwk, { kty: 'oct', k: 'c2VjcmV0', kid: 'sym' }]);
    f.clock.advance(COOLDOWN);
    expect((await f.get(await f.sign())).status).toBe(503);
  });

  it('#5 use: "enc" keys are ignored', async () => {
    const enc = await otherKeys.enc;
    const f = await fixture({ debug: true });
    f.server.setKeys([f.signer.publicJwk, { ...enc.publicJwk, use: 'enc', alg: undefined }]);
    f.clock.advance(MAX_AGE);
    expect((await f.get(await f.sign())).status).toBe(200);
    const byEnc = await f.get(await enc.sign({}, { now: f.clock.now }));
    expect(byEnc.status).toBe(401);
    expect(byEnc.body.reason).toBe('key-not-found');
  });

  it('#6 a huge body is cut off at the byte cap while streaming', async () => {
    const f = await fixture({ jwksMaxBytes: 64 * 1024 }, (s) => s.behave({ kind: 'huge', bytes: 64 * 1024 * 1024 }));
    expect((await f.get(await f.sign())).status).toBe(503);
    expect(f.server.hugeBytesSent).toBeLessThan(16 * 1024 * 1024);
  });
});
