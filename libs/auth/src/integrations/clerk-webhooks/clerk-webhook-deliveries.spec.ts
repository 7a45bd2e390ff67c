import { describe, expect, it } from '@jest/globals';
import { DeliveryLog } from './clerk-webhook-deliveries.js';
import { resolveClerkWebhooksOptions } from './clerk-webhook-options.js';

describe('DeliveryLog', () => {
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
    const signingSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(resolveClerkWebhooksOptions({ signingSecret }).maxRememberedDeliveries).toBe(10_000);
    for (const bad of [0, 1.5, -1, Number.NaN, '10']) {
      expect(() => resolveClerkWebhooksOptions({ signingSecret, maxRememberedDeliveries: bad as number })).toThrow(/maxRememberedDeliveries/);
    }
  });
});
