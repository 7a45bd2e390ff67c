import { AuthConfigError } from './auth-config-error.js';
import { AUTH_DEFAULTS } from './auth-defaults.js';
import type { AuthModuleOptions } from './auth-options.js';
import { resolveBootChecks } from './boot-checks-option.js';
import { moduleClerkCookies } from './clerk-cookie-options.js';
import { resolveCurrentUserOptions } from './current-user-options.js';
import { checkKnownOptions } from './known-options.js';
import { resolveOpaqueTokenOptions } from './opaque-token-options.js';
import { booleanOption, cacheOption, numberOption, optionalString } from './option-checks.js';
import { resolveIssuers } from './resolve-issuers.js';
import type { ResolvedAuthOptions } from './resolved-options.js';
import type { RevocationStore } from '../revocation/revocation-store.js';
import { isRevocationDeclaration } from './revocation-option.js';
import { acceptsTokenOption } from './token-class-options.js';
import { resolveDecryption } from './decryption-options.js';
import { resolveDpop, resolveMtls, senderConstraintMode } from './sender-constraint-options.js';

export { AUTH_DEFAULTS } from './auth-defaults.js';
export type { IssuerConfig, ResolvedAuthOptions, ResolvedIssuers } from './resolved-options.js';

/**
 * Validates options and applies defaults: the module's own settings and, as
 * {@link ResolvedAuthOptions.issuers}, the issuers it trusts. Throws {@link AuthConfigError} naming
 * the first bad option. Key material itself (PEM parsing, key sizes) is checked when the key source
 * is built.
 *
 * @example
 * const options = resolveAuthOptions({ jwksUrl, issuer, audience });
 */
export function resolveAuthOptions(options: AuthModuleOptions | undefined | null): ResolvedAuthOptions {
  if (!options || typeof options !== 'object') {
    throw new AuthConfigError('options', 'expected an object with a key source (jwksUrl, jwks, jwtKey or secret)');
  }
  checkKnownOptions(options);
  const issuers = resolveIssuers(options);

  const maxTokenBytes = numberOption(options, 'maxTokenBytes', AUTH_DEFAULTS.maxTokenBytes, 1);
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
  if (isRevocationDeclaration(store)) {
    // AuthModule builds declared stores before it resolves; a direct call gets a store or nothing.
    throw new AuthConfigError(
      'revocation',
      'a { memory } or { redis } declaration is built by AuthModule: outside it, pass a store (memoryRevocationStore(), redisRevocationStore())',
    );
  }
  if (store !== undefined && (store === null || typeof store !== 'object' || typeof store.isRevoked !== 'function' || typeof store.revoke !== 'function')) {
    throw new AuthConfigError('revocation', 'expected { redis: { url } }, { memory: true } or a revocation store ({ revoke(), isRevoked() })');
  }
  for (const fn of ['isRevoked', 'clock'] as const) {
    if (options[fn] !== undefined && typeof options[fn] !== 'function') {
      throw new AuthConfigError(fn, 'expected a function');
    }
  }

  // The module's own modes: its only issuer's, or the default every entry inherits.
  const single = issuers.single ? issuers.entries[0] : undefined;
  // Stryker disable next-line StringLiteral: never throws; resolveIssuers checked options.dpop as the defaults entries inherit, naming it 'dpop'.
  const dpop = single?.dpop ?? senderConstraintMode(options.dpop, 'dpop') ?? 'off';
  // Stryker disable next-line StringLiteral: never throws; resolveIssuers checked options.mtls as the defaults entries inherit, naming it 'mtls'.
  const mtls = single?.mtls ?? senderConstraintMode(options.mtls, 'mtls') ?? 'off';

  return {
    issuers,
    acceptsToken: issuers.single ? issuers.entries[0].acceptsToken : acceptsTokenOption(options.acceptsToken, options.typ),
    maxTokenBytes,
    tokenSources: [...tokenSources],
    headerName: (optionalString(options, 'headerName') ?? AUTH_DEFAULTS.headerName).toLowerCase(),
    cookieName: optionalString(options, 'cookieName') ?? AUTH_DEFAULTS.cookieName,
    clerkCookies: moduleClerkCookies(issuers.entries, issuers.resolve !== undefined),
    rpcTokenField: optionalString(options, 'rpcTokenField') ?? AUTH_DEFAULTS.rpcTokenField,
    defaultPolicy,
    realm: optionalString(options, 'realm') ?? AUTH_DEFAULTS.realm,
    debug: booleanOption(options, 'debug', false),
    clock: options.clock,
    cache: cacheOption(options.cache),
    opaque: resolveOpaqueTokenOptions(options),
    isRevoked: options.isRevoked,
    revocationTimeoutInMs: numberOption(options, 'revocationTimeoutInMs', AUTH_DEFAULTS.revocationTimeoutInMs, 1),
    revocation: (store ?? undefined) as RevocationStore | undefined,
    bootChecks: resolveBootChecks(options.bootChecks),
    currentUser: resolveCurrentUserOptions(options.loadUser, options.currentUser),
    metrics: options.metrics,
    onAuthenticated: options.onAuthenticated,
    onRefused: options.onRefused,
    dpop: resolveDpop(options.dpopProof, dpop),
    mtls: resolveMtls(options.clientCertificate, mtls),
    decryption: resolveDecryption(options.decryption),
  };
}
