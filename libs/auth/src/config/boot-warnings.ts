import type { AuthModuleOptions } from './auth-options.js';
import type { IssuerConfig, ResolvedAuthOptions } from './resolved-options.js';

/**
 * Options that narrow which of an issuer's tokens this app accepts to the ones meant for it. One
 * issuer (a Keycloak realm, an Auth0 tenant, an OIDC provider) signs tokens for every client it
 * serves with the same keys; without one of these, a token issued to any of them is accepted here.
 * `acceptsToken` counts when set explicitly (it narrows by token class); `checkClaims` counts because
 * the library cannot see inside it, and presets (Cognito's `client_id`) and apps narrow there.
 * Extend this list when an option that narrows is added. It is read on the options as the app gave
 * them, so an option with a default counts only when set explicitly.
 */
export const NARROWING_OPTIONS = ['audience', 'authorizedParties', 'typ', 'acceptsToken', 'checkClaims'] as const satisfies ReadonlyArray<
  keyof AuthModuleOptions
>;

/**
 * The warnings to log at boot for options that work but leave a door open; never names a value.
 * `given` are the options as the app passed them, `resolved` the same after defaults.
 *
 * @example
 * for (const warning of bootWarnings(options, resolveAuthOptions(options))) logger.warn(warning);
 */
export function bootWarnings(given: AuthModuleOptions, resolved: ResolvedAuthOptions): string[] {
  // Several issuers: each entry of `issuers` is checked as a module of its own would be (it always
  // has an issuer); what resolveIssuer answers is not known at boot.
  const { issuers } = resolved;
  if (issuers.single) return issuerWarnings(given, issuers.entries[0]);
  return issuers.entries.flatMap((entry, i) => issuerWarnings({ ...given, ...given.issuers?.[i] }, entry).map((warning) => `issuers[${i}]: ${warning}`));
}

function issuerWarnings(given: AuthModuleOptions, resolved: IssuerConfig): string[] {
  const warnings: string[] = [];
  if (!resolved.issuer) {
    warnings.push('No "issuer" configured: any issuer whose tokens these keys verify is accepted. Set the issuer option.');
  }
  // A shared secret belongs to this app alone; asymmetric keys are the issuer's, shared by its clients.
  const asymmetric = resolved.secret === undefined;
  if (asymmetric && NARROWING_OPTIONS.every((name) => given[name] === undefined)) {
    warnings.push(
      'No "audience", "authorizedParties", "typ" or "acceptsToken" configured: a token the issuer made for any of its clients is accepted. ' +
        'Set audience (the API identifier in aud) or authorizedParties (the client ids or origins in azp).',
    );
  }
  return warnings;
}
