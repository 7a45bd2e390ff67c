import { randomUUID } from 'node:crypto';

/**
 * Proof that a pub/sub subscription still delivers. A subscription that stays open and delivers
 * nothing (a stalled link, a subscriber left on a stale peer after a failover) never closes, so
 * waiting for a close never notices it. Instead the store publishes the time on a channel of its
 * own, through the connection it writes with, every `intervalMs`, and expects it back on its
 * subscriber: Redis delivers one connection's messages in the order it executed the publishes, so a
 * heartbeat that comes back proves every revocation published before it was delivered too.
 * The mirror is then known current as of the heartbeat's sending time.
 */
export class SubscriptionHeartbeat {
  /** `<prefix>:heartbeat:<random>`: one channel per store, so replicas do not hear each other's. */
  readonly channel: string;
  /** Whether the current silence was reported (once per silence). */
  noticed = false;
  private provenAt = Number.NEGATIVE_INFINITY;
  private inFlight = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    prefix: string,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly clock: () => number,
  ) {
    this.channel = `${prefix}:heartbeat:${randomUUID()}`;
  }

  /** How long silence lasts before it is noticed: one interval, plus the time a heartbeat may take. */
  get noticeMs(): number {
    return this.intervalMs + this.timeoutMs;
  }

  /** The subscription is known to deliver everything published up to `atMs`. */
  proven(atMs: number): void {
    // Stryker disable next-line EqualityOperator: proving the time already proven again changes nothing
    if (atMs > this.provenAt) this.provenAt = atMs;
    this.noticed = false;
  }

  /** A message on {@link channel}: the sending time of one of this store's heartbeats. */
  received(message: unknown): void {
    const sentAt = typeof message === 'string' ? Number(message) : Number.NaN;
    if (Number.isFinite(sentAt) && sentAt <= this.clock()) this.proven(sentAt);
  }

  /** Milliseconds since the subscription was last known to deliver. */
  silentFor(nowMs: number): number {
    return nowMs - this.provenAt;
  }

  /**
   * Publishes a heartbeat every interval (one in flight at most, so a stalled link queues nothing)
   * and calls `onSilence` once per silence longer than {@link noticeMs}, when `watching()` says so.
   */
  start(publish: (channel: string, message: string) => Promise<unknown>, watching: () => boolean, onSilence: () => void): void {
    this.timer = setInterval(() => {
      if (watching() && !this.noticed && this.silentFor(this.clock()) > this.noticeMs) {
        this.noticed = true;
        onSilence();
      }
      if (this.inFlight) return;
      this.inFlight = true;
      publish(this.channel, String(this.clock()))
        .catch(() => undefined) // silence is what counts, not the error
        .finally(() => (this.inFlight = false));
    }, this.intervalMs);
    // Stryker disable next-line OptionalChaining: Node's timers always have unref(); the ?. serves runtimes whose setInterval returns a number
    this.timer.unref?.(); // never what keeps a process alive
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
