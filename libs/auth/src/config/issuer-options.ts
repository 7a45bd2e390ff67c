import type { JSONWebKeySet, JWTHeaderParameters, JWTPayload } from 'jose';
import type { TokenTemplateProvider } from '../auth-object/auth-object.js';
import type { AuthorizationMapper } from '../auth-object/authorization-grants.js';
import type { AuthErrorReason } from '../auth.errors.js';
import type { AcceptsToken, TokenClassifier } from '../verification/token-class.js';
import type { SenderConstraintMode } from './sender-constraint-options.js';

/**
 * A provider-specific check of a token that passed the signature and the standard claim checks
 * (e.g. Cognito's `token_use` and `client_id`). Return a reason to refuse the token, or
 * null/undefined to accept it; a throw refuses it as `token-invalid`.
 *
 * @example
 * checkClaims: (claims) => (claims.token_use === 'access' ? null : 'token-invalid-type')
 */
export type ClaimsCheck = (claims: JWTPayload, header: JWTHeaderParameters) => AuthErrorReason | null | undefined | Promise<AuthErrorReason | null | undefined>;

/**
 * The options that belong to one issuer: where its keys are, what its tokens must say, how their
 * claims map to the auth object. The first five exist only per issuer; the others, set at the top
 * level next to `issuers` or `resolveIssuer`, are defaults every issuer entry inherits.
 */
export const ISSUER_OPTION_NAMES = [
  'jwksUrl',
  'jwks',
  'jwtKey',
  'secret',
  'issuer',
  'audience',
  'authorizedParties',
  'algorithms',
  'typ',
  'clockSkewInMs',
  'maxTokenAgeInMs',
  'requiredClaims',
  'acceptsToken',
  'classifyToken',
  'scopeClaim',
  'treatPendingAsSignedOut',
  'clerkCookies',
  'getTokenTemplate',
  'checkClaims',
  'authorization',
  'jwksTimeoutInMs',
  'jwksCooldownInMs',
  'jwksCacheMaxAgeInMs',
  'jwksMaxBytes',
  'jwksStaleIfErrorInMs',
  'dpop',
  'mtls',
] as const satisfies ReadonlyArray<keyof IssuerOptions>;

/** The options that name an issuer and its keys: per issuer entry only, never at the top level with several issuers. */
export const ISSUER_KEY_OPTIONS = ['jwksUrl', 'jwks', 'jwtKey', 'secret', 'issuer'] as const;

/**
 * One trusted issuer: a key source, its exact `issuer`, and its own claim rules (`audience`,
 * `authorizedParties`, `algorithms`, `checkClaims`, `authorization`, `acceptsToken`, ...). A preset's
 * result (`clerk({...})`, `auth0({...})`) is one.
 *
 * @example
 * issuers: [
 *   clerk({ publishableKey, authorizedParties: ['https://app.example.com'] }),
 *   auth0({ domain: 'example.us.auth0.com', audience: 'https://api.example.com' }),
 * ]
 */
export interface IssuerOptions {
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

  /**
   * Clerk's browser-cookie rules for session tokens from the session cookie; the `clerk()` preset
   * sets them. The cookie counts only beside a `__client_uat` cookie that is neither `0` nor absent
   * (`session-token-but-no-client-uat`) and not newer than the token's `iat`: the user signed out (or
   * in again) since that token was minted (`session-token-iat-before-client-uat`). With
   * `publishableKey`, apps sharing a domain read this instance's suffixed cookies
   * (`__session_<suffix>`, `__client_uat_<suffix>`), picked as Clerk picks them, else the unsuffixed
   * ones. `true`: the rules on the unsuffixed cookies only. Tokens from the Authorization header are
   * unaffected, as in Clerk. Off by default.
   */
  clerkCookies?: boolean | ClerkCookiesOptions;

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
   * DPoP (RFC 9449): `'off'`, `'allowed'` (default) or `'required'`. Allowed: `Authorization: DPoP`
   * with a valid proof for tokens bound to a key (`cnf.jkt`), bearer tokens that are not bound.
   * Required: DPoP-bound tokens only. Off: DPoP-bound tokens are refused. A bound token sent as
   * `Bearer` is always refused. `@RequireAuth({ dpop })` overrides it per route; `dpopProof` sets how
   * proofs are checked ([Sender-constrained tokens](../../docs/sender-constrained.md)).
   */
  dpop?: SenderConstraintMode;

  /**
   * mTLS-bound tokens (RFC 8705, `cnf["x5t#S256"]`): `'off'`, `'allowed'` (default) or `'required'`.
   * A bound token is accepted only with the client certificate it is bound to, from the TLS connection
   * or a trusted proxy's header (`clientCertificate`).
   */
  mtls?: SenderConstraintMode;
}

/** Options of `clerkCookies`: the instance whose suffixed cookies are read. */
export interface ClerkCookiesOptions {
  /** The instance's publishable key (`pk_test_…` / `pk_live_…`): its suffix and Frontend API come from it. */
  publishableKey: string;
}

/** What `resolveIssuer` may answer for one `iss`: the issuer's options, or null (not trusted). */
export type ResolvedIssuerAnswer = Omit<IssuerOptions, 'issuer'> & { issuer?: string };

/**
 * Answers, for the `iss` of a token (the exact string, not yet verified), the options of that
 * issuer, or null when the app does not trust it: a lookup in your own tenant list, never a
 * pattern match on the string. Without a key source in the answer, the keys come from the
 * issuer's OpenID discovery document, which must name this exact issuer.
 *
 * @example
 * resolveIssuer: async (iss) => {
 *   const tenant = await tenants.findByIssuer(iss); // exact match in your database
 *   return tenant ? { jwksUrl: tenant.jwksUrl, audience: tenant.apiAudience } : null;
 * }
 */
export type IssuerResolver = (iss: string) => ResolvedIssuerAnswer | null | undefined | Promise<ResolvedIssuerAnswer | null | undefined>;

/** Options of `AuthModule.forRoot()` for apps that trust several issuers. */
export interface SeveralIssuersOptions {
  /**
   * Several trusted issuers, each a complete set of issuer options with its own key source and
   * cache partition. A token's `iss` (exact match) selects its entry before any key is looked up; an
   * `iss` no entry names is refused (`token-invalid-issuer`). With `issuers`, the key source and
   * `issuer` are set per entry only; other issuer options at the top level are defaults of every entry.
   */
  issuers?: IssuerOptions[];
  /**
   * Issuers looked up at run time (tenants kept in a database), for an `iss` no entry of `issuers`
   * names. Asked only with an `iss` string; answers (null included) are kept for
   * `resolveIssuerTtlInMs`; a throw, a rejection or no answer within `resolveIssuerTimeoutInMs`
   * answers 503 `issuer-unavailable`.
   */
  resolveIssuer?: IssuerResolver;
  /** With `resolveIssuer`: most issuers (key sources) kept at once; the least recently used goes first. Default 100. */
  maxIssuers?: number;
  /** With `resolveIssuer`: how long an answer (an issuer's options, or null) is kept. Default 300000 (5 min). */
  resolveIssuerTtlInMs?: number;
  /**
   * With `resolveIssuer`: the budget of lookups for issuers not known yet, per
   * `resolveIssuerTtlInMs`, refilled continuously, so a flood of made-up `iss` values cannot turn
   * into a flood of lookups. A lookup that finds a working issuer gives its call back (only answers
   * that trust no one cost); once spent, unknown issuers get 503 `issuer-unavailable` with
   * `Retry-After` until a call refills. Tenants already known re-validate outside it. Default 1000.
   */
  resolveIssuerMaxCalls?: number;
  /** With `resolveIssuer`: how long one call may take before the request answers 503. Default 2000. */
  resolveIssuerTimeoutInMs?: number;
  /**
   * With `resolveIssuer`: which addresses the key material of the issuers it answers for may be
   * fetched from (their `jwksUrl`, or their discovery document and its `jwks_uri`). `'public'`
   * (default): public internet addresses only; loopback, private, link-local (cloud metadata),
   * unique-local and other special-purpose IPv4 and IPv6 ranges, IPv4-mapped ones included, are
   * refused. A host name is resolved and checked before connecting, and the connection goes to the
   * checked address. Tenants who register their own URLs cannot turn the API into a probe of your
   * network. `'any'`: no check (tenants' issuers on your own network, tests on 127.0.0.1).
   */
  resolveIssuerAddresses?: 'public' | 'any';
}

/** Defaults of {@link SeveralIssuersOptions}. */
export const ISSUER_RESOLUTION_DEFAULTS = {
  maxIssuers: 100,
  resolveIssuerTtlInMs: 300_000,
  resolveIssuerMaxCalls: 1000,
  resolveIssuerTimeoutInMs: 2000,
  resolveIssuerAddresses: 'public',
} as const;
