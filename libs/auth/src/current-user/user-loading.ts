import type { SignedInAuthObjectFor } from '../auth-object/auth-object-for.js';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { RegisteredUser, LoadUserContext, ResolvedCurrentUser } from '../config/current-user-options.js';
import type { AuthContextType } from '../config/event-options.js';
import type { RevocationStore } from '../revocation/revocation-store.js';
import type { Verification } from '../verification/verification.js';
import { UserCache } from './user-cache.js';

/** Key (on a request, handshake or message) of the user loaded for it, with the verification it was loaded for. */
const CURRENT_USER = Symbol.for('nestjs-warden:current-user');
/** What the timer rejects with: told apart from anything a loader throws. */
class LoadTimeout extends Error {
  // Stryker disable next-line StringLiteral: what is read of a timeout is its class (errorName); it never leaves call()
  override readonly name = 'LoadTimeout';
}

interface LoadedUser {
  readonly verification: Verification;
  readonly user: Promise<RegisteredUser>;
}

/** What one `@RegisteredUser()` parameter asks for: the verification the guard attached, as the route admits it. */
export interface UserRequest {
  /** The request (handshake, message) the guard attached the verification to. */
  readonly carrier: object;
  /** That verification. */
  readonly verification: Verification;
  /** Whether the route admits it signed in (its classes and issuers): signed out, there is no user to load. */
  readonly signedIn: boolean;
  readonly transport: AuthContextType;
}

/** What loading tells its owner: the start of an outage of `loadUser` (a fixed text, safe to log). */
export type UserLoadingFailure = (message: string) => void;

/**
 * The user behind a request's verification, loaded by the app's `loadUser` after the guard decided:
 * once per request (the promise stays on the carrier with the verification it is for; see
 * `sameLoad`), only when a handler asks, through a bounded cache by issuer and
 * subject when configured (dropped when the revocation store revokes that subject). Resolves the
 * user, or null on a route that admits the request signed out; rejects with {@link AuthError}
 * `user-not-found` (no user) or `user-unavailable` (the loader threw, rejected or timed out).
 * Framework-free.
 */
export class UserLoading {
  private readonly cache: UserCache<RegisteredUser> | null;
  private readonly stopListening: (() => void) | undefined;
  private failing = false;

  constructor(
    private readonly settings: ResolvedCurrentUser,
    revocation: RevocationStore | undefined,
    clock?: () => number,
    private readonly onFailure?: UserLoadingFailure,
  ) {
    this.cache = settings.cache ? new UserCache<RegisteredUser>(settings.cache, clock) : null;
    // Only a subject's revocation changes who it is; a session's does not.
    const cache = this.cache;
    this.stopListening = cache ? revocation?.onRevoked?.((revoked) => revoked.field === 'sub' && cache.invalidate(revoked.iss, revoked.value)) : undefined;
  }

  /** The user of one request (see the class). */
  userFor(request: UserRequest): Promise<RegisteredUser | null> {
    if (!request.signedIn || !request.verification.auth.isAuthenticated) return Promise.resolve(null);
    const memo = Object.hasOwn(request.carrier, CURRENT_USER) ? (request.carrier as Record<symbol, LoadedUser | undefined>)[CURRENT_USER] : undefined;
    if (memo && sameLoad(memo, request)) return memo.user;
    const user = this.load(request.verification, request.transport);
    // Not enumerable: it never shows in a log of the request.
    Object.defineProperty(request.carrier, CURRENT_USER, {
      value: { verification: request.verification, user },
      writable: true,
      configurable: true,
      enumerable: false,
    });
    return user;
  }

  /** Stops hearing the revocation store (module shutdown). */
  onModuleDestroy(): void {
    this.stopListening?.();
  }

  private async load(v: Verification, transport: AuthContextType): Promise<RegisteredUser> {
    const claims = v.claims ?? {};
    const issuer = typeof claims.iss === 'string' ? claims.iss : null;
    const context: LoadUserContext = { issuer, tokenType: v.tokenType ?? 'session_token', claims, transport };
    const call = () => this.call(v.auth as SignedInAuthObjectFor, context);
    const sub = typeof claims.sub === 'string' ? claims.sub : undefined;
    const user = this.cache && sub !== undefined ? await this.cache.through(issuer, sub, call) : await call();
    if (user === null) throw new AuthError(AuthErrorReason.UserNotFound, 'loadUser found no user for the token');
    return user;
  }

  /** One call of `loadUser`, bounded in time; its failures become `user-unavailable`, a missing user null. */
  private async call(auth: SignedInAuthObjectFor, context: LoadUserContext): Promise<RegisteredUser | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      // Stryker disable next-line StringLiteral: the message of a timeout is read by nothing (see LoadTimeout)
      timer = setTimeout(() => reject(new LoadTimeout('timeout')), this.settings.timeoutInMs);
    });
    try {
      const user = await Promise.race([Promise.resolve().then(() => this.settings.load(auth, context)), timeout]);
      this.failing = false;
      return user ?? null;
    } catch (error) {
      if (!this.failing) this.onFailure?.(`loadUser failed or did not answer within ${this.settings.timeoutInMs} ms (${errorName(error)})`);
      this.failing = true;
      const retryAfter = Math.max(1, Math.ceil(this.settings.timeoutInMs / 1000));
      throw new AuthError(AuthErrorReason.UserUnavailable, 'the user could not be loaded', retryAfter);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Whether a user loaded for this carrier serves this request: the same token on a request (GraphQL
 * may verify it once per field, in parallel, into several equal verifications), the very same
 * verification on a live connection (each WebSocket message is verified, and loads, anew).
 */
function sameLoad(memo: LoadedUser, request: UserRequest): boolean {
  const live = Object.hasOwn(request.carrier, 'live') && (request.carrier as { live?: unknown }).live === true;
  return live ? memo.verification === request.verification : memo.verification.token === request.verification.token;
}

/** The class of what a loader threw, never its message (it may hold a connection string or a token). */
function errorName(error: unknown): string {
  if (error instanceof LoadTimeout) return 'timeout';
  return error instanceof Error ? error.name : typeof error;
}
