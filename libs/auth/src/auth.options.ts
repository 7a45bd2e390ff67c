import type { JSONWebKeySet, JWTHeaderParameters, JWTPayload } from 'jose';
import type { TokenTemplateProvider } from './auth-object/auth-object.js';
import type { AuthErrorReason } from './auth.errors.js';
import type { AuthEventOptions } from './auth-events.js';
import type { AuthorizationMapper } from './auth-object/authorization-grants.js';
import { AuthConfigError } from './auth-config-error.js';
import type { BootChecksOptions } from './boot-checks/boot-checks-option.js';
import type { SeveralIssuersOptions } from './issuers/issuer-options.js';
import type { IntrospectionOptions, OpaqueTokensOptions, VerifyOpaqueToken } from './opaque-token-options.js';
import type { VerifiedTokenCacheOptions } from './verification/verified-token-cache.js';
import type { AcceptsToken, TokenClassifier } from './verification/token-class.js';
import type { RevocationHook } from './revocation/revocation-check.js';
import type { RevocationStore } from './revocation/revocation-store.js';

export { AuthConfigError };
// Defaults, validation and the resolved shape live beside: this file is the options as apps write them.
export { AUTH_DEFAULTS, resolveAuthOptions, type ResolvedAuthOptions } from './resolve-auth-options.js';

/** Where a token may come from, in the order tried. */
export type TokenSource = 'header' | 'cookie';

/**
 * A provider-specific check of a token that passed the signature and the standard claim checks
 * (e.g. Cognito's `token_use` and `client_id`). Return a reason to refuse the token, or
 * null/undefined to accept it; a throw refuses it as `token-invalid`.
 *
 * @example
 * checkClaims: (claims) => (claims.token_use === 'access' ? null : 'token-invalid-type')
 */
export type ClaimsCheck = (
  claims: JWTPayload,
  header: JWTHeaderParameters,
) => AuthErrorReason | null | undefined | Promise<AuthErrorReason | null | undefined>;

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
export interface AuthModuleOptions extends AuthEventOptions, SeveralIssuersOptions {
  /** Remote JWKS (https, or http on loopback), fetched on demand, cached and rotated. */
  jwksUrl?: string;
  /** A local JWKS: public keys only. */
  jwks?: JSONWebKeySet;
  /** A PEM public key (SPKI `BEGIN PUBLIC KEY` or X.509 `BEGIN CERTIFICATE`): no network at all. */
  jwtKey?: string;
  /** HMAC shared secret (HS256 by default), at least 32 bytes. */
  secret?: string | Uint8Array;

  /**
   * Exact `iss` value(s). Strongly recommended: a warning is logged at boot when absent. As one
   * string and with no other key source, the keys come from OIDC discovery:
   * `<issuer>/.well-known/openid-configuration` must name this exact issuer, and its `jwks_uri` is used.
   */
  issuer?: string | string[];
  /** Accepted `aud` value(s); when set, a token without a matching `aud` is rejected. */
  audience?: string | string[];
  /** Allowed `azp` values (Clerk); when set, a session token without `azp` is rejected (machine tokens carry none). */
  authorizedParties?: string[];
  /**
   * Accepted JWS algorithms. Default: derived from the key source (`HS256` for a secret,
   * the keys' own `alg` or their type's family for keys). HS* and asymmetric never mix.
   */
  algorithms?: string[];
  /**
   * Required `typ` header, e.g. `'at+jwt'` (compared case-insensitively, `application/` optional).
   * With `'at+jwt'` every token is an OAuth access token, so `acceptsToken` defaults to `'oauth_token'`.
   */
  typ?: string;
  /** Tolerance for `exp`, `nbf` and `iat`. Default 5000 (Clerk). */
  clockSkewInMs?: number;
  /** Reject tokens whose `iat` is older than this. Off by default. */
  maxTokenAgeInMs?: number;
  /** Claims that must be present besides `exp` and `sub` (always required). */
  requiredClaims?: string[];
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
  /**
   * Which classes of token routes accept when their decorator does not say (`@RequireAuth({ acceptsToken })`):
   * `'session_token'`, `'oauth_token'`, `'m2m_token'`, `'api_key'`, a list of them, or `'any'`. A token
   * of another class is signed out (`token-type-not-accepted`), as in Clerk. Default `'session_token'`,
   * or `'oauth_token'` when `typ` requires RFC 9068 access tokens (`'at+jwt'`).
   */
  acceptsToken?: AcceptsToken;
  /**
   * Decides the class of a verified token for issuers the built-in rules do not know (Clerk's `cat`
   * header, `typ: at+jwt`, `sub: mch_…`; see `defaultTokenClass`); null refuses the token
   * (`token-invalid-type`). A Clerk JWT-template token is refused before it is asked.
   */
  classifyToken?: TokenClassifier;
  /**
   * The claim this issuer puts its scopes in, for every class of its tokens, when it defines one
   * of its own (`'scp'` for Okta and Microsoft Entra): a space-separated string or a list of strings.
   * Default: the claim each class defines, and no other: `scopes` for M2M tokens (Clerk sets it; a
   * machine's own custom `scope` or `scp` claim grants nothing), `scope` for OAuth access tokens
   * (RFC 9068), sessions and API keys.
   */
  scopeClaim?: string;
  /** A Clerk session with `sts: 'pending'` counts as signed out (session tokens only). Default `true`. */
  treatPendingAsSignedOut?: boolean;
  /** `realm` of the `WWW-Authenticate` challenge. Default `'api'`. */
  realm?: string;

  /**
   * Backs `auth.getToken({ template, expiresInSeconds })`, e.g. by calling your issuer's token
   * endpoint: `(auth, template, { template, expiresInSeconds })`.
   */
  getTokenTemplate?: TokenTemplateProvider;
  /**
   * Runs after the standard claim checks; a returned reason refuses the token. Presets set it for
   * their provider's own claims (Cognito `token_use`/`client_id`, Keycloak `typ`).
   */
  checkClaims?: ClaimsCheck;
  /**
   * Maps verified claims to the roles, permissions, features and plans `has()` checks (exact match).
   * Unset: Clerk semantics (org-scoped `org_role`/`org_permissions` or `o`, `fea`, `pla`).
   */
  authorization?: AuthorizationMapper;
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
   * A revocation store (`memoryRevocationStore()`, `redisRevocationStore({ client })`): asked
   * synchronously about every verified token, also cached ones, without a network call. May be
   * combined with `isRevoked`: either refusing refuses. The module waits for its first sync at boot
   * (bounded) and closes it on shutdown.
   */
  revocation?: RevocationStore;
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

  /** Remote JWKS: give up on a fetch after this long. Default 5000. */
  jwksTimeoutInMs?: number;
  /** Remote JWKS: at most one refetch per this window, also after failures. Default 30000. */
  jwksCooldownInMs?: number;
  /** Remote JWKS: refetch keys older than this on the next request. Default 600000 (10 min). */
  jwksCacheMaxAgeInMs?: number;
  /** Remote JWKS and discovery: a body larger than this is cut off while streaming. Default 524288 (512 KiB). */
  jwksMaxBytes?: number;
  /**
   * Remote JWKS: once keys are older than `jwksCacheMaxAgeInMs`, keep serving them this long while
   * refetches fail (an issuer outage); after that, fail closed (503). Default 3600000 (1 h).
   */
  jwksStaleIfErrorInMs?: number;

  /**
   * Checks of the whole app at bootstrap. By default a handler with one of this library's
   * decorators that no `AuthGuard` covers stops the boot; `{ uncoveredHandlers: 'warn' }` logs it instead.
   */
  bootChecks?: BootChecksOptions;
}
