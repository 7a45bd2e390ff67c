import type { JWTPayload } from 'jose';

/**
 * What to revoke: a session (`sid`), every session of a user (`sub`), or one token (`jti`).
 * Several may be given at once; each is revoked.
 */
export interface RevocationTarget {
  sid?: string;
  sub?: string;
  jti?: string;
}

/**
 * A deny-list the module asks about every verified token, synchronously (answered from memory, so
 * the verified-token cache's hit path stays free of awaits).
 *
 * @example
 * const store = memoryRevocationStore();
 * AuthModule.forRoot({ ...keys, revocation: store, global: true });
 * await store.revoke({ sid: 'sess_123' }); // every replica sharing the store refuses it
 */
export interface RevocationStore {
  /**
   * Revokes `target` until `untilEpochSeconds` (default: now plus the store's `maxTokenLifetimeInSeconds`,
   * the longest a token it can match lives). Rejects when the revocation could not be recorded.
   */
  revoke(target: RevocationTarget, untilEpochSeconds?: number): Promise<void>;
  /**
   * Whether verified claims are revoked (their `sid`, `sub` or `jti`). Synchronous. Throws
   * {@link RevocationUnavailableError} when the store cannot know (the request then answers 503
   * `revocation-unavailable` with `Retry-After`).
   */
  isRevoked(claims: JWTPayload): boolean;
  /** Resolves once the store can answer (its first sync). Never rejects; the module waits a bounded time at boot. */
  ready?(): Promise<void>;
  /** Stops background work and closes the connections the store opened itself. Called on module destroy. */
  close?(): Promise<void>;
}

/**
 * Thrown by {@link RevocationStore.isRevoked} when the store cannot answer (never synced, or out of
 * touch with its source for longer than it may serve what it has).
 */
export class RevocationUnavailableError extends Error {
  override readonly name = 'RevocationUnavailableError';

  constructor(
    message: string,
    /** When a retry makes sense; the `Retry-After` of the 503. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Default `maxTokenLifetimeInSeconds` of the stores: one hour. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 3600;

/**
 * The deny-list keys of a target (`sid:…`, `sub:…`, `jti:…`). Throws a TypeError for a target
 * without any non-empty string field, or with an unknown field.
 */
export function revocationKeys(target: RevocationTarget): string[] {
  if (target === null || typeof target !== 'object') throw new TypeError('revoke(): expected { sid?, sub?, jti? }');
  const keys: string[] = [];
  for (const [field, value] of Object.entries(target)) {
    if (field !== 'sid' && field !== 'sub' && field !== 'jti') throw new TypeError(`revoke(): unknown field "${field.slice(0, 16)}"`);
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '' || value.length > 512) throw new TypeError(`revoke(): ${field} must be a non-empty string`);
    keys.push(`${field}:${value}`);
  }
  if (keys.length === 0) throw new TypeError('revoke(): give at least one of sid, sub, jti');
  return keys;
}

/** The `until` of a revocation: the given one, checked, or now plus the longest token lifetime. */
export function revocationUntil(untilEpochSeconds: number | undefined, nowMs: number, maxTokenLifetimeSeconds: number): number {
  if (untilEpochSeconds === undefined) return Math.ceil(nowMs / 1000) + maxTokenLifetimeSeconds;
  if (typeof untilEpochSeconds !== 'number' || !Number.isFinite(untilEpochSeconds)) {
    throw new TypeError('revoke(): untilEpochSeconds must be a finite number');
  }
  return untilEpochSeconds;
}
