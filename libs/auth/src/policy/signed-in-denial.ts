import type { AnyAuthObject } from '../auth-object/auth-object-for.js';
import { meetsStepUp } from '../auth-object/step-up.js';
import { forbiddenDenial, reverificationDenial, stepUpDenial, type AuthDenial } from './denials.js';
import type { AuthPolicy } from './route-policy.js';

/** What the signed-in rules need besides the policy: the challenge's realm, debug mode, the time and the token issuer's skew. */
export interface SignedInRules {
  realm: string;
  debug: boolean;
  /** Now, in ms since the epoch. */
  now: number;
  clockSkewInMs: number;
}

/**
 * What a required route makes of a signed-in caller: null to let it through, else the denial. In
 * this order, so a refusal names what would help:
 * 1. `@RequireAuth(has => …)` false, or a role / permission / feature / plan / scope missing: 403
 *    `insufficient_scope` (verifying again would not help);
 * 2. Clerk reverification not met: 403 with Clerk's `clerk_error` body;
 * 3. RFC 9470 `acr` / `auth_time` not met: 401 `insufficient_user_authentication`.
 */
export function signedInDenial(policy: AuthPolicy, auth: AnyAuthObject & { isAuthenticated: true }, rules: SignedInRules): AuthDenial | null {
  const { realm, debug } = rules;
  if (policy.predicate && !predicateAllows(policy.predicate, auth)) return forbiddenDenial(realm, debug);
  if (policy.check && !auth.has(policy.check)) return forbiddenDenial(realm, debug, policy.scopes);
  if (policy.reverification && !auth.has({ reverification: policy.reverification })) return reverificationDenial(policy.reverification);
  if (policy.stepUp && !meetsStepUp(policy.stepUp, auth.claims, rules.now / 1000, rules.clockSkewInMs / 1000)) return stepUpDenial(realm, policy.stepUp, debug);
  return null;
}

/** A predicate that throws refuses: a bug in it must not become a 500, nor let anyone in. */
function predicateAllows(predicate: NonNullable<AuthPolicy['predicate']>, auth: AnyAuthObject): boolean {
  try {
    return predicate((check) => auth.has(check)) === true;
  } catch {
    return false;
  }
}
