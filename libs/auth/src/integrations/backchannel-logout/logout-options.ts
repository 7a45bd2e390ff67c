import { AuthConfigError } from '../../config/auth-config-error.js';
import { checkKeys } from '../../config/check-keys.js';
import type { ResolvedAuthOptions } from '../../config/resolved-options.js';
import type { RevocationStore } from '../../revocation/revocation-store.js';

/** Options of `BackchannelLogoutModule.forRoot()`. */
export interface BackchannelLogoutOptions {
  /**
   * The client id (or ids) the OpenID provider registered this logout endpoint for: a logout token's
   * `aud` must name one of them. Required.
   */
  audience: string | string[];
  /**
   * The issuers allowed to end sessions here, each exactly as its tokens' `iss`; each must be an issuer
   * of the AuthModule, whose keys and algorithms verify its logout tokens. Default: every issuer the
   * AuthModule names (its `issuer`, or the `issuer` of each entry of `issuers`).
   */
  issuers?: string[];
  /**
   * The token header must say `typ: logout+jwt` (providers that send it: oidc-provider, Keycloak 24+,
   * ...): a token minted for anything else can never pass. Default false: `logout+jwt`, `JWT` or no
   * `typ`; any other `typ` (`at+jwt`, ...) is refused either way.
   */
  requireLogoutTyp?: boolean;
  /**
   * What a logout token naming both a session and a user ends: `'sid'` (default) the session, `'sub'`
   * every session of the user. Use `'sub'` when the API's access tokens carry no `sid` claim (the
   * session revocation could not match them); a token naming only one of them ends that one.
   */
  revokeBy?: 'sid' | 'sub';
  /** A logout token whose `iat` is older than this many seconds is refused (beyond the issuer's clock skew). Default 120. */
  maxTokenAgeInSeconds?: number;
  /**
   * Where sessions are revoked. Default: the AuthModule's `revocation` store; without one the boot
   * stops (logouts would be acknowledged and revoke nothing). Share it between replicas (Redis) so
   * one logout ends the session everywhere.
   */
  revocation?: RevocationStore;
}

/** The options after checks and defaults. */
export interface ResolvedBackchannelLogoutOptions {
  audience: string[];
  issuers: string[] | undefined;
  requireLogoutTyp: boolean;
  revokeBy: 'sid' | 'sub';
  maxTokenAgeInSeconds: number;
  revocation: RevocationStore | undefined;
}

/** Injection token of the resolved options. */
export const BACKCHANNEL_LOGOUT_OPTIONS = Symbol.for('nestjs-warden:backchannel-logout-options');

/** Default `maxTokenAgeInSeconds`. */
export const DEFAULT_LOGOUT_TOKEN_AGE_SECONDS = 120;

const KNOWN = ['audience', 'issuers', 'requireLogoutTyp', 'revokeBy', 'maxTokenAgeInSeconds', 'revocation'];

/** Checks the options at boot; throws {@link AuthConfigError} naming the option. */
export function resolveBackchannelLogoutOptions(options: BackchannelLogoutOptions): ResolvedBackchannelLogoutOptions {
  if (!options || typeof options !== 'object') throw new AuthConfigError('BackchannelLogoutModule', 'expected { audience }');
  checkKeys(options, KNOWN, '');
  const { audience, issuers, requireLogoutTyp = false, revokeBy = 'sid', maxTokenAgeInSeconds = DEFAULT_LOGOUT_TOKEN_AGE_SECONDS, revocation } = options;
  const audiences = typeof audience === 'string' ? [audience] : audience;
  if (!Array.isArray(audiences) || audiences.length === 0 || audiences.some((a) => typeof a !== 'string' || a === '')) {
    throw new AuthConfigError('audience', 'expected the client id (or ids) the provider sends logout tokens for');
  }
  if (issuers !== undefined && (!Array.isArray(issuers) || issuers.length === 0 || issuers.some((i) => typeof i !== 'string' || i === ''))) {
    throw new AuthConfigError('issuers', 'expected a non-empty list of issuers (exact iss values)');
  }
  if (typeof requireLogoutTyp !== 'boolean') throw new AuthConfigError('requireLogoutTyp', 'expected true or false');
  if (revokeBy !== 'sid' && revokeBy !== 'sub') throw new AuthConfigError('revokeBy', "expected 'sid' or 'sub'");
  // Stryker disable next-line ConditionalExpression: (the `typeof` test) Number.isFinite is false for anything but a number, so the second test alone refuses the same values; the line's other `false` mutants are killed
  if (typeof maxTokenAgeInSeconds !== 'number' || !Number.isFinite(maxTokenAgeInSeconds) || maxTokenAgeInSeconds <= 0) {
    throw new AuthConfigError('maxTokenAgeInSeconds', 'expected a positive number of seconds');
  }
  if (revocation !== undefined && (typeof revocation !== 'object' || typeof revocation?.revoke !== 'function' || typeof revocation.isRevoked !== 'function')) {
    throw new AuthConfigError('revocation', 'expected a revocation store');
  }
  return { audience: [...audiences], issuers: issuers && [...issuers], requireLogoutTyp, revokeBy, maxTokenAgeInSeconds, revocation };
}

/**
 * The issuers whose logout tokens are accepted: the module's `issuers`, each of which the AuthModule
 * must trust (an entry, or `resolveIssuer`), else every issuer its entries name. Throws
 * {@link AuthConfigError} at boot when there is none, or one the AuthModule does not know.
 */
export function logoutIssuers(options: ResolvedBackchannelLogoutOptions, auth: ResolvedAuthOptions): string[] {
  const named = auth.issuers.entries.flatMap((entry) => entry.issuer ?? []);
  if (options.issuers === undefined) {
    if (named.length === 0) {
      throw new AuthConfigError('issuers', 'the AuthModule names no issuer (its `issuer` option): say which issuers may send logout tokens');
    }
    return named;
  }
  const unknown = auth.issuers.resolve ? undefined : options.issuers.find((iss) => !named.includes(iss));
  if (unknown !== undefined) throw new AuthConfigError('issuers', 'names an issuer the AuthModule does not trust: logout tokens are verified with its keys');
  return options.issuers;
}
