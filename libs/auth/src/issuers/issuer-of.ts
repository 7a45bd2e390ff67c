import type { ResolvedAuthOptions } from '../config/auth-options.js';

// The issuer entry (with several issuers) whose options made an auth object: its `acceptsToken` and
// `treatPendingAsSignedOut` are the defaults for that object. Weak: entries live as long as the object.
const entries = new WeakMap<object, ResolvedAuthOptions>();

/** Remembers that `auth` was made by the issuer entry with these options. */
export function rememberIssuerEntry(auth: object, options: ResolvedAuthOptions): void {
  entries.set(auth, options);
}

/**
 * The options that decide the defaults for `auth`: its issuer entry's, with several issuers, else
 * the module's.
 */
export function optionsFor(auth: object, moduleOptions: ResolvedAuthOptions): ResolvedAuthOptions {
  return entries.get(auth) ?? moduleOptions;
}
