import { describe, expect, it } from '@jest/globals';
import { SubscriptionHeartbeat } from './subscription-heartbeat.js';

// The timer is exercised against a real redis-server (test/redis-revocation-silence.e2e-spec.ts);
// here, what a heartbeat proves.
describe('SubscriptionHeartbeat', () => {
  const setup = () => {
    const clock = { now: 1_900_000_000_000 };
    return { clock, heartbeat: new SubscriptionHeartbeat('p', 100, 300, () => clock.now) };
  };

  it('has a channel of its own under the prefix, and notices silence after an interval plus the timeout', () => {
    const [a, b] = [setup().heartbeat, setup().heartbeat];
    expect(a.channel).toMatch(/^p:heartbeat:[0-9a-f-]{36}$/);
    expect(a.channel).not.toBe(b.channel);
    expect(a.noticeMs).toBe(400);
  });

  it('is silent forever until proven; a heartbeat proves delivery up to its sending time', () => {
    const { clock, heartbeat } = setup();
    expect(heartbeat.silentFor(clock.now)).toBe(Number.POSITIVE_INFINITY);
    heartbeat.received(String(clock.now - 40));
    expect(heartbeat.silentFor(clock.now)).toBe(40);
    heartbeat.received(String(clock.now - 90)); // an older one proves nothing more
    expect(heartbeat.silentFor(clock.now)).toBe(40);
  });

  it('ignores what is not a past time: a future time, text, a non-string', () => {
    const { clock, heartbeat } = setup();
    heartbeat.proven(clock.now - 500);
    for (const message of [String(clock.now + 1), 'x', '', Buffer.from(String(clock.now)), 42]) heartbeat.received(message);
    expect(heartbeat.silentFor(clock.now)).toBe(500);
  });

  it('a proof ends the reported silence', () => {
    const { clock, heartbeat } = setup();
    heartbeat.noticed = true;
    heartbeat.proven(clock.now);
    expect(heartbeat.noticed).toBe(false);
  });
});
