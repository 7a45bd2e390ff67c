import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_DEFAULTS } from './auth-defaults.js';
import { AuthConfigError } from './auth-config-error.js';
import { clerkCookiesOption } from './clerk-cookie-options.js';
import { checkKeySource } from './key-material-checks.js';
import { booleanOption, numberOption, optionalString, scopeClaimOption, stringList } from './option-checks.js';
import type { IssuerConfig } from './resolved-options.js';
import { acceptsTokenOption } from './token-class-options.js';
import { senderConstraintMode } from './sender-constraint-options.js';

/** The options of one issuer that must be functions when set. */
const FUNCTION_OPTIONS = ['getTokenTemplate', 'checkClaims', 'authorization', 'classifyToken'] as const;

/**
 * Validates the options of one issuer and applies defaults: its key source (exactly one, of the
 * right kind), `issuer`, `audience`, `authorizedParties`, `algorithms`, `typ`, time rules, classes and
 * hooks. Only issuer options are read; module-wide ones are ignored here. Throws
 * {@link AuthConfigError} naming the option (the caller adds the entry's label, e.g. `issuers[1].`).
 *
 * `keySource: false` checks the rules only, for the defaults every entry inherits.
 *
 * @example
 * const entry = resolveIssuerConfig({ jwksUrl, issuer, audience }, '');
 */
export function resolveIssuerConfig(options: AuthModuleOptions, label: string, keySource = true): IssuerConfig {
  if (keySource) checkKeySource(options);
  const clockSkewInMs = numberOption(options, 'clockSkewInMs', AUTH_DEFAULTS.clockSkewInMs, 0);
  const maxTokenAgeInMs = options.maxTokenAgeInMs === undefined ? undefined : numberOption(options, 'maxTokenAgeInMs', 0, 1);
  for (const fn of FUNCTION_OPTIONS) {
    if (options[fn] !== undefined && typeof options[fn] !== 'function') throw new AuthConfigError(fn, 'expected a function');
  }
  return {
    label,
    ...(keySource ? { jwksUrl: options.jwksUrl, jwks: options.jwks, jwtKey: options.jwtKey, secret: options.secret } : {}),
    issuer: stringList(options, 'issuer'),
    audience: stringList(options, 'audience'),
    authorizedParties: stringList(options, 'authorizedParties'),
    algorithms: stringList(options, 'algorithms'),
    requiredClaims: [...new Set(['exp', 'sub', ...(stringList(options, 'requiredClaims') ?? [])])],
    typ: optionalString(options, 'typ'),
    acceptsToken: acceptsTokenOption(options.acceptsToken, options.typ),
    classifyToken: options.classifyToken,
    scopeClaim: scopeClaimOption(options),
    clockSkewInMs,
    maxTokenAgeInMs,
    treatPendingAsSignedOut: booleanOption(options, 'treatPendingAsSignedOut', AUTH_DEFAULTS.treatPendingAsSignedOut),
    clerkCookies: clerkCookiesOption(options.clerkCookies),
    getTokenTemplate: options.getTokenTemplate,
    checkClaims: options.checkClaims,
    authorization: options.authorization,
    jwksTimeoutInMs: numberOption(options, 'jwksTimeoutInMs', AUTH_DEFAULTS.jwksTimeoutInMs, 1),
    jwksCooldownInMs: numberOption(options, 'jwksCooldownInMs', AUTH_DEFAULTS.jwksCooldownInMs, 0),
    jwksCacheMaxAgeInMs: numberOption(options, 'jwksCacheMaxAgeInMs', AUTH_DEFAULTS.jwksCacheMaxAgeInMs, 0),
    jwksMaxBytes: numberOption(options, 'jwksMaxBytes', AUTH_DEFAULTS.jwksMaxBytes, 1024),
    jwksStaleIfErrorInMs: numberOption(options, 'jwksStaleIfErrorInMs', AUTH_DEFAULTS.jwksStaleIfErrorInMs, 0),
    dpop: senderConstraintMode(options.dpop, 'dpop') ?? 'off',
    mtls: senderConstraintMode(options.mtls, 'mtls') ?? 'off',
  };
}
