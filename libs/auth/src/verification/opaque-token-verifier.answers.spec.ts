import { describe, expect, it, jest } from '@jest/globals';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { T0, setup, validFor } from './opaque-token-verifier.spec-support.js';

// What the verifier makes of each kind of answer and failure, by reason and message: the message is
// what a 401 or 503 tells and what the logs say, so a wrong one is a wrong answer.

/** The reason and message a verification was refused with. */
async function refusal(pending: Promise<unknown>): Promise<{ reason: string; message: string }> {
  const error = await pending.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AuthError);
  const { reason, message } = error as AuthError;
  return { reason, message };
}

describe('OpaqueTokenVerifier answers', () => {
  it('refuses a null or undefined answer as not active, and anything but a claims object as such', async () => {
    const answers: Record<string, unknown> = { null: null, undefined: undefined, text: 'yes', number: 1, list: [validFor(60)] };
    const { verifier } = setup((token) => answers[token]);
    const inactive = { reason: 'token-invalid', message: 'the token is not active' };
    const notAnObject = { reason: 'token-invalid-claims', message: 'the token claims are not an object' };
    expect(await refusal(verifier.verify('null'))).toEqual(inactive);
    expect(await refusal(verifier.verify('undefined'))).toEqual(inactive);
    for (const token of ['text', 'number', 'list']) expect(await refusal(verifier.verify(token))).toEqual(notAnObject);
  });

  it('refuses with its own reason when admission throws something that is not an AuthError', async () => {
    const { verifier, calls } = setup(
      () => validFor(60),
      {},
      () => {
        throw new TypeError('claims.exp is not a function');
      },
    );
    expect(await refusal(verifier.verify('a'))).toEqual({ reason: 'token-invalid', message: 'the token was refused' });
    // A refusal, so it is cached.
    await refusal(verifier.verify('a'));
    expect(calls).toHaveLength(1);
  });

  it('does not cache an outage met during admission (the issuer could not be resolved): the next request asks again', async () => {
    const { verifier, calls } = setup(
      () => validFor(60),
      {},
      () => {
        throw new AuthError(AuthErrorReason.IntrospectionUnavailable, 'resolveIssuer failed');
      },
    );
    expect(await refusal(verifier.verify('a'))).toEqual({ reason: 'introspection-unavailable', message: 'resolveIssuer failed' });
    expect(await refusal(verifier.verify('a'))).toEqual({ reason: 'introspection-unavailable', message: 'resolveIssuer failed' });
    expect(calls).toHaveLength(2);
  });

  it('answers an outage for any error of the source, keeping only its own unavailable message', async () => {
    const thrown: Record<string, Error> = {
      down: new AuthError(AuthErrorReason.IntrospectionUnavailable, 'the introspection endpoint answered 502'),
      refused: new AuthError(AuthErrorReason.TokenInvalid, 'a hook said no by throwing'),
    };
    const { verifier, advance } = setup((token) => {
      throw thrown[token];
    });
    expect(await refusal(verifier.verify('down'))).toEqual({ reason: 'introspection-unavailable', message: 'the introspection endpoint answered 502' });
    advance(5000);
    expect(await refusal(verifier.verify('refused'))).toEqual({ reason: 'introspection-unavailable', message: 'verifyOpaqueToken threw' });
  });

  it('says why it answers 503 without asking: cooling down, too many at once, too slow', async () => {
    let fail = true;
    const slow = setup(() => new Promise(() => undefined), { timeoutInMs: 20 });
    expect(await refusal(slow.verifier.verify('slow'))).toEqual({ reason: 'introspection-unavailable', message: 'opaque token verification timed out' });
    const busy = setup(() => new Promise(() => undefined), { timeoutInMs: 20, maxConcurrent: 1 });
    const first = refusal(busy.verifier.verify('first'));
    expect(await refusal(busy.verifier.verify('second'))).toEqual({
      reason: 'introspection-unavailable',
      message: 'too many opaque tokens being verified at once',
    });
    await first;
    const down = setup(() => {
      if (fail) throw new Error('down');
      return validFor(60);
    });
    await refusal(down.verifier.verify('a'));
    fail = false;
    expect(await refusal(down.verifier.verify('b'))).toEqual({ reason: 'introspection-unavailable', message: 'the source failed recently; cooling down' });
  });

  it('is not cooling down when the clock was set back before the failure', async () => {
    let fail = true;
    const { verifier, calls, set } = setup(() => {
      if (fail) throw new Error('down');
      return validFor(600);
    });
    set(T0 + 10_000);
    await refusal(verifier.verify('a'));
    fail = false;
    set(T0);
    await expect(verifier.verify('b')).resolves.toMatchObject({ token: 'b' });
    expect(calls).toHaveLength(2);
  });

  it('leaves no timer behind once the source has answered', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const { verifier } = setup(() => validFor(60));
      await verifier.verify('a');
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('counts claims that cannot be serialised as 64 KiB against maxBytes', async () => {
    const big = setup(() => ({ ...validFor(60), counter: 10n }), { maxBytes: 100_000 });
    await big.verifier.verify('a');
    await big.verifier.verify('a');
    expect(big.calls).toHaveLength(2);
    const plain = setup(() => ({ ...validFor(60), counter: 10 }), { maxBytes: 100_000 });
    await plain.verifier.verify('a');
    await plain.verifier.verify('a');
    expect(plain.calls).toHaveLength(1);
  });
});
