import 'reflect-metadata';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ConflictException, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { EMPTY, lastValueFrom, Observable, of, Subject, throwError } from 'rxjs';
import { CLERK_WEBHOOK_DELIVERIES, ClerkWebhookDeliveryInterceptor, DeliveryLog } from './clerk-webhook-deliveries.js';
import { ClerkWebhookGuard } from './clerk-webhook.guard.js';
import { resolveClerkWebhooksOptions } from './clerk-webhook-options.js';
import { createSignatureCheck } from './webhook-signature.js';
import { SECRET, signedDelivery } from './clerk-webhook.spec-support.js';

describe('DeliveryLog', () => {
  it('is injected under a registered symbol, so every copy of the package shares the token and Nest names it', () => {
    expect(CLERK_WEBHOOK_DELIVERIES).toBe(Symbol.for('nestjs-warden:clerk-webhook-deliveries'));
  });

  const setup = (max = 3) => {
    const clock = { now: 1_000 };
    return { clock, log: new DeliveryLog(600_000, max, () => clock.now) };
  };

  it('a new id is pending, then done once handled; an abandoned one is new again', () => {
    const { log } = setup();
    expect(log.begin('msg_1')).toBe('new');
    expect(log.begin('msg_1')).toBe('pending');
    log.finish('msg_1');
    expect(log.begin('msg_1')).toBe('done');
    expect(log.begin('msg_2')).toBe('new');
    log.abandon('msg_2');
    expect(log.begin('msg_2')).toBe('new');
  });

  it('remembers an id for the window, not longer', () => {
    const { clock, log } = setup();
    log.begin('msg_1');
    log.finish('msg_1');
    clock.now += 599_999;
    expect(log.begin('msg_1')).toBe('done');
    clock.now += 2;
    expect(log.begin('msg_1')).toBe('new');
  });

  it('holds at most maxEntries ids, the least recently used dropped first', () => {
    const { log } = setup(3);
    for (const id of ['a', 'b', 'c', 'd']) {
      log.begin(id);
      log.finish(id);
    }
    expect(log.size).toBe(3);
    expect(log.begin('a')).toBe('new');
    expect(log.begin('d')).toBe('done');
  });

  it('maxRememberedDeliveries: default 10000, a whole number of at least 1', () => {
    const signingSecret = SECRET;
    expect(resolveClerkWebhooksOptions({ signingSecret }).maxRememberedDeliveries).toBe(10_000);
    for (const bad of [0, 1.5, -1, Number.NaN, '10']) {
      expect(() => resolveClerkWebhooksOptions({ signingSecret, maxRememberedDeliveries: bad as number })).toThrow(/maxRememberedDeliveries/);
    }
  });
});

// The interceptor after the real guard: a delivery id is known only for a request the guard admitted.
describe('ClerkWebhookDeliveryInterceptor', () => {
  let guard: ClerkWebhookGuard;
  beforeAll(async () => {
    guard = new ClerkWebhookGuard(
      resolveClerkWebhooksOptions({ signingSecret: SECRET, revocation: false }),
      await createSignatureCheck(SECRET),
      undefined,
      undefined,
    );
  });

  const contextOf = (request: object) => ({ switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;
  /** A request carrying the signed delivery `id`, admitted by the guard. */
  const admitted = async (id: string) => {
    const request = signedDelivery({ type: 'user.created', object: 'event', data: { id: 'user_1' } }, Math.floor(Date.now() / 1000), id);
    await guard.canActivate(contextOf(request));
    return contextOf(request);
  };
  /** A handler that counts its runs and answers with `answer()`. */
  const handler = (answer: () => Observable<unknown> = () => of('handled')) => {
    const runs = { count: 0 };
    const next: CallHandler = {
      handle: () => {
        runs.count += 1;
        return answer();
      },
    };
    return { next, runs };
  };
  const interceptor = () => new ClerkWebhookDeliveryInterceptor(new DeliveryLog(600_000, 100));

  it('runs the handler once per delivery id; a replay is answered { duplicate: true } without it', async () => {
    const target = interceptor();
    const { next, runs } = handler();
    expect(await lastValueFrom(target.intercept(await admitted('msg_1'), next))).toBe('handled');
    expect(await lastValueFrom(target.intercept(await admitted('msg_1'), next))).toEqual({ duplicate: true });
    expect(await lastValueFrom(target.intercept(await admitted('msg_2'), next))).toBe('handled');
    expect(runs.count).toBe(2);
  });

  it('hands a request without an admitted delivery straight to the handler, every time', async () => {
    const target = interceptor();
    const answer = of('handled');
    const { next, runs } = handler(() => answer);
    for (let i = 0; i < 2; i += 1) expect(target.intercept(contextOf({ headers: { 'svix-id': 'msg_1' } }), next)).toBe(answer);
    expect(runs.count).toBe(2);
  });

  it('answers 409 while the same delivery is being handled, and handles it again once the first failed', async () => {
    const target = interceptor();
    const pending = new Subject<unknown>();
    const seen: unknown[] = [];
    target.intercept(await admitted('msg_1'), handler(() => pending).next).subscribe({ error: (error: unknown) => seen.push(error) });
    const replay = await admitted('msg_1');
    const thrown = (() => {
      try {
        return target.intercept(replay, handler().next);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(ConflictException);
    expect((thrown as ConflictException).getResponse()).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'this webhook delivery is being handled; retry later',
    });
    pending.error(new Error('handler failed'));
    expect(seen).toHaveLength(1);
    const { next, runs } = handler();
    expect(await lastValueFrom(target.intercept(replay, next))).toBe('handled');
    expect(runs.count).toBe(1);
  });

  it('forgets a delivery whose handler threw, or was left before answering', async () => {
    const target = interceptor();
    const failing = target.intercept(await admitted('msg_1'), handler(() => throwError(() => new Error('down'))).next);
    await expect(lastValueFrom(failing)).rejects.toThrow('down');
    target
      .intercept(await admitted('msg_2'), handler(() => new Subject<unknown>()).next)
      .subscribe()
      .unsubscribe();
    for (const id of ['msg_1', 'msg_2']) {
      const { next, runs } = handler();
      await lastValueFrom(target.intercept(await admitted(id), next));
      expect(runs.count).toBe(1);
    }
  });

  it('a handler that answered is done: with nothing (an empty answer), or with a value before it failed or was left', async () => {
    const target = interceptor();
    await lastValueFrom(target.intercept(await admitted('msg_1'), handler(() => EMPTY).next), { defaultValue: undefined });
    const failedAfter = new Subject<unknown>();
    target.intercept(await admitted('msg_2'), handler(() => failedAfter).next).subscribe({ error: () => undefined });
    failedAfter.next('answered');
    failedAfter.error(new Error('late failure'));
    const leftAfter = new Subject<unknown>();
    const subscription = target.intercept(await admitted('msg_3'), handler(() => leftAfter).next).subscribe();
    leftAfter.next('answered');
    subscription.unsubscribe();
    for (const id of ['msg_1', 'msg_2', 'msg_3']) {
      const { next, runs } = handler();
      expect(await lastValueFrom(target.intercept(await admitted(id), next))).toEqual({ duplicate: true });
      expect(runs.count).toBe(0);
    }
  });
});
