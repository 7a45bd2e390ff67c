import { isIP } from 'node:net';
import type { AuthModuleOptions } from './auth-options.js';
import { AuthConfigError, labelled } from './auth-config-error.js';
import { AUTH_OPTION_NAMES, checkKeys } from './known-options.js';
import { numberOption } from './option-checks.js';
import { isPublicAddress } from '../verification/public-address.js';
import { ISSUER_KEY_OPTIONS, ISSUER_OPTION_NAMES, ISSUER_RESOLUTION_DEFAULTS, type SeveralIssuersOptions } from './issuer-options.js';
import { resolveIssuerConfig } from './resolve-issuer-config.js';
import type { IssuerConfig, ResolvedIssuers } from './resolved-options.js';

export type { ResolvedIssuers } from './resolved-options.js';
export { labelled } from './auth-config-error.js';

const RESOLUTION_OPTIONS = ['maxIssuers', 'resolveIssuerTtlInMs', 'resolveIssuerMaxCalls', 'resolveIssuerTimeoutInMs', 'resolveIssuerAddresses'] as const;
// Stryker disable next-line MethodExpression: the key options are refused at the top level before defaults are read.
const INHERITED = ISSUER_OPTION_NAMES.filter((name) => !(ISSUER_KEY_OPTIONS as readonly string[]).includes(name));

/**
 * Validates the issuers a module trusts: the one of a module configured with one (its key options at
 * the top level), or `issuers`, `resolveIssuer` and their settings. Every problem is an
 * {@link AuthConfigError} naming the entry and the option, e.g. `issuers[1].audience`.
 */
export function resolveIssuers(options: AuthModuleOptions & SeveralIssuersOptions): ResolvedIssuers {
  const { issuers, resolveIssuer } = options;
  if (issuers === undefined && resolveIssuer === undefined) {
    for (const name of RESOLUTION_OPTIONS) {
      if (options[name] !== undefined) throw new AuthConfigError(name, 'applies only with resolveIssuer');
    }
    return singleIssuer(resolveIssuerConfig(options, ''));
  }
  for (const name of ISSUER_KEY_OPTIONS) {
    if (options[name] !== undefined) {
      throw new AuthConfigError(name, 'with issuers or resolveIssuer, set it in each issuer entry (or in what resolveIssuer answers), not at the top level');
    }
  }
  if (resolveIssuer !== undefined && typeof resolveIssuer !== 'function') {
    throw new AuthConfigError('resolveIssuer', 'expected a function (iss) => issuer options | null');
  }
  if (issuers !== undefined && (!Array.isArray(issuers) || (issuers.length === 0 && resolveIssuer === undefined))) {
    throw new AuthConfigError('issuers', 'expected a non-empty list of issuer options, e.g. [clerk({ ... }), auth0({ ... })]');
  }
  if (resolveIssuer === undefined) {
    for (const name of RESOLUTION_OPTIONS) {
      if (options[name] !== undefined) throw new AuthConfigError(name, 'applies only with resolveIssuer');
    }
  }
  const addresses = options.resolveIssuerAddresses ?? ISSUER_RESOLUTION_DEFAULTS.resolveIssuerAddresses;
  if (addresses !== 'public' && addresses !== 'any') throw new AuthConfigError('resolveIssuerAddresses', "expected 'public' or 'any'");
  const defaults: AuthModuleOptions = {};
  // Stryker disable next-line ConditionalExpression: an option set to undefined is the same as an absent one to resolveIssuerConfig.
  for (const name of INHERITED) if (options[name] !== undefined) Object.assign(defaults, { [name]: options[name] });
  // The defaults are checked at boot, named as the app wrote them, even when no entry is known yet.
  // Stryker disable next-line StringLiteral: the entry this returns is dropped (the call only checks), and its errors do not read the label.
  resolveIssuerConfig(defaults, '', false);
  const entries = (issuers ?? []).map((entry, i) => resolveEntry(`issuers[${i}]`, entry, defaults));
  checkDistinctIssuers(entries);
  const parties = [...(options.authorizedParties ?? []), ...entries.flatMap((entry) => entry.authorizedParties ?? [])];
  return {
    single: false,
    entries,
    resolve: resolveIssuer,
    maxIssuers: wholeNumber(options, 'maxIssuers', ISSUER_RESOLUTION_DEFAULTS.maxIssuers),
    ttlInMs: wholeNumber(options, 'resolveIssuerTtlInMs', ISSUER_RESOLUTION_DEFAULTS.resolveIssuerTtlInMs),
    maxCalls: wholeNumber(options, 'resolveIssuerMaxCalls', ISSUER_RESOLUTION_DEFAULTS.resolveIssuerMaxCalls),
    timeoutInMs: wholeNumber(options, 'resolveIssuerTimeoutInMs', ISSUER_RESOLUTION_DEFAULTS.resolveIssuerTimeoutInMs),
    addresses,
    entryFor: (iss, answer) => {
      if (!answer || typeof answer !== 'object' || Array.isArray(answer)) {
        throw new AuthConfigError('resolveIssuer', 'must answer issuer options or null');
      }
      const named = (answer as { issuer?: unknown }).issuer;
      if (named !== undefined && named !== iss) {
        throw new AuthConfigError('resolveIssuer', 'answered options whose issuer is not the token iss it was asked about');
      }
      const entry = resolveEntry('resolveIssuer()', { ...answer, issuer: iss }, defaults);
      if (addresses === 'any') return entry;
      checkPublicKeyUrl(entry);
      return { ...entry, publicAddressesOnly: true };
    },
    authorizedParties: parties.length ? [...new Set(parties)] : undefined,
  };
}

/** A module with one issuer: its entry verifies every token. */
function singleIssuer(entry: IssuerConfig): ResolvedIssuers {
  return {
    single: true,
    entries: [entry],
    resolve: undefined,
    maxIssuers: ISSUER_RESOLUTION_DEFAULTS.maxIssuers,
    ttlInMs: ISSUER_RESOLUTION_DEFAULTS.resolveIssuerTtlInMs,
    maxCalls: ISSUER_RESOLUTION_DEFAULTS.resolveIssuerMaxCalls,
    timeoutInMs: ISSUER_RESOLUTION_DEFAULTS.resolveIssuerTimeoutInMs,
    addresses: 'any',
    entryFor: () => {
      throw new AuthConfigError('resolveIssuer', 'is not set');
    },
    authorizedParties: entry.authorizedParties,
  };
}

function resolveEntry(label: string, entry: unknown, defaults: AuthModuleOptions): IssuerConfig {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new AuthConfigError(label, 'expected issuer options, e.g. clerk({ ... }) or { jwksUrl, issuer, audience }');
  }
  for (const key of Object.keys(entry)) {
    if ((ISSUER_OPTION_NAMES as readonly string[]).includes(key)) continue;
    if (AUTH_OPTION_NAMES.includes(key)) throw new AuthConfigError(`${label}.${key}`, 'is module-wide: set it at the top level, next to issuers');
    // Stryker disable next-line BooleanLiteral: checkKeys reads the keys only.
    checkKeys({ [key]: true }, ISSUER_OPTION_NAMES, `${label}.`);
  }
  if ((entry as AuthModuleOptions).issuer === undefined) {
    throw new AuthConfigError(`${label}.issuer`, "is required: a token's iss selects its issuer entry by exact match");
  }
  return labelled(label, () => resolveIssuerConfig({ ...defaults, ...entry }, label));
}

function checkDistinctIssuers(entries: IssuerConfig[]): void {
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    // Stryker disable next-line ArrayDeclaration: every entry has an issuer (checked by resolveEntry).
    for (const issuer of entry.issuer ?? []) {
      const first = seen.get(issuer);
      if (first !== undefined && first !== i) {
        throw new AuthConfigError(`issuers[${i}].issuer`, `names an issuer issuers[${first}] names too: one iss must select one entry`);
      }
      seen.set(issuer, i);
    }
  });
}

function wholeNumber(options: SeveralIssuersOptions, name: (typeof RESOLUTION_OPTIONS)[number], fallback: number): number {
  const value = numberOption(options, name, fallback, 1);
  if (!Number.isSafeInteger(value)) throw new AuthConfigError(name, 'expected a whole number >= 1');
  return value;
}

/**
 * Under `resolveIssuerAddresses: 'public'`, what can be told without DNS: an answered `jwksUrl` (or,
 * without one, the issuer whose discovery document would be fetched) whose host is `localhost` or
 * an IP address that is not public is refused at once, naming the option. Host names are checked
 * when they are resolved, before each connection.
 */
function checkPublicKeyUrl(entry: IssuerConfig): void {
  const [option, location] = entry.jwksUrl !== undefined ? ['jwksUrl', entry.jwksUrl] : ['issuer', entry.issuer?.[0]];
  if (location === undefined || entry.jwks !== undefined || entry.jwtKey !== undefined || entry.secret !== undefined) return;
  let host: string;
  try {
    // Stryker disable next-line Regex: a URL's hostname holds a bracket only around an IPv6 address, first and last, so the anchors change nothing.
    host = new URL(location).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return; // not a URL: nothing will be fetched from it (the key source refuses it)
  }
  if (/^localhost\.?$/i.test(host) || /\.localhost\.?$/i.test(host) || (isIP(host) !== 0 && !isPublicAddress(host))) {
    throw new AuthConfigError(
      `resolveIssuer().${option}`,
      "names a loopback or private address; with resolveIssuerAddresses: 'public' key material comes from public addresses only",
    );
  }
}
