import type { AuthModuleOptions } from '../auth.options.js';

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
  'getTokenTemplate',
  'checkClaims',
  'authorization',
  'jwksTimeoutInMs',
  'jwksCooldownInMs',
  'jwksCacheMaxAgeInMs',
  'jwksMaxBytes',
  'jwksStaleIfErrorInMs',
] as const satisfies ReadonlyArray<keyof AuthModuleOptions>;

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
export type IssuerOptions = Pick<AuthModuleOptions, (typeof ISSUER_OPTION_NAMES)[number]>;

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
