import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { KeyFetchError } from './fetch-json.js';
import { json, startLoopbackServer, type LoopbackServer } from './loopback-server.spec-support.js';
import { RemoteJwks } from './remote-jwks.js';

// Requests that arrive while a fetch of the keys is in flight: the JWKS server holds its answer
// until the test releases it, and the clock is one the test moves (the default is the wall clock,
// which can be set back).

const COOLDOWN = 1000;
const MAX_AGE = 10_000;
const STALE = 5000;
const noToken = { payload: '', signature: '' };

async function publicJwk(kid: string): Promise<JWK> {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
}

describe('RemoteJwks, while a fetch is in flight', () => {
  let server: LoopbackServer;
  let a: JWK;
  let b: JWK;
  let now: number;
  beforeAll(async () => {
    server = await startLoopbackServer();
    [a, b] = await Promise.all([publicJwk('a'), publicJwk('b')]);
  });
  beforeEach(() => {
    now = 1_000_000;
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    await server.close();
  });

  const remote = () =>
    new RemoteJwks(
      { jwksUrl: server.url('/jwks') },
      { timeoutInMs: 5000, maxBytes: 65_536, cooldownInMs: COOLDOWN, cacheMaxAgeInMs: MAX_AGE, staleIfErrorInMs: STALE, clock: () => now },
    );
  const fetches = () => server.requests.filter((r) => r.path === '/jwks').length;
  const serve = (keys: JWK[]) => server.on('/jwks', json({ keys }));
  /** From now on /jwks answers `status` (the keys when 200) only once released. */
  const holdAnswers = (status: number, keys: JWK[] = []) => {
    const held: Array<() => void> = [];
    server.on('/jwks', (res, req) => void held.push(() => json({ keys }, 'application/json', status)(res, req)));
    return { release: () => held.splice(0).forEach((answer) => answer()) };
  };
  /** Waits, at most a second, until the server has received `count` fetches. */
  const fetched = async (count: number) => {
    for (let i = 0; i < 200 && fetches() < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fetches()).toBe(count);
  };
  const key = (jwks: RemoteJwks, kid: string) => Promise.resolve(jwks.getKey({ alg: 'ES256', kid }, noToken));

  it('a request joins the fetch, even when the clock has stepped back since the fetch started', async () => {
    serve([a]);
    const jwks = remote();
    await jwks.warmUp();
    now += COOLDOWN;
    const held = holdAnswers(200, [a, b]);
    const first = key(jwks, 'b');
    await fetched(2);
    now -= COOLDOWN;
    const second = key(jwks, 'b');
    held.release();
    const [one, two] = await Promise.all([first, second]);
    expect(two).toBe(one);
    expect(fetches()).toBe(2);
  });

  it('after a signature mismatch, says the set did not change when the fetch it joined failed and the expired keys were dropped', async () => {
    serve([a]);
    const jwks = remote();
    await jwks.warmUp();
    now += MAX_AGE + STALE - 1;
    const held = holdAnswers(503);
    const request = key(jwks, 'a');
    await fetched(2);
    const mismatch = jwks.refreshAfterSignatureMismatch();
    now += 1;
    held.release();
    await expect(request).rejects.toBeInstanceOf(KeyFetchError);
    expect(await mismatch).toBe(false);
    expect(jwks.fetchedAt).toBeNull();
  });
});
