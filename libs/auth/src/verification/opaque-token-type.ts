import type { MachineTokenType } from './token-class.js';

/** The classes an opaque (not JWT) token can have: the machine classes; an opaque token is never a session token. */
export type OpaqueTokenType = MachineTokenType;

/**
 * RFC 6750 section 2.1 `b64token`: what a bearer token may be made of. An opaque token with any other
 * character is refused before any network call.
 */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Clerk's prefixes of its opaque tokens. */
const PREFIXES: ReadonlyArray<readonly [string, OpaqueTokenType]> = [
  ['mt_', 'm2m_token'],
  ['ak_', 'api_key'],
  // Stryker disable next-line StringLiteral: an empty prefix matches every token, but mt_ and ak_ are tried first and any other token is an oauth_token anyway
  ['oat_', 'oauth_token'],
];

/**
 * The class of an opaque token, from its prefix as Clerk issues them: `mt_` is an M2M token, `ak_`
 * an API key, and everything else (Clerk's `oat_`, any provider's opaque access token) an OAuth
 * access token. The prefix only names the class: whether the token is valid is for introspection or
 * the `verifyOpaqueToken` hook to say. Modules read it only for Clerk's tokens or their own hook
 * (see {@link opaqueTokenClassifier}).
 *
 * @example
 * opaqueTokenType('mt_3f9a...') // 'm2m_token'
 * opaqueTokenType('Xk2mQ8...')  // 'oauth_token'
 */
export function opaqueTokenType(token: string): OpaqueTokenType {
  for (const [prefix, type] of PREFIXES) if (token.startsWith(prefix)) return type;
  return 'oauth_token';
}

/**
 * How a module tells the class of its opaque tokens. Clerk's prefixes (`mt_`, `ak_`, `oat_`) name a
 * class only where Clerk's tokens are expected (`byPrefix`: the `clerk()` preset, or the app's own
 * `verifyOpaqueToken` hook, which is told the class and answers for it). Any other authorization
 * server's opaque token is an OAuth access token, whatever it starts with: RFC 7662 introspects
 * access tokens, and a prefix chosen by a server that is not Clerk names nothing.
 *
 * @example
 * opaqueTokenClassifier(false)('mt_3f9a...') // 'oauth_token'
 */
export function opaqueTokenClassifier(byPrefix: boolean): (token: string) => OpaqueTokenType {
  return byPrefix ? opaqueTokenType : () => 'oauth_token';
}

/** True when `token` is made only of RFC 6750 `b64token` characters. */
export function isBearerTokenSyntax(token: string): boolean {
  return B64TOKEN.test(token);
}
