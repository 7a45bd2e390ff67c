import type { IssuerConfig, ResolvedAuthOptions } from '../config/resolved-options.js';

/** What decides the defaults of an auth object: its issuer's classes and pending rule. */
export type IssuerDefaults = Pick<IssuerConfig, 'acceptsToken' | 'treatPendingAsSignedOut' | 'clockSkewInMs'>;

// The issuer entry (with several issuers) whose options made an auth object: its `acceptsToken` and
// `treatPendingAsSignedOut` are the defaults for that object. Weak: entries live as long as the object.
const entries = new WeakMap<object, IssuerDefaults>();

/** Remembers that `auth` was made by the issuer entry with these options. */
export function rememberIssuerEntry(auth: object, options: IssuerDefaults): void {
  entries.set(auth, options);
}

/**
 * The options that decide the defaults for `auth`: its issuer entry's, with several issuers, else
 * the module's only issuer's.
 */
export function optionsFor(auth: object, moduleOptions: ResolvedAuthOptions): IssuerDefaults {
  const { issuers } = moduleOptions;
  return entries.get(auth) ?? (issuers.single ? issuers.entries[0] : { acceptsToken: moduleOptions.acceptsToken, treatPendingAsSignedOut: true, clockSkewInMs: 5000 });
}
