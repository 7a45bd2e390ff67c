import { type AuthModuleOptions, type ClaimsCheck } from '../config/auth-options.js';
import { AuthConfigError } from '../config/auth-config-error.js';

/** Options every preset passes through: everything but the key source and the issuer it derives. */
export type PresetPassthroughOptions = Omit<AuthModuleOptions, 'jwksUrl' | 'jwks' | 'jwtKey' | 'secret' | 'issuer'>;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/;

/**
 * The https base URL of a provider from a bare host (`tenant.auth0.com`) or a URL. Plain http is
 * accepted for loopback only (tests and local development), like `jwksUrl`; a real host is always
 * https. No query or fragment; no trailing slash.
 */
export function providerBaseUrl(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new AuthConfigError(option, 'expected a host name or an https URL');
  const text = value.trim();
  if (!text.includes('://')) {
    if (!HOST.test(text)) throw new AuthConfigError(option, 'expected a host name or an https URL');
    return `https://${text.toLowerCase()}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AuthConfigError(option, 'expected a host name or an https URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new AuthConfigError(option, 'must use https (plain http is allowed for localhost only)');
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new AuthConfigError(option, 'expected a base URL without credentials, query or fragment');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** A required non-empty string option of a preset. */
export function requiredString(option: string, value: unknown, pattern?: RegExp): string {
  if (typeof value !== 'string' || value === '' || (pattern && !pattern.test(value))) {
    throw new AuthConfigError(option, pattern ? `expected a string matching ${pattern}` : 'expected a non-empty string');
  }
  return value;
}

/** Runs the preset's own check first, then the user's: a user option adds checks, never removes them. */
export function combineChecks(preset: ClaimsCheck, user: ClaimsCheck | undefined): ClaimsCheck {
  if (!user) return preset;
  return async (claims, header) => (await preset(claims, header)) ?? user(claims, header);
}
