import { AUTH_POLICY_METADATA } from '../auth.constants.js';
import type { ResolvedAuthOptions } from '../config/resolved-options.js';
import type { AuthPolicy } from '../policy/route-policy.js';
import { methodsOf, scannedClasses, type CoverageTools } from './guard-coverage.js';

/**
 * The issuers a route may name in `@RequireAuth({ issuer })` / `@OptionalAuth({ issuer })`: every
 * issuer the module trusts, when that is a known list (the entries of `issuers`, or `issuer`);
 * undefined when any may come (`resolveIssuer`, or no `issuer` configured).
 */
export function trustedIssuers(options: ResolvedAuthOptions): ReadonlySet<string> | undefined {
  const { issuers } = options;
  if (issuers.single) return issuers.entries[0].issuer ? new Set(issuers.entries[0].issuer) : undefined;
  return issuers.resolve ? undefined : new Set(issuers.entries.flatMap((entry) => entry.issuer ?? []));
}

/**
 * Every route whose decorator names an issuer the module never trusts, as `Class.method ("iss")`,
 * sorted: such a route could never sign anyone in (a typo, a trailing slash). Class-level policies
 * are reported as `Class`.
 */
export function findUntrustedRouteIssuers({ discovery, scanner, reflector }: CoverageTools, trusted: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  const check = (where: string, policy: AuthPolicy | undefined) => {
    for (const issuer of policy?.issuer ?? []) if (!trusted.has(issuer)) found.add(`${where} ("${issuer.slice(0, 200)}")`);
  };
  for (const type of scannedClasses(discovery)) {
    check(type.name, reflector.get<AuthPolicy | undefined>(AUTH_POLICY_METADATA, type));
    for (const [name, handler] of methodsOf(scanner, type)) {
      check(`${type.name}.${name}`, reflector.get<AuthPolicy | undefined>(AUTH_POLICY_METADATA, handler));
    }
  }
  return [...found].sort();
}
