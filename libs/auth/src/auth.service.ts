import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AuthError, AuthErrorReason } from './auth.errors.js';
import { AUTH_OPTIONS } from './auth.constants.js';
import type { ResolvedAuthOptions } from './config/resolved-options.js';
import { signedInResult, signedOutResult, type AuthResult, type SignedInAuthObject } from './auth-object/auth-object.js';
import type { SignedInAuthObjectFor } from './auth-object/auth-object-for.js';
import type { MachineAuthObject } from './auth-object/machine-auth-object.js';
import { logKeySourceError } from './operator-log.js';
import { optionsFor } from './issuers/issuer-of.js';
import { checkAcceptsToken, isTokenTypeAccepted, type AcceptsToken } from './verification/token-class.js';
import { TokenVerifier, toAuthError } from './verification/token-verifier.js';

export type { AuthResult } from './auth-object/auth-object.js';

/** How long the boot waits for a revocation store's first sync. */
const REVOCATION_BOOT_WAIT_MS = 3000;

function boundedWait(promise: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise, elapsed]).finally(() => clearTimeout(timer));
}

/** Options of `AuthService.verifyToken()`. */
export interface VerifyTokenOptions<A extends AcceptsToken = AcceptsToken> {
  /** The classes of token accepted; default the `acceptsToken` of the token's issuer (several issuers), else the module's. */
  acceptsToken?: A;
}

/**
 * Verification for one AuthModule instance. Use it where there is no HTTP request: a WebSocket
 * handshake, a queue worker, a CLI.
 *
 * @example
 * const auth = await this.authService.verifyToken(token); // throws AuthError
 * console.log(auth.userId);
 */
@Injectable()
export class AuthService implements OnModuleInit, OnModuleDestroy {
  /** The verifier of this module instance: its keys and results are never shared with another. */
  readonly verifier: TokenVerifier;

  constructor(@Inject(AUTH_OPTIONS) readonly options: ResolvedAuthOptions) {
    const logger = new Logger('nestjs-warden');
    this.verifier = new TokenVerifier(options, undefined, options.clock, {
      keySourceEvents: { onKeySourceError: logKeySourceError },
      onOpaqueFailure: (message) => logger.warn(`${message}; requests with opaque tokens get 503 until it answers`),
      onRevocationFailure: (message) => logger.warn(`${message}; requests with a token get 503 revocation-unavailable until it answers`),
      onIssuerFailure: (message) => logger.warn(`${message}; tokens of issuers not yet known get 503 issuer-unavailable until it answers`),
    });
  }

  /**
   * Fetches remote keys at boot so the first requests do not wait for them. Never fails the boot:
   * with the issuer down, requests that carry a token get 503 until the keys can be fetched.
   */
  async onModuleInit(): Promise<void> {
    const store = this.options.revocation;
    await Promise.all([
      this.verifier.warmUp(),
      // A store that cannot sync yet answers 503 until it does; the boot waits a little, never fails.
      store?.ready && boundedWait(store.ready(), REVOCATION_BOOT_WAIT_MS),
    ]).catch(() => {
      // warmUp and ready never throw by contract; a custom one that does must not stop the app.
    });
  }

  /** Closes the revocation store's subscriptions and timers, and retires the issuers `resolveIssuer` answered for. */
  async onModuleDestroy(): Promise<void> {
    this.verifier.close();
    await this.options.revocation?.close?.();
  }

  /**
   * Verifies a token exactly as the guard does and returns the signed-in auth object of its class.
   * Throws {@link AuthError} when it is refused: a class `acceptsToken` (default: the issuer's, else the module's) does
   * not admit (`token-type-not-accepted`), or a pending session when `treatPendingAsSignedOut` is on.
   * Without options the result is typed as a session, the module's default class.
   *
   * @example
   * const machine = await authService.verifyToken(token, { acceptsToken: 'm2m_token' });
   * console.log(machine.machineId, machine.scopes);
   */
  async verifyToken<A extends AcceptsToken>(token: string, options: VerifyTokenOptions<A> & { acceptsToken: A }): Promise<SignedInAuthObjectFor<A>>;
  async verifyToken(token: string, options?: VerifyTokenOptions): Promise<SignedInAuthObject>;
  async verifyToken(token: string, options?: VerifyTokenOptions): Promise<SignedInAuthObject | MachineAuthObject> {
    const asked = options?.acceptsToken === undefined ? undefined : checkAcceptsToken(options.acceptsToken, 'verifyToken({ acceptsToken })');
    const { auth } = await this.verifier.verify(token);
    const accepts = asked ?? optionsFor(auth, this.options).acceptsToken;
    if (!isTokenTypeAccepted(auth.tokenType, accepts)) {
      throw new AuthError(AuthErrorReason.TokenTypeNotAccepted, 'the token is of a class that is not accepted');
    }
    return this.admit(auth);
  }

  /** Never throws: a missing or refused token gives the signed-out object and the reason. */
  async authenticate(token: string | null | undefined): Promise<AuthResult> {
    if (!token) return signedOutResult(new AuthError(AuthErrorReason.TokenMissing, 'no token'), false);
    try {
      const { auth } = await this.verifier.verify(token);
      return signedInResult(this.admit(auth));
    } catch (error) {
      return signedOutResult(toAuthError(error), true);
    }
  }

  /**
   * The result for a token the cache can answer at once, without an await (see
   * `TokenVerifier.verifyCached`); undefined otherwise, and then {@link authenticate} decides.
   */
  authenticateCached(token: string): AuthResult | undefined {
    let verified;
    try {
      verified = this.verifier.verifyCached(token);
    } catch (error) {
      // The revocation store refused the cached token, or cannot answer: decided without an await.
      return signedOutResult(toAuthError(error), true);
    }
    if (!verified || this.heldBack(verified.auth)) return undefined;
    return signedInResult(verified.auth);
  }

  /** A verified token, unless it is a pending session and that counts as signed out (then AuthError). */
  private admit<T extends SignedInAuthObject | MachineAuthObject>(auth: T): T {
    if (this.heldBack(auth)) throw new AuthError(AuthErrorReason.SessionPending, 'the session is pending');
    return auth;
  }

  /** `treatPendingAsSignedOut` concerns sessions only. */
  private heldBack(auth: SignedInAuthObject | MachineAuthObject): boolean {
    return auth.tokenType === 'session_token' && auth.sessionStatus === 'pending' && optionsFor(auth, this.options).treatPendingAsSignedOut === true;
  }
}
