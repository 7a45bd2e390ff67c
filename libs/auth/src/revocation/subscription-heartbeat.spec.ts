import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { SubscriptionHeartbeat } from './subscription-heartbeat.js';

// The timer is exercised against a real redis-server too (test/redis-revocation-silence.e2e-spec.ts);
// here, what a heartbeat proves and when the timer publishes and reports, on Jest's fake clock.
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
    heartbeat.received(String(clock.now)); // sent this very millisecond
    expect(heartbeat.silentFor(clock.now)).toBe(0);
  });

  it('ignores what is not a past time: a future time, text, a non-string', () => {
    const { clock, heartbeat } = setup();
    heartbeat.proven(clock.now - 500);
    for (const message of [String(clock.now + 1), 'x', '', Buffer.from(String(clock.now)), clock.now - 10]) heartbeat.received(message);
    expect(heartbeat.silentFor(clock.now)).toBe(500);
  });

  it('a proof ends the reported silence', () => {
    const { clock, heartbeat } = setup();
    heartbeat.noticed = true;
    heartbeat.proven(clock.now);
    expect(heartbeat.noticed).toBe(false);
  });

  describe('start', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    // The heartbeat's own clock follows Jest's fake one, so silence grows as the timers advance.
    const started = (publish: (channel: string, message: string) => Promise<unknown>, watching = () => true) => {
      jest.useFakeTimers({ now: 1_900_000_000_000 });
      const heartbeat = new SubscriptionHeartbeat('p', 100, 300, () => Date.now());
      const silences: number[] = [];
      heartbeat.start(publish, watching, () => silences.push(Date.now()));
      return { heartbeat, silences };
    };

    it('publishes its sending time on its channel every interval, one at a time, also after a failed publish', async () => {
      const sent: [string, string][] = [];
      let fail = true;
      const { heartbeat } = started((channel, message) => {
        sent.push([channel, message]);
        fail = !fail;
        return fail ? Promise.reject(new Error('link down')) : Promise.resolve(1);
      });
      await jest.advanceTimersByTimeAsync(99);
      expect(sent).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(sent).toEqual([[heartbeat.channel, String(1_900_000_000_100)]]);
      await jest.advanceTimersByTimeAsync(200);
      expect(sent.map(([, message]) => message)).toEqual(['1900000000100', '1900000000200', '1900000000300']);
      heartbeat.stop();
    });

    it('keeps one publish in flight at most: a stalled link queues nothing', async () => {
      let calls = 0;
      let release = (): void => undefined;
      const { heartbeat } = started(() => {
        calls += 1;
        return new Promise((resolve) => (release = () => resolve(1)));
      });
      await jest.advanceTimersByTimeAsync(500);
      expect(calls).toBe(1);
      release();
      await jest.advanceTimersByTimeAsync(100);
      expect(calls).toBe(2);
      heartbeat.stop();
    });

    it('reports a silence longer than an interval plus the timeout once, and again after a proof', async () => {
      const { heartbeat, silences } = started(() => Promise.resolve(1));
      heartbeat.proven(Date.now());
      await jest.advanceTimersByTimeAsync(400);
      expect(silences).toEqual([]); // silent for exactly noticeMs: not longer
      await jest.advanceTimersByTimeAsync(100);
      expect(silences).toEqual([1_900_000_000_500]);
      expect(heartbeat.noticed).toBe(true);
      await jest.advanceTimersByTimeAsync(1000);
      expect(silences).toHaveLength(1);
      heartbeat.proven(Date.now());
      await jest.advanceTimersByTimeAsync(500);
      expect(silences).toEqual([1_900_000_000_500, 1_900_000_002_000]);
      heartbeat.stop();
    });

    it('reports nothing while not watching', async () => {
      let watching = false;
      const { heartbeat, silences } = started(
        () => Promise.resolve(1),
        () => watching,
      );
      await jest.advanceTimersByTimeAsync(1000);
      expect(silences).toEqual([]);
      watching = true;
      await jest.advanceTimersByTimeAsync(100);
      expect(silences).toHaveLength(1);
      heartbeat.stop();
    });

    it('stops publishing and reporting when stopped', async () => {
      let calls = 0;
      const { heartbeat, silences } = started(() => Promise.resolve((calls += 1)));
      heartbeat.proven(Date.now());
      await jest.advanceTimersByTimeAsync(100);
      heartbeat.stop();
      await jest.advanceTimersByTimeAsync(1000);
      expect([calls, silences]).toEqual([1, []]);
    });
  });
});
