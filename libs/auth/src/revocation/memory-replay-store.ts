import { ReplayStoreUnavailableError, type ReplayStore } from './replay-store.js';

/** Options of {@link memoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /**
   * Most values remembered at once. A value is kept only as long as it could be presented again (a
   * DPoP proof: its `iat` window), so this bounds the proofs accepted per window. When it is full of
   * values still in force, `useOnce` throws (503 `dpop-replay-unavailable`) rather than forget one:
   * forgetting would let that proof be replayed. Default 100000.
   */
  maxEntries?: number;
  /** Milliseconds since the epoch; for tests. Default `Date.now`. */
  clock?: () => number;
}

/** `Retry-After` when the store is full: by then some entries have expired. */
const FULL_RETRY_SECONDS = 1;

/**
 * A replay store for one process: enough for one replica, wrong for several (a proof replayed to
 * another replica would be accepted there; use `redisReplayStore()`). Bounded: it never holds more
 * than `maxEntries` values and never drops one before it expires.
 *
 * @example
 * AuthModule.forRoot({ ...keys, dpopProof: { replayStore: memoryReplayStore({ maxEntries: 500_000 }) } })
 */
export function memoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new TypeError('memoryReplayStore: maxEntries must be a whole number >= 1');
  return new MemoryReplayStore(maxEntries, options.clock ?? Date.now);
}

class MemoryReplayStore implements ReplayStore {
  /** Key -> expiry (ms). Insertion order is roughly expiry order, so sweeps stop early. */
  private readonly entries = new Map<string, number>();
  /** While full of live entries: the earliest instant one of them expires (no sweep before it). */
  private fullUntil = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number,
  ) {}

  useOnce(key: string, ttlInMs: number): boolean {
    const now = this.clock();
    const expiry = this.entries.get(key);
    if (expiry !== undefined && expiry > now) return false;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: makeRoom only drops what expired and throws only when the store is full of live values, so calling it more often changes no answer.
    if (expiry === undefined && this.entries.size >= this.maxEntries) this.makeRoom(now);
    this.entries.delete(key);
    this.entries.set(key, now + Math.max(1, ttlInMs));
    return true;
  }

  /** Drops what expired; throws when every entry is still in force (checked again only once one expires). */
  private makeRoom(now: number): void {
    // Stryker disable next-line ConditionalExpression: before fullUntil (the first expiry among live values) the sweep finds nothing expired and throws too; it only spares the sweep.
    if (now < this.fullUntil) throw full();
    let earliest = Infinity;
    for (const [key, expiry] of this.entries) {
      if (expiry <= now) this.entries.delete(key);
      else earliest = Math.min(earliest, expiry);
    }
    if (this.entries.size >= this.maxEntries) {
      this.fullUntil = earliest;
      throw full();
    }
  }
}

function full(): ReplayStoreUnavailableError {
  return new ReplayStoreUnavailableError('the replay store is full of values still in force (maxEntries)', FULL_RETRY_SECONDS);
}
