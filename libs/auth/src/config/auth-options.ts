import type { AuthEventOptions } from './event-options.js';
import type { BootChecksOptions } from './boot-checks-option.js';
import type { CurrentUserOptions, LoadUser } from './current-user-options.js';
import type { IssuerOptions, SeveralIssuersOptions } from './issuer-options.js';

export type { ClaimsCheck, IssuerOptions } from './issuer-options.js';
import type { IntrospectionOptions, OpaqueTokensOptions, VerifyOpaqueToken } from './opaque-token-options.js';
import type { VerifiedTokenCacheOptions } from '../verification/verified-token-cache.js';
import type { RevocationHook } from '../revocation/revocation-check.js';
import type { ClientCertificateOptions, DpopProofOptions } from './sender-constraint-options.js';
import type { DecryptionOptions } from './decryption-options.js';
import type { RevocationOption } from './revocation-option.js';

// Defaults (auth-defaults.ts), validation (resolve-*.ts) and the resolved shape (resolved-options.ts)
// live beside: this file is the options as apps write them.

/** Where a token may come from, in the order tried. */
export type TokenSource = 'header' | 'cookie';

/** What a route with no decorator gets. */
export type AuthPolicyMode = 'required' | 'optional';

/**
 * Options of `AuthModule.forRoot()`. Exactly one key source is required: `jwksUrl`, `jwks`,
 * `jwtKey` or `secret`; or none of them and `issuer` as one string, whose OpenID Connect discovery
 * document then names the JWKS. Several issuers: `issuers` or `resolveIssuer` instead.
 *
 * @example
 * AuthModule.forRoot({
 *   jwksUrl: 'https://clerk.example.com/.well-known/jwks.json',
 *   issuer: 'https://clerk.example.com',
 *   authorizedParties: ['https://app.example.com'],
 *   global: true,
 * })
 */
export interface AuthModuleOptions extends IssuerOptions, SeveralIssuersOptions, AuthEventOptions {
  /** Tokens longer than this many bytes are rejected before parsing. Default 8192. */
  maxTokenBytes?: number;

  /** Where the token comes from, in order. Default `['header', 'cookie']`: the header wins. */
  tokenSources?: TokenSource[];

  /** Header carrying `Bearer <token>`. Default `'authorization'`. */
  headerName?: string;

  /** Cookie carrying the bare token. Default `'__session'` (Clerk). */
  cookieName?: string;

  /**
   * Microservices: the top-level field of a message's data that carries its token, bare or as
   * `Bearer <token>`. Default `'authorization'`: `client.send('pattern', { authorization: token, ... })`.
   */
  rpcTokenField?: string;

  /** Policy for routes with neither `@RequireAuth()` nor `@OptionalAuth()`. Default `'required'`. */
  defaultPolicy?: AuthPolicyMode;

  /** `realm` of the `WWW-Authenticate` challenge. Default `'api'`. */
  realm?: string;

  /**
   * Custom revocation logic, asked after every other check, also for cached tokens. Any truthy
   * answer (or a promise of one) refuses the token: `true`, Redis's `1`, a `Map.get()` entry, a row.
   * A throw, a rejection or no answer within `revocationTimeoutInMs` answers 503
   * `revocation-unavailable` with `Retry-After`: never "allow", never a 401 that signs the user out.
   *
   * @example
   * isRevoked: (claims) => redis.sismember('revoked-sessions', String(claims.sid))
   */
  isRevoked?: RevocationHook;

  /** How long an asynchronous `isRevoked` may take before the request answers 503. Default 2000. */
  revocationTimeoutInMs?: number;

  /**
   * A revocation store, asked synchronously about every verified token, also cached ones, without a
   * network call: declared by its settings, `{ redis: { url } }` or `{ memory: true }` (the module
   * builds it at boot, so `forRootAsync` can read them from `ConfigService`), or one you built
   * (`memoryRevocationStore()`, `redisRevocationStore({ client })`). Inject it as
   * `AUTH_REVOCATION_STORE`, or revoke through `AuthRevoker`. May be combined with `isRevoked`: either
   * refusing refuses. The module waits for its first sync at boot (bounded) and closes it on shutdown.
   *
   * @example
   * revocation: { redis: { url: config.getOrThrow<string>('REDIS_URL') } }
   */
  revocation?: RevocationOption;

  /** Adds the failure reason to 401/403 bodies and `error_description`. Off by default. */
  debug?: boolean;

  /** The time used for `exp`/`nbf`/`iat` checks, in ms since the epoch. Default `Date.now`; for tests. */
  clock?: () => number;

  /**
   * The verified-token cache: a token that passed every check is served from memory until its `exp`
   * (with the skew), re-asking `isRevoked` each time. `false` turns it off; an object sets its bounds.
   * Default on, with `{ maxEntries: 10000, maxBytes: 16 MiB }`.
   */
  cache?: boolean | VerifiedTokenCacheOptions;

  /**
   * Opaque (not JWT) tokens are verified by RFC 7662 introspection at this endpoint. Without it (and
   * without `verifyOpaqueToken`) they are refused as `token-invalid`, with no network call.
   */
  introspection?: IntrospectionOptions;

  /** Opaque tokens are verified by this function (e.g. Clerk's `mt_`, `oat_`, `ak_` through its Backend API). */
  verifyOpaqueToken?: VerifyOpaqueToken;

  /** Cache bounds and time limits for opaque tokens, with `introspection` or `verifyOpaqueToken`. */
  opaqueTokens?: OpaqueTokensOptions;

  /**
   * Checks of the whole app at bootstrap. By default a handler with one of this library's
   * decorators that no `AuthGuard` covers stops the boot; `{ uncoveredHandlers: 'warn' }` logs it instead.
   */
  bootChecks?: BootChecksOptions;

  // DPoP / mTLS / JWE

  /**
   * How DPoP proofs (RFC 9449) are checked: allowed algorithms, the `iat` window, server nonces, the
   * replay store (default: in memory, one process) and the public origin behind a proxy. `dpop` sets
   * whether DPoP is off, allowed or required.
   */
  dpopProof?: DpopProofOptions;

  /**
   * mTLS-bound tokens behind a TLS-terminating proxy: the header carrying the client certificate and
   * the proxies trusted to set it. Without it, only the TLS connection's own certificate counts.
   */
  clientCertificate?: ClientCertificateOptions;

  /**
   * Encrypted tokens (JWE, nested JWTs: signed, then encrypted): the app's private keys, by `kid`, and
   * the pinned algorithms. With `required` (default true) an unencrypted token is refused.
   */
  decryption?: DecryptionOptions;
  /**
   * Loads the user behind a verified token for `@CurrentUser()`: at most once per request, and only
   * for handlers that ask (routes that never ask never load). Null: 401 (or 403, `currentUser.whenMissing`);
   * a throw or a timeout: 503 `user-unavailable`. Declare the user type once in `CurrentUserRegistry`.
   *
   * @example
   * loadUser: (auth) => (auth.tokenType === 'session_token' ? users.findOneBy({ clerkId: auth.userId }) : null)
   */
  loadUser?: LoadUser;

  /** With `loadUser`: what a missing user gets, how long loading may take, and an optional cache. */
  currentUser?: CurrentUserOptions;
}
