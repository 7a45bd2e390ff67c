import { createHash } from 'node:crypto';
import { frontendApiFromPublishableKey } from '../presets/clerk.preset.js';
import type { ClerkCookieRules } from '../token/clerk-cookies.js';
import { AuthConfigError } from './auth-config-error.js';
import type { IssuerConfig } from './resolved-options.js';

/**
 * The suffix Clerk gives an instance's cookies: the first eight characters of the URL-safe base64
 * SHA-1 of its publishable key (the algorithm `@clerk/shared`'s `getCookieSuffix` uses).
 *
 * @example
 * clerkCookieSuffix('pk_live_Y2xlcmsuZXhhbXBsZS5jb20k') // 8 characters of [A-Za-z0-9_-]
 */
export function clerkCookieSuffix(publishableKey: string): string {
  return createHash('sha1').update(publishableKey).digest('base64url').slice(0, 8);
}

/** `clerkCookies` of one issuer entry: off, the unsuffixed rules, or the rules of the instance a publishable key names. */
export function clerkCookiesOption(value: unknown): ClerkCookieRules | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { suffix: undefined, frontendApi: undefined, development: false };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AuthConfigError('clerkCookies', 'expected true, false or { publishableKey }');
  }
  const { publishableKey, ...rest } = value as { publishableKey?: unknown };
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new AuthConfigError(`clerkCookies.${unknown.slice(0, 32)}`, 'is not an option of clerkCookies (publishableKey)');
  if (typeof publishableKey !== 'string') throw new AuthConfigError('clerkCookies.publishableKey', 'expected a Clerk publishable key (pk_test_… or pk_live_…)');
  let frontendApi: string;
  try {
    frontendApi = frontendApiFromPublishableKey(publishableKey);
  } catch {
    throw new AuthConfigError('clerkCookies.publishableKey', 'expected a Clerk publishable key (pk_test_… or pk_live_…)');
  }
  return { suffix: clerkCookieSuffix(publishableKey), frontendApi, development: publishableKey.startsWith('pk_test_') };
}

/**
 * The Clerk cookie rules the module reads cookies by: those of its entries that use them; with
 * `resolveIssuer` and no such entry, the unsuffixed ones (an issuer it answers for may use them).
 * Entries of two instances with suffixed cookies cannot share one API's cookies: the boot stops,
 * naming the second.
 */
export function moduleClerkCookies(entries: readonly IssuerConfig[], resolvesIssuers: boolean): ClerkCookieRules | undefined {
  let found: IssuerConfig | undefined;
  for (const entry of entries) {
    if (!entry.clerkCookies) continue;
    if (found?.clerkCookies && found.clerkCookies.suffix !== entry.clerkCookies.suffix) {
      throw new AuthConfigError(
        `${entry.label ? `${entry.label}.` : ''}clerkCookies`,
        `names another Clerk instance's cookies than ${found.label || 'the module'}: one API reads the session cookies of one instance`,
      );
    }
    found ??= entry;
  }
  return found?.clerkCookies ?? (resolvesIssuers ? clerkCookiesOption(true) : undefined);
}
