import { AuthConfigError } from './auth-config-error.js';
import type { AuthModuleOptions, AuthPolicyMode, TokenSource } from './auth.options.js';
import { resolveBootChecks, type BootChecksOptions } from './boot-checks/boot-checks-option.js';
import { checkKnownOptions } from './boot-checks/known-options.js';
import { resolveIssuers, type ResolvedIssuers } from './issuers/resolve-issuers.js';
import { checkKeySource } from './key-material-checks.js';
import { resolveOpaqueTokenOptions, type ResolvedOpaqueTokens } from './opaque-token-options.js';
import { booleanOption, cacheOption, numberOption, optionalString, scopeClaimOption, stringList } from './option-checks.js';
import type { RevocationStore } from './revocation/revocation-store.js';
import { acceptsTokenOption } from './token-class-options.js';
import type { AcceptsToken } from './verification/token-class.js';
import type { VerifiedTokenCacheOptions } from './verification/verified-token-cache.js';

/** Defaults applied by {@link resolveAuthOptions}. */
export const AUTH_DEFAULTS = {
  clockSkewInMs: 5000,
  maxTokenBytes: 8192,
  tokenSources: ['header', 'cookie'] as TokenSource[],
  headerName: 'authorization',
  cookieName: '__session',
  rpcTokenField: 'authorization',
  defaultPolicy: 'required' as AuthPolicyMode,
  treatPendingAsSignedOut: true,
  realm: 'api',
  jwksTimeoutInMs: 5000,
  jwksCooldownInMs: 30000,
  jwksCacheMaxAgeInMs: 600000,
  jwksMaxBytes: 512 * 1024,
  jwksStaleIfErrorInMs: 3600000,
  revocationTimeoutInMs: 2000,
} as const;

/** Options after validation and defaults: what the verifier and the guard read. */
export interface ResolvedAuthOptions
  extends Omit<AuthModuleOptions, 'issuer' | 'audience' | 'cache' | 'bootChecks' | 'issuers' | keyof typeof AUTH_DEFAULTS> {
  issuer: string[] | undefined;
  audience: string[] | undefined;
  clockSkewInMs: number;
  maxTokenBytes: number;
  tokenSources: readonly TokenSource[];
  headerName: string;
  cookieName: string;
  rpcTokenField: string;
  defaultPolicy: AuthPolicyMode;
  treatPendingAsSignedOut: boolean;
  realm: string;
  jwksTimeoutInMs: number;
  jwksCooldownInMs: number;
  jwksCacheMaxAgeInMs: number;
  jwksMaxBytes: number;
  jwksStaleIfErrorInMs: number;
  revocationTimeoutInMs: number;
  requiredClaims: string[];
  acceptsToken: AcceptsToken;
  /** `false` when off, else the cache bounds. */
  cache: false | Required<VerifiedTokenCacheOptions>;
  /** Who verifies opaque tokens and how; undefined when they are refused. */
  opaque: ResolvedOpaqueTokens | undefined;
  bootChecks: Required<BootChecksOptions>;
  /** Several issuers (`issuers`, `resolveIssuer`); undefined for one. */
  issuers: ResolvedIssuers | undefined;
  /**
   * Key material is fetched from public internet addresses only: set on the issuers `resolveIssuer`
   * answers for, under `resolveIssuerAddresses: 'public'`.
   */
  publicAddressesOnly?: boolean;
}

/**
 * Validates options and applies defaults. Throws {@link AuthConfigError} naming the first bad option.
 * Key material itself (PEM parsing, key sizes) is checked when the key source is built.
 */
export function resolveAuthOptions(options: AuthModuleOptions | undefined | null): ResolvedAuthOptions {
  if (!options || typeof options !== 'object') {
    throw new AuthConfigError('options', 'expected an object with a key source (jwksUrl, jwks, jwtKey or secret)');
  }
  checkKnownOptions(options);
  const issuers = resolveIssuers(options, resolveAuthOptions);
  if (!issuers) checkKeySource(options);

  const clockSkewInMs = numberOption(options, 'clockSkewInMs', AUTH_DEFAULTS.clockSkewInMs, 0);
  const maxTokenBytes = numberOption(options, 'maxTokenBytes', AUTH_DEFAULTS.maxTokenBytes, 1);
  if (options.maxTokenAgeInMs !== undefined) numberOption(options, 'maxTokenAgeInMs', 0, 1);
  const tokenSources = options.tokenSources ?? AUTH_DEFAULTS.tokenSources;
  if (
    !Array.isArray(tokenSources) ||
    tokenSources.length === 0 ||
    tokenSources.some((s) => s !== 'header' && s !== 'cookie') ||
    new Set(tokenSources).size !== tokenSources.length
  ) {
    throw new AuthConfigError('tokenSources', "expected a non-empty list of 'header' and/or 'cookie'");
  }
  const defaultPolicy = options.defaultPolicy ?? AUTH_DEFAULTS.defaultPolicy;
  if (defaultPolicy !== 'required' && defaultPolicy !== 'optional') {
    throw new AuthConfigError('defaultPolicy', "expected 'required' or 'optional'");
  }
  const store = options.revocation as Partial<RevocationStore> | undefined | null;
  if (store !== undefined && (store === null || typeof store !== 'object' || typeof store.isRevoked !== 'function' || typeof store.revoke !== 'function')) {
    throw new AuthConfigError('revocation', 'expected a revocation store ({ revoke(), isRevoked() }), e.g. memoryRevocationStore()');
  }
  for (const fn of ['getTokenTemplate', 'isRevoked', 'clock', 'checkClaims', 'authorization', 'classifyToken'] as const) {
    if (options[fn] !== undefined && typeof options[fn] !== 'function') {
      throw new AuthConfigError(fn, 'expected a function');
    }
  }

  return {
    ...options,
    issuer: stringList(options, 'issuer'),
    audience: stringList(options, 'audience'),
    authorizedParties: stringList(options, 'authorizedParties'),
    algorithms: stringList(options, 'algorithms'),
    requiredClaims: [...new Set(['exp', 'sub', ...(stringList(options, 'requiredClaims') ?? [])])],
    typ: optionalString(options, 'typ'),
    scopeClaim: scopeClaimOption(options),
    acceptsToken: acceptsTokenOption(options.acceptsToken, options.typ),
    clockSkewInMs,
    maxTokenBytes,
    tokenSources: [...tokenSources],
    headerName: (optionalString(options, 'headerName') ?? AUTH_DEFAULTS.headerName).toLowerCase(),
    cookieName: optionalString(options, 'cookieName') ?? AUTH_DEFAULTS.cookieName,
    rpcTokenField: optionalString(options, 'rpcTokenField') ?? AUTH_DEFAULTS.rpcTokenField,
    defaultPolicy,
    treatPendingAsSignedOut: booleanOption(options, 'treatPendingAsSignedOut', AUTH_DEFAULTS.treatPendingAsSignedOut),
    debug: booleanOption(options, 'debug', false),
    realm: optionalString(options, 'realm') ?? AUTH_DEFAULTS.realm,
    jwksTimeoutInMs: numberOption(options, 'jwksTimeoutInMs', AUTH_DEFAULTS.jwksTimeoutInMs, 1),
    jwksCooldownInMs: numberOption(options, 'jwksCooldownInMs', AUTH_DEFAULTS.jwksCooldownInMs, 0),
    jwksCacheMaxAgeInMs: numberOption(options, 'jwksCacheMaxAgeInMs', AUTH_DEFAULTS.jwksCacheMaxAgeInMs, 0),
    jwksMaxBytes: numberOption(options, 'jwksMaxBytes', AUTH_DEFAULTS.jwksMaxBytes, 1024),
    jwksStaleIfErrorInMs: numberOption(options, 'jwksStaleIfErrorInMs', AUTH_DEFAULTS.jwksStaleIfErrorInMs, 0),
    revocationTimeoutInMs: numberOption(options, 'revocationTimeoutInMs', AUTH_DEFAULTS.revocationTimeoutInMs, 1),
    cache: cacheOption(options.cache),
    opaque: resolveOpaqueTokenOptions(options),
    bootChecks: resolveBootChecks(options.bootChecks),
    issuers,
  };
}
