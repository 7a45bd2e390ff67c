import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { SignedInAuthObject } from './auth-object/auth-object.js';
import type { SignedInAuthObjectFor } from './auth-object/auth-object-for.js';
import type { AuthResult } from './auth-object/auth-result.js';
import type { MachineAuthObject } from './auth-object/machine-auth-object.js';
import { AUTH_OPTIONS } from './auth.constants.js';
import { AuthError, AuthErrorReason } from './auth.errors.js';
import type { ResolvedAuthOptions } from './config/resolved-options.js';
import { logKeySourceError } from './operator-log.js';
import { admit } from './policy/admit.js';
import { checkAcceptsToken, type AcceptsToken } from './verification/token-class.js';
import type { TokenBinding } from './auth-object/token-binding.js';
import { SenderConstraints, type PresentedToken } from './verification/sender-constraints.js';
import { TokenVerifier } from './verification/token-verifier.js';
import { signedOutVerification, verifiedVerification, type TokenOrigin, type Verification } from './verification/verification.js';

export type { AuthResult } from './auth-object/auth-result.js';

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
 * Verification for one AuthModule instance: what the guard asks for every request, and the same
 * for code where there is no HTTP request (a WebSocket handshake, a queue worker, a CLI).
 *
 * @example
 * const auth = await this.authService.verifyToken(token); // throws AuthError
 * console.log(auth.userId);
 */
@Injectable()
export class AuthService implements OnModuleInit, OnModuleDestroy {
  /** The verifier of this module instance: its keys and results are never shared with another. */
  readonly verifier: TokenVerifier;
  /** Proofs of possession (DPoP, mTLS) of this module instance: its replay store and nonces. */
  readonly senderConstraints: SenderConstraints;

  constructor(@Inject(AUTH_OPTIONS) readonly options: ResolvedAuthOptions) {
    const logger = new Logger('nestjs-warden');
    this.verifier = new TokenVerifier(options, undefined, options.clock, {
      keySourceEvents: { onKeySourceError: logKeySourceError },
      onOpaqueFailure: (message) => logger.warn(`${message}; requests with opaque tokens get 503 until it answers`),
      onRevocationFailure: (message) => logger.warn(`${message}; requests with a token get 503 revocation-unavailable until it answers`),
      onIssuerFailure: (message) => logger.warn(`${message}; tokens of issuers not yet known get 503 issuer-unavailable until it answers`),
    });
    this.senderConstraints = new SenderConstraints(options.dpop, options.clock ?? Date.now);
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
    await Promise.all([this.options.revocation?.close?.(), this.options.dpop.replayStore.close?.()]);
  }

  /**
   * The guard's verification step: what one request's token is (see {@link Verification}), never
   * throwing. Synchronous when the verified-token cache answers. Whatever wraps this service's
   * methods (tracing proxies, APM agents) keeps that: the guard asks this method for every token.
   * Override it to see or replace every verification the guard makes, e.g. to count tokens; call
   * `super.verification()` to keep the cache.
   *
   * @example
   * class CountingAuthService extends AuthService {
   *   override verification(token: string | null, source: TokenOrigin | null) {
   *     metrics.count(source);
   *     return super.verification(token, source);
   *   }
   * }
   */
  verification(token: string | null, source: TokenOrigin | null = 'header'): Verification | Promise<Verification> {
    return this.verifier.authenticate(token, source);
  }

  /**
   * The guard's proof-of-possession step, after {@link verification}: a token bound to a DPoP key or
   * a client certificate counts only with its proof in this request (see `SenderConstraints`); the
   * verification comes back with how the token was presented, or signed out with the reason. Never
   * throws; synchronous for a token that is not bound, sent as `Bearer`.
   */
  checkProof(v: Verification, presented: PresentedToken): Verification | Promise<Verification> {
    return this.senderConstraints.check(v, presented);
  }

  /**
   * Checks a verification stored on a carrier again (a second guard, another GraphQL field, a
   * graphql-ws connection), exactly as far as a new request with its token would be. Never throws.
   */
  recheck(stored: Verification): Verification | Promise<Verification> {
    return this.verifier.recheck(stored);
  }

  /**
   * Verifies a token exactly as the guard does and returns the signed-in auth object of its class.
   * Throws {@link AuthError} when it is refused, with the guard's reason: a class `acceptsToken`
   * (default: the issuer's, else the module's) does not admit (`token-type-not-accepted`), an `azp`
   * not authorized, a pending session when `treatPendingAsSignedOut` is on. Without options the
   * result is typed as a session, the module's default class.
   *
   * @example
   * const machine = await authService.verifyToken(token, { acceptsToken: 'm2m_token' });
   * console.log(machine.machineId, machine.scopes);
   */
  async verifyToken<A extends AcceptsToken>(token: string, options: VerifyTokenOptions<A> & { acceptsToken: A }): Promise<SignedInAuthObjectFor<A>>;
  async verifyToken(token: string, options?: VerifyTokenOptions): Promise<SignedInAuthObject>;
  async verifyToken(token: string, options?: VerifyTokenOptions): Promise<SignedInAuthObject | MachineAuthObject> {
    const asked = options?.acceptsToken === undefined ? undefined : checkAcceptsToken(options.acceptsToken, 'verifyToken({ acceptsToken })');
    const verified = await this.verifier.verify(token);
    const unproven = unprovenBinding(verified.auth);
    if (unproven) throw unproven;
    // Stryker disable next-line BooleanLiteral: admit never reads cacheHit, and this verification is neither stored nor observed
    const { auth, error } = admit(verifiedVerification(verified, null, false), { acceptsToken: asked }, this.options.acceptsToken);
    // Stryker disable next-line StringLiteral: admit signs a verified token out only with an error, so this fallback is never built
    if (!auth.isAuthenticated) throw error ?? new AuthError(AuthErrorReason.TokenInvalid, 'the token was refused');
    return auth;
  }

  /**
   * Never throws: a missing or refused token gives the signed-out object and the reason. Any class
   * of token signs in; `azp` and pending sessions are decided as on every route.
   */
  async authenticate(token: string | null | undefined): Promise<AuthResult> {
    const v = await this.verifier.authenticate(token ?? null);
    const unproven = unprovenBinding(v.auth);
    return admit(unproven ? signedOutVerification(unproven, true, { token: v.token }) : v, { acceptsToken: 'any' }, 'any');
  }
}

/**
 * Outside a request there is no proof to check: a token bound to a DPoP key or a client certificate
 * is refused (`dpop-proof-missing`, `mtls-certificate-missing`) rather than used as a bearer token.
 */
function unprovenBinding(auth: object): AuthError | undefined {
  const binding = (auth as { binding?: TokenBinding }).binding;
  if (binding?.type === 'dpop') return new AuthError(AuthErrorReason.DpopProofMissing, 'a DPoP-bound token needs a proof of its request');
  if (binding) return new AuthError(AuthErrorReason.MtlsCertificateMissing, 'an mTLS-bound token needs its client certificate');
  return undefined;
}
