import { describe, expect, it } from '@jest/globals';
import { T0, setup, validFor } from './opaque-token-verifier.spec-support.js';
import { reasonOf } from './reason-of.spec-support.js';

describe('OpaqueTokenVerifier', () => {
  it('names the class from the prefix and asks the source once per token while cached', async () => {
    const { verifier, calls, advance } = setup(() => validFor(60));
    await expect(verifier.verify('mt_abc')).resolves.toEqual({ token: 'mt_abc', tokenType: 'm2m_token', sub: 'svc' });
    advance(59_999);
    await expect(verifier.verify('mt_abc')).resolves.toMatchObject({ sub: 'svc' });
    expect(verifier.peek('mt_abc')).toMatchObject({ sub: 'svc' });
    expect(calls).toEqual([{ token: 'mt_abc', tokenType: 'm2m_token' }]);
  });

  it('asks again once the cached token reaches its exp, and then refuses it', async () => {
    const { verifier, calls, advance } = setup(() => validFor(60));
    await verifier.verify('oat_abc');
    advance(60_000);
    expect(verifier.peek('oat_abc')).toBeUndefined();
    expect(await reasonOf(verifier.verify('oat_abc'))).toBe('token-expired');
    expect(calls).toHaveLength(2);
  });

  it('never keeps an accepted token longer than cacheMaxAgeInMs', async () => {
    const { verifier, calls, advance } = setup(() => validFor(3600), { cacheMaxAgeInMs: 10_000 });
    await verifier.verify('ak_abc');
    advance(9_999);
    await verifier.verify('ak_abc');
    expect(calls).toHaveLength(1);
    advance(1);
    await verifier.verify('ak_abc');
    expect(calls).toHaveLength(2);
  });

  it('keeps an accepted token no longer than maxTokenAgeInMs after its iat (plus the skew), like the JWT cache', async () => {
    const { verifier, calls, advance } = setup(() => ({ ...validFor(3600), iat: T0 / 1000 }), { maxTokenAgeInMs: 10_000, clockSkewInMs: 500 });
    await verifier.verify('oat_iat');
    advance(10_500);
    expect(verifier.peek('oat_iat')).toBeDefined();
    advance(1);
    expect(verifier.peek('oat_iat')).toBeUndefined();
    await verifier.verify('oat_iat');
    expect(calls).toHaveLength(2);
    // Without iat there is no age to count: kept until exp.
    const noIat = setup(() => validFor(60), { maxTokenAgeInMs: 10_000 });
    await noIat.verifier.verify('oat_noiat');
    noIat.advance(59_999);
    expect(noIat.verifier.peek('oat_noiat')).toBeDefined();
  });

  it('caches a refusal (inactive) for refusedTtlInMs, then asks again', async () => {
    const { verifier, calls, advance } = setup((_token, call) => (call === 1 ? null : validFor(600)));
    expect(await reasonOf(verifier.verify('xyz'))).toBe('token-invalid');
    advance(59_999);
    expect(await reasonOf(verifier.verify('xyz'))).toBe('token-invalid');
    expect(calls).toHaveLength(1);
    advance(1);
    await expect(verifier.verify('xyz')).resolves.toMatchObject({ tokenType: 'oauth_token' });
    expect(calls).toHaveLength(2);
  });

  it('refuses (and caches) an answer that is not a claims object, and an admission failure', async () => {
    const { verifier, calls } = setup((token) => (token === 'a' ? 'yes' : { sub: 'svc' }));
    expect(await reasonOf(verifier.verify('a'))).toBe('token-invalid-claims');
    expect(await reasonOf(verifier.verify('b'))).toBe('token-invalid-claims');
    expect(await reasonOf(verifier.verify('a'))).toBe('token-invalid-claims');
    expect(calls).toHaveLength(2);
  });

  it('serves 1000 concurrent requests for one new token with a single call', async () => {
    let release!: (value: unknown) => void;
    const { verifier, calls } = setup(() => new Promise((resolve) => (release = resolve)));
    const all = Array.from({ length: 1000 }, () => verifier.verify('oat_new'));
    await new Promise((resolve) => setImmediate(resolve));
    release(validFor(60));
    const results = await Promise.all(all);
    expect(new Set(results).size).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it('a failing source answers introspection-unavailable to every waiter, then cools down, then tries again', async () => {
    let fail = true;
    const { verifier, calls, advance } = setup(() => {
      if (fail) throw new Error('connection refused');
      return validFor(600);
    });
    const reasons = await Promise.all([verifier.verify('t1'), verifier.verify('t1')].map(reasonOf));
    expect(reasons).toEqual(['introspection-unavailable', 'introspection-unavailable']);
    expect(verifier.cooldownRemainingInMs()).toBe(5000);
    fail = false;
    advance(4_999);
    expect(await reasonOf(verifier.verify('t2'))).toBe('introspection-unavailable');
    expect(calls).toHaveLength(1);
    advance(1);
    expect(verifier.cooldownRemainingInMs()).toBe(0);
    await expect(verifier.verify('t1')).resolves.toMatchObject({ token: 't1' });
    expect(calls).toHaveLength(2);
  });

  it('reports the start of an outage once per cooldown window, never what the source threw', async () => {
    const reports: string[] = [];
    const { verifier, advance } = setup(
      () => {
        throw new Error('sk_live_secret rejected for token t1');
      },
      { onFailure: (message) => reports.push(message) },
    );
    await Promise.all(['t1', 't2', 't3'].map((token) => reasonOf(verifier.verify(token))));
    expect(reports).toEqual(['verifyOpaqueToken threw']);
    advance(5000);
    await reasonOf(verifier.verify('t4'));
    expect(reports).toHaveLength(2);
    expect(reports.join(' ')).not.toMatch(/sk_live|t1/);
  });

  it('runs at most maxConcurrent calls at once; another new token gets 503 at once, a joiner does not', async () => {
    const pending: Array<(value: unknown) => void> = [];
    const { verifier, calls } = setup(() => new Promise((resolve) => pending.push(resolve)), { maxConcurrent: 2 });
    const first = [verifier.verify('a'), verifier.verify('b')];
    expect(await reasonOf(verifier.verify('c'))).toBe('introspection-unavailable');
    const joiner = verifier.verify('a');
    await new Promise((resolve) => setImmediate(resolve));
    for (const resolve of pending) resolve(validFor(60));
    await expect(Promise.all([...first, joiner])).resolves.toHaveLength(3);
    expect(calls.map((c) => c.token)).toEqual(['a', 'b']);
    const third = verifier.verify('c');
    await new Promise((resolve) => setImmediate(resolve));
    pending[2](validFor(60));
    await expect(third).resolves.toMatchObject({ token: 'c' });
    expect(verifier.cooldownRemainingInMs()).toBe(0);
  });

  it('keeps serving cached tokens during a cooldown', async () => {
    let fail = false;
    const { verifier } = setup(() => {
      if (fail) throw new Error('down');
      return validFor(600);
    });
    await verifier.verify('good');
    fail = true;
    expect(await reasonOf(verifier.verify('other'))).toBe('introspection-unavailable');
    await expect(verifier.verify('good')).resolves.toMatchObject({ token: 'good' });
  });

  it('times out a source that does not answer: 503, never allowed', async () => {
    const { verifier, calls } = setup(() => new Promise(() => undefined), { timeoutInMs: 20 });
    expect(await reasonOf(verifier.verify('slow'))).toBe('introspection-unavailable');
    expect(calls).toHaveLength(1);
    expect(verifier.peek('slow')).toBeUndefined();
  });

  it('does not serve a verdict made at a later time when the clock is set back', async () => {
    const { verifier, calls, set } = setup(() => validFor(600));
    set(T0 + 10_000);
    await verifier.verify('tok');
    set(T0);
    expect(verifier.peek('tok')).toBeUndefined();
    await verifier.verify('tok');
    expect(calls).toHaveLength(2);
  });

  it('stays within maxEntries, for accepted and refused tokens alike', async () => {
    const { verifier } = setup((token) => (token.startsWith('bad') ? null : validFor(600)), { maxEntries: 10 });
    for (let i = 0; i < 50; i += 1) {
      await verifier.verify(`good${i}`);
      await reasonOf(verifier.verify(`bad${i}`));
    }
    expect(verifier.size).toEqual({ accepted: 10, refused: 10 });
    expect(verifier.peek('good49')).toBeDefined();
  });

  it('delete() forgets a token', async () => {
    const { verifier, calls } = setup(() => validFor(600));
    await verifier.verify('tok');
    verifier.delete('tok');
    await verifier.verify('tok');
    expect(calls).toHaveLength(2);
  });
});
