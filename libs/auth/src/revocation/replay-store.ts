/**
 * Remembers one-time values (a DPoP proof's `jti` with its key) for as long as they could be
 * presented again, so each is accepted once: in memory for one process (`memoryReplayStore()`), or
 * shared by every replica (`redisReplayStore()`).
 *
 * @example
 * AuthModule.forRoot({ ...keys, dpopProof: { replayStore: redisReplayStore({ client: redis }) } })
 */
export interface ReplayStore {
  /**
   * Records `key` for `ttlInMs` and answers true when it was not recorded already (the first use);
   * false when it was (a replay). Recording and answering are one step: two replicas asked about the
   * same key at once never both get true. Throws (or rejects with) {@link ReplayStoreUnavailableError}
   * when it cannot tell: the request then answers 503 `dpop-replay-unavailable`, never "first use".
   */
  useOnce(key: string, ttlInMs: number): boolean | Promise<boolean>;
  /** Closes the connections the store opened itself. Called on module destroy. */
  close?(): Promise<void>;
}

/** Thrown by {@link ReplayStore.useOnce} when the store cannot tell whether a value was used. */
export class ReplayStoreUnavailableError extends Error {
  override readonly name = 'ReplayStoreUnavailableError';

  constructor(
    message: string,
    /** When a retry makes sense; the `Retry-After` of the 503. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
