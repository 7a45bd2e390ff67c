import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, errors, exportJWK, generateKeyPair, SignJWT, jwtVerify, type JWK } from 'jose';
import { KeyFetchError } from './fetch-json.js';
import type { KeySourceError } from './key-source-events.js';
import { freePort, json, startLoopbackServer, type LoopbackServer } from './loopback-server.spec-support.js';
import { RemoteJwks, type RemoteJwksLocation, type RemoteJwksOptions } from './remote-jwks.js';

// A real JWKS over HTTP on 127.0.0.1 and a clock the test moves: cooldown, freshness and the stale
// window are counted on it (only the fetch timeout is real time).

interface Signer {
  jwk: JWK;
  thumbprint: string;
  sign(): Promise<string>;
}

async function signer(kid: string): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return {
    jwk,
    thumbprint: await calculateJwkThumbprint(jwk),
    sign: () => new SignJWT({ sub: 'user_1' }).setProtectedHeader({ alg: 'ES256', kid }).sign(privateKey),
  };
}

const COOLDOWN = 1000;
const MAX_AGE = 10_000;
const STALE = 5000;
const noToken = { payload: '', signature: '' };

describe('RemoteJwks', () => {
  let server: LoopbackServer;
  let a: Signer;
  let b: Signer;
  let published: JWK[];
  let now: number;
  let errorsReported: KeySourceError[];
  beforeAll(async () => {
    server = await startLoopbackServer();
    [a, b] = await Promise.all([signer('a'), signer('b')]);
  });
  beforeEach(() => {
    published = [a.jwk];
    now = 1_000_000;
    errorsReported = [];
    server.on('/jwks', (res) => json({ keys: published })(res, undefined as never));
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    await server.close();
  });

  const remote = (options: Partial<RemoteJwksOptions> = {}, location: RemoteJwksLocation = { jwksUrl: server.url('/jwks') }) =>
    new RemoteJwks(location, {
      timeoutInMs: 5000,
      maxBytes: 65_536,
      cooldownInMs: COOLDOWN,
      cacheMaxAgeInMs: MAX_AGE,
      staleIfErrorInMs: STALE,
      clock: () => now,
      onError: (error) => errorsReported.push(error),
      ...options,
    });
  const fetches = () => server.requests.filter((r) => r.path === '/jwks').length;
  const verify = async (jwks: RemoteJwks, who: Signer) => (await jwtVerify(await who.sign(), jwks.getKey)).payload.sub;
  /** What a getKey for `kid` ends in: 'key', or the error's class and problem. */
  const outcome = async (jwks: RemoteJwks, kid = 'a') => {
    try {
      await jwks.getKey({ alg: 'ES256', kid }, noToken);
      return 'key';
    } catch (error) {
      return error instanceof KeyFetchError ? `KeyFetchError ${error.problem}` : (error as Error).name;
    }
  };
  const failNext = (status = 500) => server.on('/jwks', json({}, 'application/json', status));
  const serveAgain = () => server.on('/jwks', (res) => json({ keys: published })(res, undefined as never));

  it('fetches the set on first use, asking for a JWKS, and verifies with it', async () => {
    const jwks = remote();
    expect(jwks.fetchedAt).toBeNull();
    expect(await verify(jwks, a)).toBe('user_1');
    expect(server.requests.map((r) => [r.method, r.headers.accept])).toEqual([['GET', 'application/jwk-set+json, application/json']]);
    expect(jwks.fetchedAt).toBe(now);
  });

  it('answers a key found before synchronously while the set is fresh, and asks again once it is not', async () => {
    const jwks = remote();
    const first = await jwks.getKey({ alg: 'ES256', kid: 'a' }, noToken);
    now += MAX_AGE - 1;
    expect(jwks.getKey({ alg: 'ES256', kid: 'a' }, noToken)).toBe(first);
    expect(fetches()).toBe(1);
    now += 1;
    const due = jwks.getKey({ alg: 'ES256', kid: 'a' }, noToken);
    expect(due).toBeInstanceOf(Promise);
    await due;
    expect(fetches()).toBe(2);
    expect(jwks.fetchedAt).toBe(now);
  });

  it('shares one fetch between concurrent requests', async () => {
    const jwks = remote();
    await Promise.all([verify(jwks, a), verify(jwks, a), jwks.warmUp()]);
    expect(fetches()).toBe(1);
  });

  describe('an unknown kid', () => {
    it('fetches again once the cooldown has passed, and finds a key added meanwhile', async () => {
      const jwks = remote();
      await verify(jwks, a);
      published = [a.jwk, b.jwk];
      now += COOLDOWN - 1;
      expect(await outcome(jwks, 'b')).toBe('JWKSNoMatchingKey');
      expect(fetches()).toBe(1);
      now += 1;
      expect(await verify(jwks, b)).toBe('user_1');
      expect(fetches()).toBe(2);
    });

    it('is refused with the keys held when the refetch fails', async () => {
      const jwks = remote();
      await verify(jwks, a);
      now += COOLDOWN;
      failNext();
      expect(await outcome(jwks, 'b')).toBe('JWKSNoMatchingKey');
      expect(fetches()).toBe(2);
      expect(await outcome(jwks, 'a')).toBe('key');
    });

    it('is refused at once for an algorithm error, without a fetch', async () => {
      const jwks = remote();
      await verify(jwks, a);
      now += COOLDOWN;
      await expect(jwks.getKey({ alg: 'none' }, noToken)).rejects.toBeInstanceOf(errors.JOSENotSupported);
      expect(fetches()).toBe(1);
    });
  });

  describe('when fetches fail', () => {
    it('fails closed before any key was fetched, with the fetch problem, and waits out the cooldown', async () => {
      failNext(503);
      const jwks = remote();
      expect(await outcome(jwks)).toBe('KeyFetchError http-status');
      now += COOLDOWN - 1;
      serveAgain();
      expect(await outcome(jwks)).toBe('KeyFetchError http-status');
      expect(fetches()).toBe(1);
      now += 1;
      expect(await outcome(jwks)).toBe('key');
    });

    it('with no fetch yet allowed, says no keys were fetched', async () => {
      const jwks = remote();
      failNext();
      await jwks.warmUp();
      // A fetch that failed and a cooldown not over: the last error; none at all cannot happen after a fetch.
      expect(await outcome(jwks)).toBe('KeyFetchError http-status');
      const fresh = remote({ cooldownInMs: 60_000 });
      await fresh.warmUp();
      expect(
        await Promise.resolve(fresh.getKey({ alg: 'ES256', kid: 'a' }, noToken)).then(
          () => 'key',
          (error: KeyFetchError) => error.message,
        ),
      ).toBe('nestjs-warden: key fetch failed: status 500');
    });

    it('serves the keys it has through an outage for the stale window after they are due, then drops them', async () => {
      const changes: number[] = [];
      const jwks = remote();
      jwks.onKeysChanged((thumbprints) => changes.push(thumbprints.size));
      await verify(jwks, a);
      failNext();
      now += MAX_AGE + STALE - 1;
      expect(await outcome(jwks)).toBe('key');
      expect(errorsReported.map((e) => e.fallback)).toEqual(['stale-keys']);
      now += COOLDOWN;
      expect(await outcome(jwks)).toBe('KeyFetchError http-status');
      expect(errorsReported.map((e) => e.fallback)).toEqual(['stale-keys', 'no-keys']);
      expect(changes).toEqual([1, 0]);
      expect(jwks.fetchedAt).toBeNull();
      // Dropped once: a request within the cooldown finds nothing to drop and tells no listener.
      expect(await outcome(jwks)).toBe('KeyFetchError http-status');
      expect(changes).toEqual([1, 0]);
    });

    it('at the end of the stale window exactly, the keys are gone', async () => {
      const jwks = remote({ cooldownInMs: 60_000 });
      await verify(jwks, a);
      now += MAX_AGE + STALE;
      expect(await outcome(jwks)).toBe('KeyFetchError network');
      await expect(Promise.resolve(jwks.getKey({ alg: 'ES256', kid: 'a' }, noToken))).rejects.toThrow(
        'nestjs-warden: key fetch failed: the keys expired and the cooldown allows no fetch yet',
      );
      expect(fetches()).toBe(1);
      // With a fetch allowed and failing, the report says no keys are left to fall back on.
      const refetching = remote();
      await verify(refetching, a);
      failNext();
      now += MAX_AGE + STALE;
      expect(await outcome(refetching)).toBe('KeyFetchError http-status');
      expect(errorsReported.map((e) => e.fallback)).toEqual(['no-keys']);
    });

    it('reports each failure once, with what can be logged', async () => {
      failNext(503);
      const jwks = remote();
      await jwks.warmUp();
      await jwks.warmUp();
      // Strictly: a member the error has not (code here, status below) is left out, not set to undefined.
      expect(errorsReported).toStrictEqual([
        { source: 'jwksUrl', problem: 'http-status', errorClass: 'KeyFetchError', status: 503, fallback: 'no-keys', retryInMs: COOLDOWN },
      ]);
      const closed = remote({}, { jwksUrl: new URL(`http://127.0.0.1:${await freePort()}/jwks`) });
      await closed.warmUp();
      expect(errorsReported[1]).toStrictEqual({
        source: 'jwksUrl',
        problem: 'network',
        errorClass: 'KeyFetchError',
        code: 'ECONNREFUSED',
        fallback: 'no-keys',
        retryInMs: COOLDOWN,
      });
    });

    it('an onError or onFetch listener that throws changes nothing', async () => {
      failNext();
      const jwks = remote({
        onError: () => {
          throw new Error('listener down');
        },
      });
      jwks.onFetch(() => {
        throw new Error('listener down');
      });
      await expect(jwks.warmUp()).resolves.toBeUndefined();
      now += COOLDOWN;
      serveAgain();
      expect(await outcome(jwks)).toBe('key');
    });
  });

  describe('listeners', () => {
    it('onFetch hears every fetch: null when it worked, else its problem; until unsubscribed', async () => {
      const heard: Array<string | null> = [];
      const jwks = remote();
      const stop = jwks.onFetch((problem) => heard.push(problem));
      await jwks.warmUp();
      now += COOLDOWN;
      published = [{ kty: 'oct', k: 'c2VjcmV0' }];
      await jwks.warmUp();
      stop();
      now += COOLDOWN;
      await jwks.warmUp();
      expect(heard).toEqual([null, 'private-key']);
    });

    it('onKeysChanged hears the thumbprints of a new set, not of a set fetched again unchanged; until unsubscribed', async () => {
      const heard: string[][] = [];
      const other: number[] = [];
      const jwks = remote();
      jwks.onKeysChanged(() => {
        throw new Error('a failing listener');
      });
      const stop = jwks.onKeysChanged((thumbprints) => heard.push([...thumbprints]));
      jwks.onKeysChanged((thumbprints) => other.push(thumbprints.size));
      await jwks.warmUp();
      now += COOLDOWN;
      await jwks.warmUp();
      expect(jwks.fetchedAt).toBe(now);
      now += COOLDOWN;
      published = [a.jwk, b.jwk];
      await jwks.warmUp();
      stop();
      now += COOLDOWN;
      published = [b.jwk];
      await jwks.warmUp();
      expect(heard).toEqual([[a.thumbprint], [a.thumbprint, b.thumbprint]]);
      expect(other).toEqual([1, 2, 1]);
    });
  });

  describe('refreshAfterSignatureMismatch', () => {
    it('looks again once the cooldown allows, and says whether the set changed', async () => {
      const jwks = remote();
      await jwks.warmUp();
      expect(await jwks.refreshAfterSignatureMismatch()).toBe(false);
      expect(fetches()).toBe(1);
      now += COOLDOWN;
      expect(await jwks.refreshAfterSignatureMismatch()).toBe(false);
      expect(fetches()).toBe(2);
      now += COOLDOWN;
      published = [b.jwk];
      expect(await jwks.refreshAfterSignatureMismatch()).toBe(true);
      now += COOLDOWN;
      failNext();
      expect(await jwks.refreshAfterSignatureMismatch()).toBe(false);
      expect(fetches()).toBe(4);
    });

    it('is false when the first fetch fails', async () => {
      failNext();
      expect(await remote().refreshAfterSignatureMismatch()).toBe(false);
    });
  });

  describe('through OIDC discovery', () => {
    it("fetches the issuer's jwks_uri, discovering it once", async () => {
      server.on('/.well-known/openid-configuration', json({ issuer: server.origin, jwks_uri: `${server.origin}/jwks` }));
      const jwks = remote({}, { issuer: server.origin });
      expect(await verify(jwks, a)).toBe('user_1');
      now += COOLDOWN;
      published = [b.jwk];
      expect(await verify(jwks, b)).toBe('user_1');
      expect(server.requests.map((r) => r.path)).toEqual(['/.well-known/openid-configuration', '/jwks', '/jwks']);
    });

    it('reports a failed discovery as the issuer source, and an issuer that is no URL as a network problem', async () => {
      const jwks = remote({}, { issuer: server.origin });
      await jwks.warmUp();
      expect(errorsReported).toEqual([
        { source: 'issuer', problem: 'http-status', errorClass: 'KeyFetchError', status: 404, fallback: 'no-keys', retryInMs: COOLDOWN },
      ]);
      await remote({}, { issuer: 'not a url' }).warmUp();
      expect(errorsReported[1]).toEqual({ source: 'issuer', problem: 'network', errorClass: 'KeyFetchError', fallback: 'no-keys', retryInMs: COOLDOWN });
    });
  });
});
