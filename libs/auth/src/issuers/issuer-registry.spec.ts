import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type AuthModuleOptions } from '../config/auth-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { AuthError } from '../auth.errors.js';
import { createTestIssuer, type TestIssuer } from '../testing/index.js';
import { createKeySource } from '../verification/key-sources.js';
import { IssuerVerifier } from '../verification/issuer-verifier.js';
import type { ResolvedIssuerAnswer } from '../config/issuer-options.js';
import { IssuerRegistry } from './issuer-registry.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

let tenant: TestIssuer;
beforeAll(async () => {
  tenant = await createTestIssuer({ issuer: 'https://t1.example.com' });
});

interface Setup {
  registry: IssuerRegistry;
  calls: string[];
  built: IssuerVerifier[];
  failures: string[];
  clock: { now: number };
}

function setup(answer: (iss: string) => unknown, extra: AuthModuleOptions = {}): Setup {
  const calls: string[] = [];
  const built: IssuerVerifier[] = [];
  const failures: string[] = [];
  const clock = { now: NOW };
  const resolveIssuer = (iss: string) => {
    calls.push(iss);
    return answer(iss) as ResolvedIssuerAnswer | null;
  };
  const settings = resolveAuthOptions({ resolveIssuer, resolveIssuerTtlInMs: 60_000, ...extra }).issuers;
  if (!settings) throw new Error('expected several issuers');
  const build = (options: ReturnType<typeof settings.entryFor>) => {
    const verifier = new IssuerVerifier(
      options,
      createKeySource(options),
      () => clock.now,
      null,
      () => undefined,
    );
    built.push(verifier);
    return verifier;
  };
  const registry = new IssuerRegistry(
    settings,
    build,
    () => clock.now,
    (message) => failures.push(message),
  );
  return { registry, calls, built, failures, clock };
}

async function reasonOf(run: () => unknown): Promise<string> {
  try {
    await run();
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).reason;
  }
}

const tenantAnswer = (iss: string) => (iss === tenant.issuer ? { jwks: tenant.jwks } : null);

/** A resolver that answers like {@link tenantAnswer} until `down.failing` is set, then throws (its database is down). */
function flakyTenant(failing = false) {
  const down = { failing };
  const answer = (iss: string) => {
    if (down.failing) throw new Error('db down');
    return tenantAnswer(iss);
  };
  return { down, answer };
}

afterEach(() => {
  jest.useRealTimers();
});

describe('IssuerRegistry', () => {
  it('asks once for a trusted issuer and answers from memory until the TTL ends', async () => {
    const s = setup(tenantAnswer);
    const first = await s.registry.get(tenant.issuer);
    expect(s.registry.get(tenant.issuer)).toBe(first); // synchronous: no await
    s.clock.now += 59_999;
    expect(s.registry.get(tenant.issuer)).toBe(first);
    expect(s.calls).toEqual([tenant.issuer]);
    s.clock.now += 1;
    // An unchanged answer keeps the issuer (and its keys).
    expect(await s.registry.get(tenant.issuer)).toBe(first);
    expect(s.calls).toHaveLength(2);
    expect(s.built).toHaveLength(1);
  });

  it('takes undefined for null: not trusted, and nothing logged', async () => {
    const s = setup(() => undefined);
    expect(await reasonOf(() => s.registry.get('https://made-up.example.com'))).toBe('token-invalid-issuer');
    expect(s.failures).toEqual([]);
  });

  it('remembers a refusal for the TTL too', async () => {
    const s = setup(tenantAnswer);
    expect(await reasonOf(() => s.registry.get('https://made-up.example.com'))).toBe('token-invalid-issuer');
    expect(await reasonOf(() => s.registry.get('https://made-up.example.com'))).toBe('token-invalid-issuer');
    expect(s.calls).toHaveLength(1);
    s.clock.now += 60_000;
    expect(await reasonOf(() => s.registry.get('https://made-up.example.com'))).toBe('token-invalid-issuer');
    expect(s.calls).toHaveLength(2);
  });

  it('makes one call for many concurrent requests naming the same iss', async () => {
    const s = setup(async (iss) => tenantAnswer(iss));
    const results = await Promise.all(Array.from({ length: 50 }, () => Promise.resolve(s.registry.get(tenant.issuer))));
    expect(new Set(results).size).toBe(1);
    expect(s.calls).toHaveLength(1);
  });

  it('spends at most resolveIssuerMaxCalls calls on made-up issuers; beyond, 503 until the budget refills', async () => {
    const s = setup(() => null, { resolveIssuerMaxCalls: 3 });
    const reasons = [];
    for (let i = 0; i < 10; i += 1) reasons.push(await reasonOf(() => s.registry.get(`https://made-up-${i}.example.com`)));
    expect(reasons).toEqual([...Array(3).fill('token-invalid-issuer'), ...Array(7).fill('issuer-unavailable')]);
    expect(s.calls).toHaveLength(3);
    let retryAfter: number | undefined;
    try {
      void s.registry.get('https://one-more.example.com');
    } catch (error) {
      retryAfter = (error as AuthError).retryAfterSeconds;
    }
    // The budget refills continuously, 3 calls per TTL (60 s): one call every 20 s.
    expect(retryAfter).toBe(20);
    s.clock.now += 19_999;
    expect(await reasonOf(() => s.registry.get('https://made-up-97.example.com'))).toBe('issuer-unavailable');
    s.clock.now += 1;
    expect(await reasonOf(() => s.registry.get('https://made-up-98.example.com'))).toBe('token-invalid-issuer');
    expect(await reasonOf(() => s.registry.get('https://made-up-99.example.com'))).toBe('issuer-unavailable');
    expect(s.calls).toHaveLength(4);
    s.clock.now += 60_000; // a whole TTL refills the whole budget, and no more
    for (let i = 0; i < 4; i += 1) reasons.push(await reasonOf(() => s.registry.get(`https://later-${i}.example.com`)));
    expect(reasons.slice(-4)).toEqual(['token-invalid-issuer', 'token-invalid-issuer', 'token-invalid-issuer', 'issuer-unavailable']);
  });

  it('charges the budget for answers that trust no issuer only: a lookup that finds a tenant gives its call back', async () => {
    const tenants = Array.from({ length: 5 }, (_, i) => `https://t${i}.example.com`);
    const s = setup((iss) => (tenants.includes(iss) ? { jwks: tenant.jwks } : null), { resolveIssuerMaxCalls: 3 });
    // One after the other: a call is taken while the resolver is asked, so concurrent lookups stay within the budget.
    for (const iss of tenants) await s.registry.get(iss);
    expect(s.registry.size).toBe(5);
    expect(s.calls).toEqual(tenants);
    // Five tenants found, and the whole budget is still there for made-up issuers.
    const reasons = [];
    for (let i = 0; i < 4; i += 1) reasons.push(await reasonOf(() => s.registry.get(`https://made-up-${i}.example.com`)));
    expect(reasons).toEqual(['token-invalid-issuer', 'token-invalid-issuer', 'token-invalid-issuer', 'issuer-unavailable']);
  });

  it('lets a tenant it knows re-validate outside the budget that made-up issuers spend, window after window', async () => {
    const s = setup(tenantAnswer, { resolveIssuerMaxCalls: 2 });
    const known = await s.registry.get(tenant.issuer);
    for (let window = 0; window < 5; window += 1) {
      s.clock.now += 60_000; // the tenant is due again
      // Junk spends the budget first...
      for (let i = 0; i < 3; i += 1) await reasonOf(() => s.registry.get(`https://junk-${window}-${i}.example.com`));
      expect(await reasonOf(() => s.registry.get(`https://junk-${window}-x.example.com`))).toBe('issuer-unavailable');
      // ...and the tenant is asked again all the same, and kept.
      expect(await s.registry.get(tenant.issuer)).toBe(known);
    }
    expect(s.calls.filter((iss) => iss === tenant.issuer)).toHaveLength(6);
  });

  it('asks again about a known tenant whose re-validation failed no more than once per retry delay, serving its last answer meanwhile', async () => {
    const { down, answer } = flakyTenant();
    const s = setup(answer);
    const known = await s.registry.get(tenant.issuer);
    down.failing = true;
    s.clock.now += 60_000;
    for (let i = 0; i < 20; i += 1) expect(await s.registry.get(tenant.issuer)).toBe(known);
    expect(s.calls).toHaveLength(2);
    s.clock.now += 5_000;
    expect(await s.registry.get(tenant.issuer)).toBe(known);
    expect(s.calls).toHaveLength(3);
    down.failing = false;
    s.clock.now += 5_000;
    expect(await s.registry.get(tenant.issuer)).toBe(known);
    expect(s.calls).toHaveLength(4);
    // Re-validated: answered from memory for a whole TTL again.
    s.clock.now += 59_999;
    expect(s.registry.get(tenant.issuer)).toBe(known);
    expect(s.calls).toHaveLength(4);
  });

  it('reserves no memory for the budget or the issuer limit up front: a budget of 20 million costs what it holds', () => {
    const before = process.memoryUsage();
    const s = setup(tenantAnswer, { resolveIssuerMaxCalls: 20_000_000, maxIssuers: 20_000_000 });
    const after = process.memoryUsage();
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(s.registry.size).toBe(0);
    expect(grown).toBeLessThan(16 * 1024 * 1024);
  });

  it('keeps at most maxIssuers issuers, retiring the least recently used', async () => {
    const issuers = ['https://t1.example.com', 'https://t2.example.com', 'https://t3.example.com'];
    const s = setup((iss) => (issuers.includes(iss) ? { jwks: tenant.jwks } : null), { maxIssuers: 2 });
    const [v1, v2] = [await s.registry.get(issuers[0]), await s.registry.get(issuers[1])];
    await s.registry.get(issuers[0]); // t1 used last: t2 goes first
    await s.registry.get(issuers[2]);
    expect(s.registry.size).toBe(2);
    expect(s.registry.peek(issuers[1])).toBeUndefined();
    expect(s.registry.peek(issuers[0])).toBe(v1);
    expect(v2).not.toBe(v1);
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('db down');
      },
    ],
    ['rejects', () => Promise.reject(new Error('db down'))],
    ['never answers', () => new Promise(() => undefined)],
  ])('answers issuer-unavailable when the resolver %s, logs it once per outage, and does not remember it', async (_, answer) => {
    jest.useFakeTimers({ doNotFake: ['Date'] });
    const s = setup(answer, { resolveIssuerTimeoutInMs: 50 });
    for (let i = 0; i < 2; i += 1) {
      const pending = reasonOf(() => s.registry.get(tenant.issuer));
      await jest.advanceTimersByTimeAsync(60);
      expect(await pending).toBe('issuer-unavailable');
    }
    expect(s.calls).toHaveLength(2);
    expect(s.failures).toEqual(['nestjs-warden: resolveIssuer failed or did not answer in time']);
  });

  it('answers issuer-unavailable for options that do not work, naming the option in the log', async () => {
    const s = setup(() => ({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }));
    expect(await reasonOf(() => s.registry.get(tenant.issuer))).toBe('issuer-unavailable');
    expect(s.failures).toHaveLength(1);
    expect(s.failures[0]).toMatch(/"resolveIssuer\(\)\.jwks"/);
    expect(s.failures[0]).not.toMatch(/c2VjcmV0/);
    const typo = setup(() => ({ audiences: 'api' }));
    expect(await reasonOf(() => typo.registry.get(tenant.issuer))).toBe('issuer-unavailable');
    expect(typo.failures[0]).toMatch(/invalid option "resolveIssuer\(\)\.audiences"/);
  });

  it('drops an issuer the resolver stops trusting, and builds a new one for a changed answer', async () => {
    let answer: unknown = { jwks: tenant.jwks };
    const s = setup(() => answer);
    const first = await s.registry.get(tenant.issuer);
    s.clock.now += 60_000;
    answer = { jwks: tenant.jwks, audience: 'api' };
    const second = await s.registry.get(tenant.issuer);
    expect(second).not.toBe(first);
    expect(second.options.audience).toEqual(['api']);
    s.clock.now += 60_000;
    answer = null;
    expect(await reasonOf(() => s.registry.get(tenant.issuer))).toBe('token-invalid-issuer');
    expect(s.registry.size).toBe(0);
  });

  it('keeps a known issuer on its last answer for one more TTL while the resolver fails, whatever the budget', async () => {
    const { down, answer } = flakyTenant();
    const s = setup(answer, { resolveIssuerMaxCalls: 1 });
    const known = await s.registry.get(tenant.issuer);
    down.failing = true;
    s.clock.now += 60_000; // the answer is due
    expect(await s.registry.get(tenant.issuer)).toBe(known);
    expect(s.calls).toHaveLength(2);
    // The failed lookup of an unknown issuer spends the budget (1 call): the next one is 503 without a call.
    expect(await reasonOf(() => s.registry.get('https://t2.example.com'))).toBe('issuer-unavailable');
    expect(await reasonOf(() => s.registry.get('https://t3.example.com'))).toBe('issuer-unavailable');
    expect(s.calls).toHaveLength(3);
    s.clock.now += 59_999; // still within one more TTL
    expect(await s.registry.get(tenant.issuer)).toBe(known);
    s.clock.now += 1; // one more TTL: the last answer is too old
    expect(await reasonOf(() => s.registry.get(tenant.issuer))).toBe('issuer-unavailable');
  });

  it('answers 503 without a call once the last answer is too old and the retry delay of a failed re-validation runs, with the seconds left', async () => {
    const { down, answer } = flakyTenant();
    const s = setup(answer);
    const known = await s.registry.get(tenant.issuer);
    down.failing = true;
    s.clock.now += 119_000; // due for a minute, its last answer kept for one more second
    expect(await s.registry.get(tenant.issuer)).toBe(known); // the re-validation failed: retry in 5 s
    s.clock.now += 2_500; // the last answer is too old; 2.5 s until the retry
    let refusal: unknown;
    try {
      void s.registry.get(tenant.issuer); // throws at once: nothing to wait for
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AuthError);
    const { reason, message, retryAfterSeconds } = refusal as AuthError;
    expect({ reason, message, retryAfterSeconds }).toEqual({
      reason: 'issuer-unavailable',
      message: 'resolveIssuer failed or did not answer in time',
      retryAfterSeconds: 3,
    });
    expect(s.calls).toHaveLength(2);
  });

  it('peeks without asking: a held answer until its TTL ends, nothing after', async () => {
    const s = setup(tenantAnswer);
    expect(s.registry.peek(tenant.issuer)).toBeUndefined();
    const known = await s.registry.get(tenant.issuer);
    s.clock.now += 59_999;
    expect(s.registry.peek(tenant.issuer)).toBe(known);
    s.clock.now += 1;
    expect(s.registry.peek(tenant.issuer)).toBeUndefined();
    expect(s.calls).toHaveLength(1);
  });

  it('gives each refusal its own message', async () => {
    const messageOf = async (run: () => unknown) => {
      try {
        await run();
      } catch (error) {
        return (error as AuthError).message;
      }
      return 'accepted';
    };
    const refused = setup(() => null, { resolveIssuerMaxCalls: 1 });
    expect(await messageOf(() => refused.registry.get('https://made-up.example.com'))).toBe('the token iss names no trusted issuer');
    expect(await messageOf(() => refused.registry.get('https://other.example.com'))).toBe('too many resolveIssuer calls in this window');
    expect(await messageOf(() => setup(() => Promise.reject(new Error('x'))).registry.get(tenant.issuer))).toBe(
      'resolveIssuer failed or did not answer in time',
    );
    expect(await messageOf(() => setup(() => ({ audiences: 'x' })).registry.get(tenant.issuer))).toBe('resolveIssuer answered options that could not be used');
  });

  it('logs the start of each outage: at its first failure, and again after an answer', async () => {
    const { down, answer } = flakyTenant(true);
    const s = setup(answer);
    await reasonOf(() => s.registry.get(tenant.issuer));
    expect(s.failures).toHaveLength(1);
    await reasonOf(() => s.registry.get(tenant.issuer));
    expect(s.failures).toHaveLength(1);
    down.failing = false;
    await s.registry.get(tenant.issuer);
    down.failing = true;
    await reasonOf(() => s.registry.get('https://t2.example.com'));
    expect(s.failures).toHaveLength(2);
  });

  it('leaves no timer behind once the resolver answered', async () => {
    jest.useFakeTimers({ doNotFake: ['Date'] });
    const s = setup(tenantAnswer);
    await s.registry.get(tenant.issuer);
    await reasonOf(() => s.registry.get('https://made-up.example.com'));
    expect(jest.getTimerCount()).toBe(0);
  });

  it('logs a fixed text for answers that fail in another way than an option error', async () => {
    const s = setup(() => ({
      get jwks(): never {
        throw new TypeError('secret detail');
      },
    }));
    expect(await reasonOf(() => s.registry.get(tenant.issuer))).toBe('issuer-unavailable');
    expect(s.failures).toEqual(['nestjs-warden: resolveIssuer answered options that could not be used']);
  });
});
