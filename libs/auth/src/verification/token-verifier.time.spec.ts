import { beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { createTestIssuer, type TestIssuer } from '../testing/index.js';
import { TokenVerifier } from './token-verifier.js';
import { reasonOf } from './reason-of.spec-support.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000; // whole seconds, as in tokens
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ kid: 'k1' });
});

/** A verifier whose clock reads `clock.now`; no cache unless asked, so each call is a full verification. */
function verifierAt(clock: { now: number }, extra: AuthModuleOptions = {}): TokenVerifier {
  return new TokenVerifier(resolveAuthOptions({ ...issuer.moduleOptions(), cache: false, ...extra }), undefined, () => clock.now);
}

async function at(ms: number, token: string, extra: AuthModuleOptions): Promise<string> {
  return reasonOf(verifierAt({ now: ms }, extra).verify(token));
}

describe.each([0, 1500, 5000])('time boundaries exact to the millisecond, clockSkewInMs %i', (skew) => {
  const options = { clockSkewInMs: skew };

  it('exp: accepted at exp + skew - 1 ms, refused at exp + skew and + 1 ms', async () => {
    const token = await issuer.sign({ iat: T - 60, nbf: T - 60, exp: T });
    const boundary = T * 1000 + skew;
    expect(await at(boundary - 1, token, options)).toBe('accepted');
    expect(await at(boundary, token, options)).toBe('token-expired');
    expect(await at(boundary + 1, token, options)).toBe('token-expired');
  });

  it('nbf: refused at nbf - skew - 1 ms, accepted at nbf - skew and + 1 ms', async () => {
    const token = await issuer.sign({ iat: undefined, nbf: T, exp: T + 600 });
    const boundary = T * 1000 - skew;
    expect(await at(boundary - 1, token, options)).toBe('token-not-active-yet');
    expect(await at(boundary, token, options)).toBe('accepted');
    expect(await at(boundary + 1, token, options)).toBe('accepted');
  });

  it('iat in the future: refused at iat - skew - 1 ms, accepted at iat - skew + 1 ms', async () => {
    const token = await issuer.sign({ iat: T, nbf: undefined, exp: T + 600 });
    const boundary = T * 1000 - skew;
    expect(await at(boundary - 1, token, options)).toBe('token-iat-in-the-future');
    expect(await at(boundary + 1, token, options)).toBe('accepted');
  });

  it('maxTokenAgeInMs: accepted up to iat + max + skew, refused 1 ms later', async () => {
    const token = await issuer.sign({ iat: T, nbf: T, exp: T + 3600 });
    const extra = { ...options, maxTokenAgeInMs: 60_500 };
    const boundary = T * 1000 + 60_500 + skew;
    expect(await at(boundary - 1, token, extra)).toBe('accepted');
    expect(await at(boundary, token, extra)).toBe('accepted');
    expect(await at(boundary + 1, token, extra)).toBe('token-too-old');
  });

  it('the cache serves a token up to exp + skew - 1 ms and not one millisecond more', async () => {
    const token = await issuer.sign({ iat: T - 60, nbf: T - 60, exp: T });
    const clock = { now: T * 1000 - 10_000 };
    const verifier = verifierAt(clock, { ...options, cache: true });
    await verifier.verify(token);
    await verifier.verify(token); // second sighting: stored
    const boundary = T * 1000 + skew;
    clock.now = boundary - 1;
    expect(verifier.verifyCached(token)).toBeDefined();
    clock.now = boundary + 1;
    expect(verifier.verifyCached(token)).toBeUndefined();
    expect(await reasonOf(verifier.verify(token))).toBe('token-expired');
  });
});

describe("maxTokenAgeInMs in jose's own check (seconds)", () => {
  it("a token far older than maxTokenAgeInMs, and expired by less than jose's whole-second tolerance, is token-too-old", async () => {
    // jose compares whole seconds with a tolerance one second wider than the skew: at exp + 500 ms its exp check
    // still passes, and its age check (maxTokenAge in seconds) refuses first, before the exact window says expired.
    const token = await issuer.sign({ iat: T - 100, nbf: T - 100, exp: T });
    expect(await at(T * 1000 + 500, token, { clockSkewInMs: 0, maxTokenAgeInMs: 10_000 })).toBe('token-too-old');
  });
});

describe.each([0, 1500])('opaque tokens: exp exact to the millisecond, clockSkewInMs %i', (skew) => {
  it('accepted at exp + skew - 1 ms, refused at exp + skew + 1 ms', async () => {
    const at = (ms: number) =>
      reasonOf(verifierAt({ now: ms }, { clockSkewInMs: skew, verifyOpaqueToken: () => ({ sub: 'mch_1', exp: T, iat: T - 60 }) }).verify('mt_abc'));
    expect(await at(T * 1000 + skew - 1)).toBe('accepted');
    expect(await at(T * 1000 + skew + 1)).toBe('token-expired');
  });
});
