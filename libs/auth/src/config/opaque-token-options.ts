import type { JWTPayload } from 'jose';
import { AuthConfigError } from './auth-config-error.js';
import type { IntrospectionEndpoint } from '../verification/introspection-client.js';
import { isAllowedKeyUrl } from '../verification/oidc-discovery.js';
import type { OpaqueTokenType } from '../verification/opaque-token-type.js';
import { clerkTokenClass, type TokenClassifier } from '../verification/token-class.js';

/**
 * RFC 7662 token introspection for opaque (not JWT) access tokens (option `introspection`).
 *
 * @example
 * introspection: { clientId: 'orders-api', clientSecret: process.env.INTROSPECTION_SECRET! } // endpoint by discovery
 */
export interface IntrospectionOptions {
  /**
   * The introspection endpoint (https, or http on loopback). Default: the `introspection_endpoint`
   * of the discovery document of `issuer` (which must then be one URL, and the document must name it).
   */
  url?: string;
  /** This API's client id at the authorization server; sent with HTTP Basic (client_secret_basic). */
  clientId: string;
  /** This API's client secret at the authorization server. */
  clientSecret: string;
  /** A response (or discovery document) larger than this is cut off while streaming. Default 65536. */
  maxBytes?: number;
}

/**
 * Verifies an opaque token yourself (option `verifyOpaqueToken`), e.g. by calling Clerk's Backend
 * API for `mt_`, `oat_` and `ak_` tokens. Return the token's claims (at least `sub` and `exp`, in
 * seconds) when it is valid, null when it is not; throw when you cannot tell (503, never allowed).
 * The claims are checked like a JWT's (`aud` when `audience` is set, `exp`, `nbf`, types), except
 * that an `iss` you leave out is not required: the hook speaks for your own issuer.
 * `tokenType` is the class its prefix names: `mt_` m2m_token, `ak_` api_key, otherwise oauth_token
 * (with introspection instead, prefixes name a class only under the `clerk()` preset).
 *
 * @example
 * verifyOpaqueToken: async (token, tokenType) => (await myTokenStore.lookup(token)) ?? null
 */
export type VerifyOpaqueToken = (token: string, tokenType: OpaqueTokenType) => JWTPayload | null | Promise<JWTPayload | null>;

/** How opaque tokens are cached and how long their verifier may take (option `opaqueTokens`). */
export interface OpaqueTokensOptions {
  /** Give up on introspection or the hook after this long: 503. Default 5000. */
  timeoutInMs?: number;
  /** After introspection or the hook failed, new opaque tokens get 503 at once for this long. Default 5000. */
  cooldownInMs?: number;
  /** A refused opaque token (inactive, expired, wrong claims) is refused from memory this long. Default 60000. */
  refusedTtlInMs?: number;
  /** Keep an accepted opaque token at most this long, whatever its `exp` (faster revocation). Default: until `exp`. */
  cacheMaxAgeInMs?: number;
  /** Most accepted opaque tokens kept, and most refused ones. Default 10000. */
  maxEntries?: number;
  /** Most (estimated) bytes of accepted opaque tokens and their claims. Default 16 MiB. */
  maxBytes?: number;
  /**
   * Most introspection (or hook) calls at once, one per distinct new token: a flood of new tokens
   * never becomes a flood on your authorization server; beyond it, 503 with Retry-After. Default 64.
   */
  maxConcurrent?: number;
}

/** Defaults of {@link OpaqueTokensOptions} and {@link IntrospectionOptions}. */
export const OPAQUE_TOKEN_DEFAULTS = {
  timeoutInMs: 5000,
  cooldownInMs: 5000,
  refusedTtlInMs: 60_000,
  maxEntries: 10_000,
  maxBytes: 16 * 1024 * 1024,
  maxConcurrent: 64,
  introspectionMaxBytes: 64 * 1024,
} as const;

/** The opaque-token settings after validation: who answers, and the cache and time rules. */
export interface ResolvedOpaqueTokens {
  introspection?: { endpoint: IntrospectionEndpoint; clientId: string; clientSecret: string; maxBytes: number };
  verify?: VerifyOpaqueToken;
  timeoutInMs: number;
  cooldownInMs: number;
  refusedTtlInMs: number;
  cacheMaxAgeInMs?: number;
  maxEntries: number;
  maxBytes: number;
  maxConcurrent: number;
  /**
   * Whether Clerk's prefixes (`mt_`, `ak_`) name an opaque token's class: with the
   * `verifyOpaqueToken` hook, and under the `clerk()` preset. Otherwise every opaque token is an
   * OAuth access token.
   */
  classesByPrefix: boolean;
}

interface OpaqueTokenModuleOptions {
  introspection?: IntrospectionOptions;
  verifyOpaqueToken?: VerifyOpaqueToken;
  opaqueTokens?: OpaqueTokensOptions;
  issuer?: string | string[];
  classifyToken?: TokenClassifier;
}

/**
 * Validates `introspection`, `verifyOpaqueToken` and `opaqueTokens`; undefined when opaque tokens
 * are not configured (they are then refused as `token-invalid`, with no network call). Throws
 * {@link AuthConfigError} naming the option.
 */
export function resolveOpaqueTokenOptions(options: OpaqueTokenModuleOptions): ResolvedOpaqueTokens | undefined {
  const { introspection, verifyOpaqueToken, opaqueTokens } = options;
  if (introspection === undefined && verifyOpaqueToken === undefined) {
    if (opaqueTokens !== undefined) throw new AuthConfigError('opaqueTokens', 'set introspection or verifyOpaqueToken as well');
    return undefined;
  }
  if (introspection !== undefined && verifyOpaqueToken !== undefined) {
    throw new AuthConfigError('verifyOpaqueToken', 'set either introspection or verifyOpaqueToken, not both');
  }
  if (verifyOpaqueToken !== undefined && typeof verifyOpaqueToken !== 'function') {
    throw new AuthConfigError('verifyOpaqueToken', 'expected a function (token, tokenType) => claims | null');
  }
  const settings = settingsOf(opaqueTokens);
  // The clerk() preset is known by its classifier: its opaque tokens are Clerk's, whose prefixes name the class.
  const clerkTokens = options.classifyToken === clerkTokenClass;
  return introspection === undefined
    ? { ...settings, verify: verifyOpaqueToken, classesByPrefix: true }
    : { ...settings, introspection: introspectionOf(introspection, options.issuer), classesByPrefix: clerkTokens };
}

function introspectionOf(value: unknown, issuer: string | string[] | undefined): NonNullable<ResolvedOpaqueTokens['introspection']> {
  const given = objectOf('introspection', value, ['url', 'clientId', 'clientSecret', 'maxBytes']) as Partial<IntrospectionOptions>;
  for (const name of ['clientId', 'clientSecret'] as const) {
    if (typeof given[name] !== 'string' || given[name] === '') throw new AuthConfigError(`introspection.${name}`, 'expected a non-empty string');
  }
  let endpoint: IntrospectionEndpoint;
  if (given.url !== undefined) {
    let url: URL;
    try {
      url = new URL(String(given.url));
    } catch {
      throw new AuthConfigError('introspection.url', 'expected an absolute URL');
    }
    if (!isAllowedKeyUrl(url)) throw new AuthConfigError('introspection.url', 'must use https (plain http is allowed for localhost only)');
    endpoint = { url };
  } else {
    const single = typeof issuer === 'string' ? issuer : issuer?.length === 1 ? issuer[0] : undefined;
    if (single === undefined) {
      throw new AuthConfigError('introspection.url', 'set the url, or issuer as one URL so its discovery document names the endpoint');
    }
    endpoint = { issuer: single };
  }
  const maxBytes = wholeNumber('introspection.maxBytes', given.maxBytes, OPAQUE_TOKEN_DEFAULTS.introspectionMaxBytes, 1024);
  return { endpoint, clientId: given.clientId as string, clientSecret: given.clientSecret as string, maxBytes };
}

function settingsOf(value: unknown): Omit<ResolvedOpaqueTokens, 'introspection' | 'verify' | 'classesByPrefix'> {
  const names = ['timeoutInMs', 'cooldownInMs', 'refusedTtlInMs', 'cacheMaxAgeInMs', 'maxEntries', 'maxBytes', 'maxConcurrent'] as const;
  const given = (value === undefined ? {} : objectOf('opaqueTokens', value, names)) as OpaqueTokensOptions;
  const D = OPAQUE_TOKEN_DEFAULTS;
  return {
    timeoutInMs: wholeNumber('opaqueTokens.timeoutInMs', given.timeoutInMs, D.timeoutInMs, 1),
    cooldownInMs: wholeNumber('opaqueTokens.cooldownInMs', given.cooldownInMs, D.cooldownInMs, 0),
    refusedTtlInMs: wholeNumber('opaqueTokens.refusedTtlInMs', given.refusedTtlInMs, D.refusedTtlInMs, 0),
    cacheMaxAgeInMs: given.cacheMaxAgeInMs === undefined ? undefined : wholeNumber('opaqueTokens.cacheMaxAgeInMs', given.cacheMaxAgeInMs, 0, 0),
    maxEntries: wholeNumber('opaqueTokens.maxEntries', given.maxEntries, D.maxEntries, 1),
    maxBytes: wholeNumber('opaqueTokens.maxBytes', given.maxBytes, D.maxBytes, 1024),
    maxConcurrent: wholeNumber('opaqueTokens.maxConcurrent', given.maxConcurrent, D.maxConcurrent, 1),
  };
}

function objectOf(option: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AuthConfigError(option, 'expected an object');
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new AuthConfigError(option, `unknown setting "${unknown.slice(0, 32)}"; expected ${known.join(', ')}`);
  return value as Record<string, unknown>;
}

function wholeNumber(option: string, value: unknown, fallback: number, min: number): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'number' || !Number.isSafeInteger(resolved) || resolved < min) {
    throw new AuthConfigError(option, `expected a whole number >= ${min}`);
  }
  return resolved;
}
