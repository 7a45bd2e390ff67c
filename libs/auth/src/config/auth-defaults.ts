import type { AuthPolicyMode, TokenSource } from './auth-options.js';

/** Defaults applied by `resolveAuthOptions()`: module-wide ones and those of every issuer. */
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
