import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AuthError, AuthErrorReason } from './auth.errors.js';
import { AUTH_OPTIONS } from './auth.constants.js';
import type { ResolvedAuthOptions } from './auth.options.js';
import { signedInAuthObject, signedOutAuthObject, type AuthObject, type SignedInAuthObject } from './auth-object.js';
import { createKeySource } from './verification/key-sources.js';
import { TokenVerifier, toAuthError, type VerifiedToken } from './verification/token-verifier.js';

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
  /**
   * One frozen result per verification: a cache hit returns the same verification, so every request
   * with that token shares one auth object instead of building a new one.
   */
  private readonly signedIn = new WeakMap<VerifiedToken, AuthResult>();

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
    const verified = await this.verifier.verify(token);
    const known = this.signedIn.get(verified);
    if (known) return known;
    const { claims, fields } = verified;
    if (fields.sessionStatus === 'pending' && this.options.treatPendingAsSignedOut) {
      throw new AuthError(AuthErrorReason.SessionPending, 'the session is pending');
    }
    const auth = Object.freeze(signedInAuthObject(claims, fields, token, this.options.getTokenTemplate));
    const result: AuthResult = Object.freeze({ auth, error: null, tokenPresent: true });
    this.signedIn.set(verified, result);
    return result;
  }
}
