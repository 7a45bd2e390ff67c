import type { JWTPayload } from 'jose';
import type { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { TokenType } from '../verification/token-class.js';

/**
 * What `auth.debug()` returns: what the guard decided, for logs while setting things up. Nothing of
 * the token, a key or a secret, not even a prefix (Clerk's prints the first characters).
 *
 * @example
 * if (!auth.isAuthenticated) logger.debug(auth.debug()); // { reason: 'token-expired', tokenPresent: true, ... }
 */
export interface AuthDebugInfo {
  isAuthenticated: boolean;
  tokenType: TokenType;
  /** Whether the request carried a token at all. */
  tokenPresent: boolean;
  /** Why it is signed out (`'token-missing'`, `'token-expired'`, `'session-pending'`, …); null when signed in. */
  reason: AuthErrorReason | null;
  userId: string | null;
  sessionId: string | null;
  sessionStatus: 'active' | 'pending' | null;
  /** The verified `iss`; null when signed out. */
  issuer: string | null;
  /** The verified `exp` (seconds since the epoch); null when signed out. */
  expiresAt: number | null;
}

/** The debug info of a verified session. */
export function signedInDebugInfo(
  claims: JWTPayload,
  fields: { userId: string; sessionId: string | null; sessionStatus: 'active' | 'pending' | null },
): AuthDebugInfo {
  return {
    isAuthenticated: true,
    tokenType: 'session_token',
    tokenPresent: true,
    reason: null,
    userId: fields.userId,
    sessionId: fields.sessionId,
    sessionStatus: fields.sessionStatus,
    issuer: typeof claims.iss === 'string' ? claims.iss : null,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : null,
  };
}

/** The debug info of a signed-out session object. */
export function signedOutDebugInfo(error: AuthError | null, tokenPresent: boolean, sessionStatus: 'pending' | null): AuthDebugInfo {
  return {
    isAuthenticated: false,
    tokenType: 'session_token',
    tokenPresent,
    reason: error?.reason ?? null,
    userId: null,
    sessionId: null,
    sessionStatus,
    issuer: null,
    expiresAt: null,
  };
}
