import { isIP } from 'node:net';
import type { AuthModuleOptions, ResolvedAuthOptions } from '../auth.options.js';
import { AuthConfigError } from '../auth-config-error.js';
import { AUTH_OPTION_NAMES, checkKeys } from '../boot-checks/known-options.js';
import { numberOption } from '../option-checks.js';
import { isPublicAddress } from '../verification/public-address.js';
import { ISSUER_KEY_OPTIONS, ISSUER_OPTION_NAMES, ISSUER_RESOLUTION_DEFAULTS, type IssuerResolver, type SeveralIssuersOptions } from './issuer-options.js';

/** {@link SeveralIssuersOptions} after validation: what the verifier reads. */
export interface ResolvedIssuers {
  /** The entries of `issuers`, each resolved with the top-level defaults, in order. */
  entries: ResolvedAuthOptions[];
  resolve: IssuerResolver | undefined;
  maxIssuers: number;
  ttlInMs: number;
  maxCalls: number;
  timeoutInMs: number;
  /** `resolveIssuerAddresses`: where the key material of resolved issuers may be fetched from. */
  addresses: 'public' | 'any';
  /** The resolved options for what `resolveIssuer` answered for `iss`. Throws {@link AuthConfigError}. */
  entryFor(iss: string, answer: unknown): ResolvedAuthOptions;
  /** Every `authorizedParties` value, of the top level and of the entries: origins whose pages may send the session cookie. */
  authorizedParties: string[] | undefined;
}

type ResolveOptions = (options: AuthModuleOptions) => ResolvedAuthOptions;

const RESOLUTION_OPTIONS = ['maxIssuers', 'resolveIssuerTtlInMs', 'resolveIssuerMaxCalls', 'resolveIssuerTimeoutInMs', 'resolveIssuerAddresses'] as const;
// Stryker disable next-line MethodExpression: the key options are refused at the top level before defaults are read.
const INHERITED = ISSUER_OPTION_NAMES.filter((name) => !(ISSUER_KEY_OPTIONS as readonly string[]).includes(name));

/**
 * Validates `issuers`, `resolveIssuer` and their settings: undefined when neither is set (one
 * issuer, as before). Every problem is an {@link AuthConfigError} naming the entry and the option,
 * e.g. `issuers[1].audience`. `resolveOne` resolves the options of one issuer.
 */
export function resolveIssuers(options: AuthModuleOptions & SeveralIssuersOptions, resolveOne: ResolveOptions): ResolvedIssuers | undefined {
  const { issuers, resolveIssuer } = options;
  if (issuers === undefined && resolveIssuer === undefined) {
    for (const name of RESOLUTION_OPTIONS) {
      if (options[name] !== undefined) throw new AuthConfigError(name, 'applies only with resolveIssuer');
    }
    return undefined;
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
  const defaults: AuthModuleOptions = { clock: options.clock };
  // Stryker disable next-line ConditionalExpression: an option set to undefined is the same as an absent one to resolveAuthOptions.
  for (const name of INHERITED) if (options[name] !== undefined) Object.assign(defaults, { [name]: options[name] });
  const entries = (issuers ?? []).map((entry, i) => resolveEntry(`issuers[${i}]`, entry, defaults, resolveOne));
  checkDistinctIssuers(entries);
  const parties = [...(options.authorizedParties ?? []), ...entries.flatMap((entry) => entry.authorizedParties ?? [])];
  return {
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
      const entry = resolveEntry('resolveIssuer()', { ...answer, issuer: iss }, defaults, resolveOne);
      if (addresses === 'any') return entry;
      checkPublicKeyUrl(entry);
      return { ...entry, publicAddressesOnly: true };
    },
    authorizedParties: parties.length ? [...new Set(parties)] : undefined,
  };
}

function resolveEntry(label: string, entry: unknown, defaults: AuthModuleOptions, resolveOne: ResolveOptions): ResolvedAuthOptions {
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
  return labelled(label, () => resolveOne({ ...defaults, ...entry }));
}

/** Runs `run`; an {@link AuthConfigError} it throws names the issuer entry too (`issuers[1].audience`). */
export function labelled<T>(label: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof AuthConfigError) throw new AuthConfigError(`${label}.${error.option}`, error.problem);
    throw error;
  }
}

function checkDistinctIssuers(entries: ResolvedAuthOptions[]): void {
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
  const value = numberOption(options as AuthModuleOptions, name, fallback, 1);
  if (!Number.isSafeInteger(value)) throw new AuthConfigError(name, 'expected a whole number >= 1');
  return value;
}

/**
 * Under `resolveIssuerAddresses: 'public'`, what can be told without DNS: an answered `jwksUrl` (or,
 * without one, the issuer whose discovery document would be fetched) whose host is `localhost` or
 * an IP address that is not public is refused at once, naming the option. Host names are checked
 * when they are resolved, before each connection.
 */
function checkPublicKeyUrl(entry: ResolvedAuthOptions): void {
  const [option, location] = entry.jwksUrl !== undefined ? ['jwksUrl', entry.jwksUrl] : ['issuer', entry.issuer?.[0]];
  if (location === undefined || entry.jwks !== undefined || entry.jwtKey !== undefined || entry.secret !== undefined) return;
  let host: string;
  try {
    host = new URL(location).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return; // not a URL: nothing will be fetched from it (the key source refuses it)
  }
  if (/^localhost\.?$/i.test(host) || /\.localhost\.?$/i.test(host) || (isIP(host) !== 0 && !isPublicAddress(host))) {
    throw new AuthConfigError(`resolveIssuer().${option}`, "names a loopback or private address; with resolveIssuerAddresses: 'public' key material comes from public addresses only");
  }
}
