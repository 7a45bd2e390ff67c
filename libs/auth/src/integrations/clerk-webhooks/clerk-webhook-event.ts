import type { RevocationTarget } from '../../revocation/revocation-store.js';

/** A Clerk session as webhook events carry it (the fields revocation needs; the rest passes through). */
export interface ClerkSessionData {
  object: 'session';
  id: string;
  user_id: string;
  status?: string;
  [field: string]: unknown;
}

/** `user.deleted`: Clerk sends only the id. */
export interface ClerkDeletedObjectData {
  object: string;
  id?: string;
  deleted: boolean;
  [field: string]: unknown;
}

/** Session events after which the session's tokens must stop working. */
export type ClerkSessionEndingType = 'session.revoked' | 'session.ended' | 'session.removed';

/** A verified Clerk webhook event. `type` discriminates: narrow it to read `data` with its shape. */
export type ClerkWebhookEvent =
  | ClerkWebhookEventOf<ClerkSessionEndingType | 'session.created' | 'session.pending', ClerkSessionData>
  | ClerkWebhookEventOf<'user.deleted', ClerkDeletedObjectData>
  | ClerkWebhookEventOf<string & {}, Record<string, unknown>>;

/** One event's envelope, as Clerk (through Svix) posts it. */
export interface ClerkWebhookEventOf<Type extends string, Data> {
  type: Type;
  object: 'event';
  data: Data;
  /** Milliseconds since the epoch, when Clerk sent it. */
  timestamp?: number;
  instance_id?: string;
  [field: string]: unknown;
}

const SESSION_ENDINGS: ReadonlySet<string> = new Set<ClerkSessionEndingType>(['session.revoked', 'session.ended', 'session.removed']);

/**
 * What an event revokes: the session of `session.revoked` / `session.ended` / `session.removed`
 * (by `sid`), every session of the user of `user.deleted` (by `sub`); null for any other event.
 * With `issuer` (the Clerk instance's `iss`), the target is scoped to it.
 *
 * @example
 * revocationTargetOf({ type: 'session.revoked', object: 'event', data: { object: 'session', id: 'sess_1', user_id: 'user_1' } })
 * // { sid: 'sess_1' }
 * revocationTargetOf(event, 'https://clerk.example.com') // { iss: 'https://clerk.example.com', sid: 'sess_1' }
 */
export function revocationTargetOf(event: ClerkWebhookEvent, issuer?: string): RevocationTarget | null {
  const id = (event.data as { id?: unknown }).id;
  if (typeof id !== 'string' || id === '') return null;
  const scope = issuer === undefined ? {} : { iss: issuer };
  if (SESSION_ENDINGS.has(event.type)) return { ...scope, sid: id };
  if (event.type === 'user.deleted') return { ...scope, sub: id };
  return null;
}

/** Whether a parsed body has an event's envelope: a string `type` and an object `data`. */
export function isClerkWebhookEvent(value: unknown): value is ClerkWebhookEvent {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { type, data } = value as { type?: unknown; data?: unknown };
  return typeof type === 'string' && type !== '' && data !== null && typeof data === 'object' && !Array.isArray(data);
}
