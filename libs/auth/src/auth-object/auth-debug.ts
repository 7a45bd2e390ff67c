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
  /** The user the token speaks for (a session's `sub`, an OAuth token's user, an API key's owner); null for M2M. */
  userId: string | null;
  sessionId: string | null;
  sessionStatus: 'active' | 'pending' | null;
  /** The verified `iss`; null when signed out. */
  issuer: string | null;
  /** The verified `exp` (seconds since the epoch); null when signed out. */
  expiresAt: number | null;
}

/** The debug info of a verified token (a session, or a machine with `sessionId`/`sessionStatus` null). */
export function signedInDebugInfo(
  claims: JWTPayload,
  fields: { userId: string | null; sessionId: string | null; sessionStatus: 'active' | 'pending' | null },
  tokenType: TokenType = 'session_token',
): AuthDebugInfo {
  return {
    isAuthenticated: true,
    tokenType,
    tokenPresent: true,
    reason: null,
    userId: fields.userId,
    sessionId: fields.sessionId,
    sessionStatus: fields.sessionStatus,
    issuer: typeof claims.iss === 'string' ? claims.iss : null,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : null,
  };
}

/** The debug info of a signed-out object (a session's, or a route's that accepts one machine class). */
export function signedOutDebugInfo(
  error: AuthError | null,
  tokenPresent: boolean,
  sessionStatus: 'pending' | null,
  tokenType: TokenType = 'session_token',
): AuthDebugInfo {
  return {
    isAuthenticated: false,
    tokenType,
    tokenPresent,
    reason: error?.reason ?? null,
    userId: null,
    sessionId: null,
    sessionStatus,
    issuer: null,
    expiresAt: null,
  };
}
