import type { AuthModuleOptions } from './auth-options.js';
import type { VerifiedTokenCacheOptions } from '../verification/verified-token-cache.js';
import { checkKeys } from './check-keys.js';

export { checkKeys } from './check-keys.js';

// Every option of AuthModuleOptions, as a record the compiler keeps complete: an option added to
// the interface without an entry here is a type error, so a new option can never be refused as
// "unknown" (nor a removed one kept as known).
const KNOWN_OPTIONS: Record<keyof AuthModuleOptions, true> = {
  jwksUrl: true,
  jwks: true,
  jwtKey: true,
  secret: true,
  issuer: true,
  audience: true,
  authorizedParties: true,
  algorithms: true,
  typ: true,
  clockSkewInMs: true,
  maxTokenAgeInMs: true,
  requiredClaims: true,
  maxTokenBytes: true,
  tokenSources: true,
  headerName: true,
  cookieName: true,
  rpcTokenField: true,
  defaultPolicy: true,
  treatPendingAsSignedOut: true,
  clerkCookies: true,
  realm: true,
  getTokenTemplate: true,
  checkClaims: true,
  authorization: true,
  isRevoked: true,
  debug: true,
  clock: true,
  cache: true,
  jwksTimeoutInMs: true,
  jwksCooldownInMs: true,
  jwksCacheMaxAgeInMs: true,
  jwksMaxBytes: true,
  jwksStaleIfErrorInMs: true,
  acceptsToken: true,
  classifyToken: true,
  scopeClaim: true,
  introspection: true,
  verifyOpaqueToken: true,
  opaqueTokens: true,
  revocation: true,
  revocationTimeoutInMs: true,
  bootChecks: true,
  metrics: true,
  onAuthenticated: true,
  onRefused: true,
  issuers: true,
  resolveIssuer: true,
  maxIssuers: true,
  resolveIssuerTtlInMs: true,
  resolveIssuerMaxCalls: true,
  resolveIssuerTimeoutInMs: true,
  resolveIssuerAddresses: true,
  dpop: true,
  mtls: true,
  dpopProof: true,
  clientCertificate: true,
  decryption: true,
  loadUser: true,
  currentUser: true,
};

/** The settings of the `cache` option, kept complete the same way. */
const KNOWN_CACHE_SETTINGS: Record<keyof VerifiedTokenCacheOptions, true> = {
  maxEntries: true,
  maxBytes: true,
};

/** The names of every module option, for messages and docs. */
export const AUTH_OPTION_NAMES: readonly string[] = Object.keys(KNOWN_OPTIONS);

/**
 * Refuses option keys that are not options: a misspelled option (`audiences`) is otherwise
 * ignored, and the check it was meant to turn on is silently off. Names every unknown key with the
 * closest known option. Keys are checked whatever their value, `undefined` included.
 */
export function checkKnownOptions(options: object): void {
  checkKeys(options, AUTH_OPTION_NAMES, '');
}

/** The same for a nested option object, e.g. `cache`: the error names `cache.<key>`. */
export function checkKnownCacheSettings(cache: object): void {
  checkKeys(cache, Object.keys(KNOWN_CACHE_SETTINGS), 'cache.');
}
