import type { JWTPayload } from 'jose';
import type { SignedInAuthObjectFor } from '../auth-object/auth-object-for.js';
import type { TokenType } from '../verification/token-class.js';
import { AuthConfigError } from './auth-config-error.js';
import { checkKeys } from './check-keys.js';
import type { AuthContextType } from './event-options.js';

/**
 * Where an app declares its user type, once, by declaration merging; `loadUser` must then return it
 * and `@CurrentUser()` parameters are typed `CurrentUser`.
 *
 * @example
 * declare module 'nestjs-warden' {
 *   interface CurrentUserRegistry {
 *     user: AppUser;
 *   }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the app (declaration merging)
export interface CurrentUserRegistry {}

/** The app's user type, as declared in {@link CurrentUserRegistry}; `unknown` until it is. */
export type RegisteredUser = CurrentUserRegistry extends { user: infer U } ? U : unknown;

/** What `loadUser` learns besides the auth object. */
export interface LoadUserContext {
  /** The token's `iss`; null for a token without one. */
  readonly issuer: string | null;
  /** The token's class: a session, or a machine (`m2m_token`, `oauth_token`, `api_key`). */
  readonly tokenType: TokenType;
  /** The verified claims. */
  readonly claims: JWTPayload;
  /** The transport of the request that asked for the user. */
  readonly transport: AuthContextType;
}

/**
 * Loads the user behind a verified token (a database row, Clerk's Backend API): the user, or
 * null/undefined when there is none (401 or 403, by `currentUser.whenMissing`). A throw, a rejection
 * or no answer within `currentUser.timeoutInMs` answers 503 `user-unavailable`.
 */
export type LoadUser = (
  auth: SignedInAuthObjectFor,
  context: LoadUserContext,
) => RegisteredUser | null | undefined | Promise<RegisteredUser | null | undefined>;

/** Bounds of the user cache. */
export interface UserCacheOptions {
  /** How long a loaded user is kept, in ms. Default 60000. */
  ttlInMs?: number;
  /** Most users held; the least recently used goes first. Default 10000. */
  maxEntries?: number;
}

/** How `@CurrentUser()` behaves; with `loadUser`. */
export interface CurrentUserOptions {
  /** What a signed-in caller gets when `loadUser` finds no user: 401 (default) or 403. */
  whenMissing?: 401 | 403;
  /** How long `loadUser` may take before the request answers 503 `user-unavailable`. Default 5000. */
  timeoutInMs?: number;
  /**
   * Keep loaded users by issuer and subject (`sub`), bounded; dropped when the revocation store
   * revokes that subject (`revoke({ iss, sub })`), on every replica that shares it. `true` for the
   * default bounds; off by default (each request that asks loads once).
   */
  cache?: boolean | UserCacheOptions;
}

/** `loadUser` and `currentUser` after checks and defaults. */
export interface ResolvedCurrentUser {
  load: LoadUser;
  whenMissing: 401 | 403;
  timeoutInMs: number;
  cache: false | Required<UserCacheOptions>;
}

/** Defaults of {@link CurrentUserOptions}. */
export const CURRENT_USER_DEFAULTS = { whenMissing: 401, timeoutInMs: 5000, ttlInMs: 60_000, maxEntries: 10_000 } as const;

/** Checks `loadUser` and `currentUser`; undefined when there is no loader. Throws {@link AuthConfigError} naming the option. */
export function resolveCurrentUserOptions(load: unknown, options: unknown): ResolvedCurrentUser | undefined {
  if (load === undefined) {
    if (options !== undefined) throw new AuthConfigError('currentUser', 'applies only with loadUser');
    return undefined;
  }
  if (typeof load !== 'function') throw new AuthConfigError('loadUser', 'expected a function (auth, context) => user | null');
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new AuthConfigError('currentUser', 'expected { whenMissing?, timeoutInMs?, cache? }');
  }
  const given = (options ?? {}) as CurrentUserOptions;
  checkKeys(given, ['whenMissing', 'timeoutInMs', 'cache'], 'currentUser.');
  const whenMissing = given.whenMissing ?? CURRENT_USER_DEFAULTS.whenMissing;
  if (whenMissing !== 401 && whenMissing !== 403) throw new AuthConfigError('currentUser.whenMissing', 'expected 401 or 403');
  return {
    load: load as LoadUser,
    whenMissing,
    timeoutInMs: whole(given.timeoutInMs, CURRENT_USER_DEFAULTS.timeoutInMs, 'timeoutInMs'),
    cache: cacheOf(given.cache),
  };
}

function cacheOf(cache: CurrentUserOptions['cache']): false | Required<UserCacheOptions> {
  if (cache === undefined || cache === false) return false;
  if (cache !== true && (cache === null || typeof cache !== 'object' || Array.isArray(cache))) {
    throw new AuthConfigError('currentUser.cache', 'expected true, false or { ttlInMs?, maxEntries? }');
  }
  const bounds = cache === true ? {} : cache;
  checkKeys(bounds, ['ttlInMs', 'maxEntries'], 'currentUser.cache.');
  return {
    ttlInMs: whole(bounds.ttlInMs, CURRENT_USER_DEFAULTS.ttlInMs, 'cache.ttlInMs'),
    maxEntries: whole(bounds.maxEntries, CURRENT_USER_DEFAULTS.maxEntries, 'cache.maxEntries'),
  };
}

function whole(value: unknown, fallback: number, name: string): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'number' || !Number.isSafeInteger(resolved) || resolved < 1) {
    throw new AuthConfigError(`currentUser.${name}`, 'expected a whole number of at least 1');
  }
  return resolved;
}
