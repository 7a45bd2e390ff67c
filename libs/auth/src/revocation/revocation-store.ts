import type { JWTPayload } from 'jose';

/**
 * What to revoke: a session (`sid`), every session of a user (`sub`), or one token (`jti`).
 * Several may be given at once; each is revoked. `iss` scopes them to one issuer: ids are only unique
 * within an issuer, so with several issuers (tenants) pass the `iss` of the token they came from.
 * Without `iss` (or with `iss: null`, an auth object's `issuer` for a token without one) the
 * revocation applies to tokens of every issuer, as before `iss` existed.
 *
 * @example
 * await revocation.revoke({ iss: auth.issuer, sub: auth.userId }); // "sign out everywhere", this tenant only
 */
export interface RevocationTarget {
  iss?: string | null;
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
   * Whether verified claims are revoked (their `sid`, `sub` or `jti`, for every issuer or for their `iss`). Synchronous. Throws
   * {@link RevocationUnavailableError} when the store cannot know (the request then answers 503
   * `revocation-unavailable` with `Retry-After`).
   */
  isRevoked(claims: JWTPayload): boolean;
  /**
   * `listener` hears each revocation this store learns of from now on: its own, and with a shared
   * store those of other replicas, once per new (or extended) entry. For caches of what a subject
   * owns (e.g. `loadUser`'s): drop it when the subject is revoked. Returns a function that stops it.
   */
  onRevoked?(listener: RevocationListener): () => void;
  /** Resolves once the store can answer (its first sync). Never rejects; the module waits a bounded time at boot. */
  ready?(): Promise<void>;
  /** Stops background work and closes the connections the store opened itself. Called on module destroy. */
  close?(): Promise<void>;
}

/** One revocation a store learned of: the claim it names, its issuer (null: every issuer) and value. */
export interface RevokedEntry {
  field: RevocationField;
  iss: string | null;
  value: string;
}

/** Hears revocations as a store learns of them (see {@link RevocationStore.onRevoked}); what it throws is ignored. */
export type RevocationListener = (revoked: RevokedEntry) => void;

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

/** The claims a revocation names. */
export type RevocationField = 'sid' | 'sub' | 'jti';
const FIELDS: readonly string[] = ['sid', 'sub', 'jti'] satisfies RevocationField[];
/** Longest `iss` a revocation may name (issuer URLs are far shorter). */
const MAX_ISSUER_LENGTH = 2048;

/**
 * The deny-list keys of a target. Without issuer: `sid:…`, `sub:…`, `jti:…` (the format every version
 * wrote, matching every issuer); with one: `sid@<issuer, URI-encoded>:…`. Throws a TypeError for a
 * target without any non-empty string field, or with an unknown field.
 */
export function revocationKeys(target: RevocationTarget): string[] {
  if (target === null || typeof target !== 'object') throw new TypeError('revoke(): expected { iss?, sid?, sub?, jti? }');
  const { iss, ...ids } = target;
  if (iss !== undefined && iss !== null && (typeof iss !== 'string' || iss === '' || iss.length > MAX_ISSUER_LENGTH)) {
    throw new TypeError('revoke(): iss must be a non-empty string (or null for every issuer)');
  }
  const keys: string[] = [];
  for (const [field, value] of Object.entries(ids)) {
    if (!FIELDS.includes(field)) throw new TypeError(`revoke(): unknown field "${field.slice(0, 16)}"`);
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '' || value.length > 512) throw new TypeError(`revoke(): ${field} must be a non-empty string`);
    keys.push(revocationKey(field as RevocationField, iss ?? '', value));
  }
  if (keys.length === 0) throw new TypeError('revoke(): give at least one of sid, sub, jti');
  return keys;
}

/** One deny-list key; `iss` '' for every issuer. */
export function revocationKey(field: RevocationField, iss: string, value: string): string {
  return iss === '' ? `${field}:${value}` : `${field}@${encodeURIComponent(iss)}:${value}`;
}

/** A key's parts (`iss` '' for every issuer), or null for anything that is not a key. */
export function parseRevocationKey(key: string): { field: RevocationField; iss: string; value: string } | null {
  const colon = key.indexOf(':');
  const head = key.slice(0, Math.max(colon, 0));
  const at = head.indexOf('@');
  // Stryker disable next-line EqualityOperator: (`at <= 0`) at 0 the field is '' either way, which is no field; the swept `at >= 0` is killed
  const field = at < 0 ? head : head.slice(0, at);
  if (!FIELDS.includes(field)) return null;
  let iss = '';
  // Stryker disable next-line EqualityOperator: (`at > 0`) a key whose head starts with '@' has the field '' and was refused above; the swept `at < 0` is killed
  if (at >= 0) {
    try {
      // Stryker disable BlockStatement: (the catch block) an empty catch leaves iss '', which the check below refuses as null too
      iss = decodeURIComponent(head.slice(at + 1));
    } catch {
      return null;
    }
    // Stryker restore BlockStatement
    if (iss === '') return null;
  }
  return { field: field as RevocationField, iss, value: key.slice(colon + 1) };
}

/** The `until` of a revocation: the given one, checked, or now plus the longest token lifetime. */
export function revocationUntil(untilEpochSeconds: number | undefined, nowMs: number, maxTokenLifetimeSeconds: number): number {
  if (untilEpochSeconds === undefined) return Math.ceil(nowMs / 1000) + maxTokenLifetimeSeconds;
  // Stryker disable next-line ConditionalExpression: (the `typeof` test) Number.isFinite is false for anything but a number, so the second test alone refuses the same values; the swept whole-condition `false` is killed
  if (typeof untilEpochSeconds !== 'number' || !Number.isFinite(untilEpochSeconds)) {
    throw new TypeError('revoke(): untilEpochSeconds must be a finite number');
  }
  return untilEpochSeconds;
}
