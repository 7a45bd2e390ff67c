import type { AuthModuleOptions } from './auth-options.js';
import { AuthConfigError } from './auth-config-error.js';
import { nonEmptyStrings } from '../policy/non-empty-strings.js';

export { nonEmptyStrings } from '../policy/non-empty-strings.js';
import { checkKnownCacheSettings } from './known-options.js';
import { isAllowedKeyUrl } from '../verification/oidc-discovery.js';
import { CACHE_DEFAULTS, type VerifiedTokenCacheOptions } from '../verification/verified-token-cache.js';

// The checks resolveAuthOptions() applies to single options; each throws AuthConfigError naming it.

/** `cache`: false, or the cache bounds with defaults applied. */
export function cacheOption(value: unknown): false | Required<VerifiedTokenCacheOptions> {
  if (value === false) return false;
  if (value === undefined || value === true) return { ...CACHE_DEFAULTS };
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new AuthConfigError('cache', 'expected true, false or { maxEntries?, maxBytes? }');
  }
  checkKnownCacheSettings(value);
  const known = ['maxEntries', 'maxBytes'] as const;
  const limits = value as VerifiedTokenCacheOptions;
  const resolved = { maxEntries: limits.maxEntries ?? CACHE_DEFAULTS.maxEntries, maxBytes: limits.maxBytes ?? CACHE_DEFAULTS.maxBytes };
  for (const name of known) {
    if (!Number.isSafeInteger(resolved[name]) || resolved[name] < 1) {
      throw new AuthConfigError(`cache.${name}`, 'expected a whole number >= 1');
    }
  }
  return resolved;
}

/** An absolute https URL (http only on loopback). */
export function checkKeyUrl(option: 'jwksUrl' | 'issuer', value: unknown): void {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new AuthConfigError(option, 'expected an absolute URL');
  }
  if (!isAllowedKeyUrl(url)) {
    throw new AuthConfigError(option, 'must use https (plain http is allowed for localhost only)');
  }
}

/** A finite number >= `min`, or the fallback when absent. */
export function numberOption(options: AuthModuleOptions, name: keyof AuthModuleOptions, fallback: number, min: number): number {
  const value = options[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new AuthConfigError(name, `expected a finite number >= ${min}`);
  }
  return value;
}

/** true or false, or the fallback when absent. */
export function booleanOption(options: AuthModuleOptions, name: keyof AuthModuleOptions, fallback: boolean): boolean {
  const value = options[name] ?? fallback;
  if (typeof value !== 'boolean') throw new AuthConfigError(name, 'expected true or false');
  return value;
}

/** A non-empty string, or undefined when absent. */
export function optionalString(options: AuthModuleOptions, name: keyof AuthModuleOptions): string | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new AuthConfigError(name, 'expected a non-empty string');
  return value;
}

/** One non-empty string or a non-empty list of them, as a list; undefined when absent. */
export function stringList(options: AuthModuleOptions, name: keyof AuthModuleOptions): string[] | undefined {
  const value: unknown = options[name];
  if (value === undefined) return undefined;
  const list = nonEmptyStrings(value);
  if (!list) throw new AuthConfigError(name, 'expected a non-empty string or a non-empty list of non-empty strings');
  return list;
}

/** `scopeClaim`: the name of one claim (a non-empty string of printable ASCII), or undefined when absent. */
export function scopeClaimOption(options: AuthModuleOptions): string | undefined {
  const value = optionalString(options, 'scopeClaim');
  if (value !== undefined && !/^[\x21-\x7e]+$/.test(value)) throw new AuthConfigError('scopeClaim', 'expected a claim name, e.g. "scp"');
  return value;
}
