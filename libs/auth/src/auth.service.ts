import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AuthError, AuthErrorReason } from './auth.errors.js';
import { AUTH_OPTIONS } from './auth.constants.js';
import type { ResolvedAuthOptions } from './auth.options.js';
import { signedOutAuthObject, type AuthObject, type SignedInAuthObject } from './auth-object.js';
import { createKeySource } from './verification/key-sources.js';
import { TokenVerifier, toAuthError } from './verification/token-verifier.js';

/** The outcome of authenticating one request: always an auth object, and why it is signed out. */
export interface AuthResult {
  auth: AuthObject;
  /** Null when signed in, or when no token was sent. */
  error: AuthError | null;
  /** Whether the request carried a token at all. */
  tokenPresent: boolean;
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
export class AuthService implements OnModuleInit {
  /** The verifier of this module instance: its keys and results are never shared with another. */
  readonly verifier: TokenVerifier;

  constructor(@Inject(AUTH_OPTIONS) readonly options: ResolvedAuthOptions) {
    this.verifier = new TokenVerifier(options, createKeySource(options), options.clock);
  }

  /**
   * Fetches remote keys at boot so the first requests do not wait for them. Never fails the boot:
   * with the issuer down, requests that carry a token get 503 until the keys can be fetched.
   */
  async onModuleInit(): Promise<void> {
    try {
      await this.verifier.keySource.warmUp?.();
    } catch {
      // warmUp never throws by contract; a custom key source that does must not stop the app.
    }
  }

  /**
   * Verifies a token exactly as the guard does and returns the signed-in auth object.
   * Throws {@link AuthError} when it is refused, also for a pending session when
   * `treatPendingAsSignedOut` is on.
   */
  async verifyToken(token: string): Promise<SignedInAuthObject> {
    return (await this.signIn(token)).auth as SignedInAuthObject;
  }

  /** Never throws: a missing or refused token gives the signed-out object and the reason. */
  async authenticate(token: string | null | undefined): Promise<AuthResult> {
    if (!token) {
      return { auth: signedOutAuthObject(), error: new AuthError(AuthErrorReason.TokenMissing, 'no token'), tokenPresent: false };
    }
    try {
      return await this.signIn(token);
    } catch (error) {
      return { auth: signedOutAuthObject(), error: toAuthError(error), tokenPresent: true };
    }
  }

  /** The signed-in result of a token; throws AuthError (also for a pending session when that counts as signed out). */
  private async signIn(token: string): Promise<AuthResult> {
    const { auth } = await this.verifier.verify(token);
    if (auth.sessionStatus === 'pending' && this.options.treatPendingAsSignedOut) {
      throw new AuthError(AuthErrorReason.SessionPending, 'the session is pending');
    }
    return { auth, error: null, tokenPresent: true };
  }
}
