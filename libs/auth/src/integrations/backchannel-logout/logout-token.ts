import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../../auth.errors.js';
import type { IssuerConfig } from '../../config/resolved-options.js';
import { unverifiedIssuer } from '../../issuers/unverified-issuer.js';
import type { RevocationTarget } from '../../revocation/revocation-store.js';
import { toAuthError } from '../../verification/jose-errors.js';
import type { KeySource } from '../../verification/key-sources.js';
import { jwtVerifyNoticingReplacedKeys } from '../../verification/replaced-key-retry.js';
import { checkTimeWindow, joseClockTolerance, refusedFrom } from '../../verification/time-window.js';
import { keyResolver } from '../../verification/token-header.js';

/** The `events` member that makes a JWT a logout token (OpenID Connect Back-Channel Logout 1.0, section 2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** The most bytes a logout token may have: a logout token is small. */
const MAX_LOGOUT_TOKEN_BYTES = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Longest `sid`, `sub` or `jti` a revocation takes. */
const MAX_ID_LENGTH = 512;

/** A verified logout token: who ended which session, and what is revoked for it. */
export interface BackchannelLogoutEvent {
  /** The issuer that ended the session. */
  iss: string;
  /** The session that ended, when the token names one. */
  sid?: string;
  /** The user whose session (or, without `sid`, every session) ended, when the token names one. */
  sub?: string;
  /** The token's id: accepted once. */
  jti: string;
  /** When the provider issued the token (epoch seconds). */
  iat: number;
  /** What was revoked: the session by issuer and `sid`, or every session of the user by issuer and `sub` (no `sid`, or `revokeBy: 'sub'`). */
  revoked: RevocationTarget;
  /** Until when the token could be accepted (epoch seconds): how long its `jti` must be remembered. */
  acceptableUntil: number;
}

/** A logout token was refused: the `error_description` of the 400 (a fixed text, never the token's content). */
export class LogoutTokenError extends Error {
  override readonly name = 'LogoutTokenError';
}

/** What verifying a logout token needs: the trusted issuers, the keys of one, the rules. */
export interface LogoutTokenRules {
  /** Issuers allowed to send logout tokens (exact `iss`). */
  issuers: readonly string[];
  /** The issuer entry and key source that verify tokens of `iss` (the AuthModule's). */
  verifierFor(iss: string): { options: IssuerConfig; keySource: KeySource } | Promise<{ options: IssuerConfig; keySource: KeySource }>;
  audience: readonly string[];
  requireLogoutTyp: boolean;
  /** What a token naming both a session and a user ends: the session (`'sid'`), or every session of the user (`'sub'`). */
  revokeBy: 'sid' | 'sub';
  maxTokenAgeInSeconds: number;
  clock: () => number;
}

/**
 * Verifies a logout token as Back-Channel Logout 1.0 (section 2.6) asks: a compact JWS (an encrypted
 * token is refused) of a trusted issuer, signed with that issuer's keys and algorithms, for one of our
 * client ids (`aud`), `typ: logout+jwt` (or, unless required, `JWT` or none), `iat` within the window
 * and `exp` not passed, a `jti`, the back-channel logout event in `events`, no `nonce` (an ID token is
 * not a logout token), and `sid` and/or `sub`. Replays (`jti`) are the caller's to refuse. Throws
 * {@link LogoutTokenError} for a token that is refused, {@link AuthError} `keys-unavailable` /
 * `issuer-unavailable` when its issuer's keys cannot be had now.
 */
export async function verifyLogoutToken(token: unknown, rules: LogoutTokenRules): Promise<BackchannelLogoutEvent> {
  if (typeof token !== 'string' || token === '') throw new LogoutTokenError('missing logout_token');
  if (token.length > MAX_LOGOUT_TOKEN_BYTES) throw new LogoutTokenError('the logout token is too large');
  if (token.split('.').length === 5) throw new LogoutTokenError('encrypted logout tokens are not accepted');
  if (!COMPACT_JWS.test(token)) throw new LogoutTokenError('the logout token is not a signed JWT');
  let iss: string;
  try {
    iss = unverifiedIssuer(token);
  } catch {
    throw new LogoutTokenError('the logout token names no issuer');
  }
  if (!rules.issuers.includes(iss)) throw new LogoutTokenError('the logout token is not from a trusted issuer');
  const { options, keySource } = await selected(rules, iss);
  // A module with one issuer answers with it whatever the token says: its `issuer` must name this one.
  if (!options.issuer?.includes(iss)) throw new LogoutTokenError('the logout token is not from a trusted issuer');
  const now = rules.clock();
  let claims: JWTPayload;
  let typ: unknown;
  try {
    const verified = await jwtVerifyNoticingReplacedKeys(
      token,
      keyResolver(keySource.key, keySource.algorithms),
      {
        algorithms: [...keySource.algorithms],
        issuer: iss,
        audience: [...rules.audience],
        requiredClaims: ['iat', 'exp', 'jti', 'events'],
        clockTolerance: joseClockTolerance(options.clockSkewInMs),
        currentDate: new Date(now),
      },
      keySource,
    );
    claims = verified.payload;
    typ = verified.protectedHeader.typ;
    checkTimeWindow(claims, now, { clockSkewInMs: options.clockSkewInMs, maxTokenAgeInMs: rules.maxTokenAgeInSeconds * 1000 });
  } catch (error) {
    const reason = toAuthError(error);
    if (reason.reason === AuthErrorReason.KeysUnavailable || reason.reason === AuthErrorReason.IssuerUnavailable) throw reason;
    throw new LogoutTokenError(`the logout token is invalid (${reason.reason})`);
  }
  checkTyp(typ, rules.requireLogoutTyp);
  return logoutEvent(iss, claims, options.clockSkewInMs, rules.revokeBy);
}

async function selected(rules: LogoutTokenRules, iss: string): Promise<{ options: IssuerConfig; keySource: KeySource }> {
  try {
    return await rules.verifierFor(iss);
  } catch (error) {
    if (error instanceof AuthError && error.reason === AuthErrorReason.IssuerUnavailable) throw error;
    throw new LogoutTokenError('the logout token is not from a trusted issuer');
  }
}

/** `typ` compares case-insensitively, with or without `application/` (RFC 8725 section 3.11). */
function checkTyp(typ: unknown, required: boolean): void {
  const media = typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : typ;
  if (media === 'logout+jwt') return;
  if (!required && (media === undefined || media === 'jwt')) return;
  throw new LogoutTokenError(required ? 'the logout token must be typed logout+jwt' : 'the logout token is typed for another use');
}

function logoutEvent(iss: string, claims: JWTPayload, skewMs: number, revokeBy: 'sid' | 'sub'): BackchannelLogoutEvent {
  const events = claims.events;
  if (events === null || typeof events !== 'object' || Array.isArray(events)) throw new LogoutTokenError('events is not an object');
  const event = (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT];
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new LogoutTokenError('the token carries no back-channel logout event');
  if ('nonce' in claims) throw new LogoutTokenError('a logout token carries no nonce');
  const sid = id(claims, 'sid');
  const sub = id(claims, 'sub');
  const jti = id(claims, 'jti');
  // Stryker disable next-line StringLiteral: unreachable message: jose's requiredClaims refuses a token without jti first.
  if (jti === undefined) throw new LogoutTokenError('jti is missing');
  if (sid === undefined && sub === undefined) throw new LogoutTokenError('the logout token names neither sid nor sub');
  const bySession = sid !== undefined && (revokeBy === 'sid' || sub === undefined);
  const revoked: RevocationTarget = bySession ? { iss, sid } : { iss, sub };
  const acceptableUntil = Math.ceil(refusedFrom(claims, { clockSkewInMs: skewMs }) / 1000);
  return { iss, ...(sid !== undefined ? { sid } : {}), ...(sub !== undefined ? { sub } : {}), jti, iat: claims.iat as number, revoked, acceptableUntil };
}

/** A claim that names something: absent, or a non-empty string a revocation can hold. */
function id(claims: JWTPayload, name: 'sid' | 'sub' | 'jti'): string | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > MAX_ID_LENGTH) throw new LogoutTokenError(`${name} is not a usable id`);
  return value;
}
