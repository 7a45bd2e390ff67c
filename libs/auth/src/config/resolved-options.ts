import type { JSONWebKeySet } from 'jose';
import type { TokenTemplateProvider } from '../auth-object/auth-object.js';
import type { AuthorizationMapper } from '../auth-object/authorization-grants.js';
import type { ClerkCookieRules } from '../token/clerk-cookies.js';
import type { RevocationHook } from '../revocation/revocation-check.js';
import type { RevocationStore } from '../revocation/revocation-store.js';
import type { AcceptsToken, TokenClassifier } from '../verification/token-class.js';
import type { VerifiedTokenCacheOptions } from '../verification/verified-token-cache.js';
import type { AuthPolicyMode, ClaimsCheck, TokenSource } from './auth-options.js';
import type { BootChecksOptions } from './boot-checks-option.js';
import type { ResolvedCurrentUser } from './current-user-options.js';
import type { AuthEventOptions } from './event-options.js';
import type { IssuerResolver } from './issuer-options.js';
import type { ResolvedOpaqueTokens } from './opaque-token-options.js';
import type { ResolvedDpop, ResolvedMtls, SenderConstraintMode } from './sender-constraint-options.js';
import type { ResolvedDecryption } from './decryption-options.js';

/**
 * One trusted issuer after validation and defaults: where its keys are and every rule its tokens
 * must meet. A module configured with one issuer has one; `issuers: [...]` one per entry;
 * `resolveIssuer` one per issuer it answered for. Travels with each verification (`Verification.issuer`).
 */
export interface IssuerConfig {
  /** Where the entry was configured, for messages: `''` (the module's options), `'issuers[1]'`, `'resolveIssuer()'`. */
  label: string;
  jwksUrl?: string;
  jwks?: JSONWebKeySet;
  jwtKey?: string;
  secret?: string | Uint8Array;
  /** Exact `iss` values; undefined: any (a module with one issuer and no `issuer` option, warned at boot). */
  issuer: string[] | undefined;
  audience: string[] | undefined;
  authorizedParties: string[] | undefined;
  algorithms: string[] | undefined;
  typ: string | undefined;
  clockSkewInMs: number;
  maxTokenAgeInMs: number | undefined;
  /** Always holds `exp` and `sub`. */
  requiredClaims: string[];
  /** The classes routes accept when their decorator does not say. */
  acceptsToken: AcceptsToken;
  classifyToken: TokenClassifier | undefined;
  /** The claim this issuer's scopes are read from for every class; undefined: the claim each class defines. */
  scopeClaim: string | undefined;
  treatPendingAsSignedOut: boolean;
  /** Clerk's cookie rules for this issuer's session tokens from the session cookie; undefined when off. */
  clerkCookies: ClerkCookieRules | undefined;
  getTokenTemplate: TokenTemplateProvider | undefined;
  checkClaims: ClaimsCheck | undefined;
  authorization: AuthorizationMapper | undefined;
  jwksTimeoutInMs: number;
  jwksCooldownInMs: number;
  jwksCacheMaxAgeInMs: number;
  jwksMaxBytes: number;
  jwksStaleIfErrorInMs: number;
  /** DPoP mode of this issuer's tokens, unless a route says otherwise. */
  dpop: SenderConstraintMode;
  /** mTLS-binding mode of this issuer's tokens, unless a route says otherwise. */
  mtls: SenderConstraintMode;
  /**
   * Key material is fetched from public internet addresses only: set on the issuers `resolveIssuer`
   * answers for, under `resolveIssuerAddresses: 'public'`.
   */
  publicAddressesOnly?: boolean;
}

/** The issuers a module trusts, after validation. */
export interface ResolvedIssuers {
  /**
   * True for a module configured with one issuer (its key options at the top level): its only entry
   * verifies every token, whatever its `iss` says (jose checks `iss` when `issuer` is set).
   * False with `issuers` or `resolveIssuer`: the token's `iss` selects the entry, by exact match.
   */
  single: boolean;
  /** The issuers known at boot, in order: the one of a module with one issuer, or the entries of `issuers`. */
  entries: IssuerConfig[];
  resolve: IssuerResolver | undefined;
  maxIssuers: number;
  ttlInMs: number;
  maxCalls: number;
  timeoutInMs: number;
  /** `resolveIssuerAddresses`: where the key material of resolved issuers may be fetched from. */
  addresses: 'public' | 'any';
  /** The config for what `resolveIssuer` answered for `iss`. Throws `AuthConfigError`. */
  entryFor(iss: string, answer: unknown): IssuerConfig;
  /** Every `authorizedParties` value, of every entry: origins whose pages may send the session cookie. */
  authorizedParties: string[] | undefined;
}

/**
 * The module's configuration after validation and defaults: how requests carry tokens, what routes
 * without a decorator require, caches, opaque tokens, revocation and observability, and the issuers
 * it trusts ({@link ResolvedIssuers}, each an {@link IssuerConfig}). What the guard and the verifier read.
 */
export interface ResolvedAuthOptions extends AuthEventOptions {
  issuers: ResolvedIssuers;
  /** The classes routes accept when neither their decorator nor the token's issuer says (a signed-out request, the OpenAPI document). */
  acceptsToken: AcceptsToken;
  maxTokenBytes: number;
  tokenSources: readonly TokenSource[];
  /** Lower-case. */
  headerName: string;
  cookieName: string;
  /** The cookie names and `__client_uat` reading of the module's Clerk entry (see `clerkCookies`); undefined when no entry uses them. */
  clerkCookies: ClerkCookieRules | undefined;
  rpcTokenField: string;
  defaultPolicy: AuthPolicyMode;
  realm: string;
  debug: boolean;
  /** The time used for every check, in ms since the epoch; undefined: `Date.now`. */
  clock: (() => number) | undefined;
  /** `false` when off, else the cache bounds. */
  cache: false | Required<VerifiedTokenCacheOptions>;
  /** Who verifies opaque tokens and how; undefined when they are refused. */
  opaque: ResolvedOpaqueTokens | undefined;
  isRevoked: RevocationHook | undefined;
  revocationTimeoutInMs: number;
  revocation: RevocationStore | undefined;
  bootChecks: Required<BootChecksOptions>;
  /** How DPoP proofs are checked, and the module's DPoP mode. */
  dpop: ResolvedDpop;
  /** Where client certificates come from, and the module's mTLS mode. */
  mtls: ResolvedMtls;
  /** Keys and algorithms for encrypted tokens; undefined when they are not expected. */
  decryption: ResolvedDecryption | undefined;
  /** `loadUser` and its settings; undefined without a loader (`@CurrentUser()` then fails at boot). */
  currentUser: ResolvedCurrentUser | undefined;
}
