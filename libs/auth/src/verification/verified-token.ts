import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { signedInAuthObject, type SignedInAuthObject } from '../auth-object/auth-object.js';
import { readGrants } from '../auth-object/authorization-grants.js';
import { readSessionFields, type SessionFields } from '../auth-object/claims.js';
import { machineAuthObject, type MachineAuthObject } from '../auth-object/machine-auth-object.js';
import { readScopes } from '../auth-object/scopes.js';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { IssuerConfig } from '../config/resolved-options.js';
import { deepFreeze } from './deep-freeze.js';
import type { TokenType } from './token-class.js';

/**
 * A token that passed every check, with its class and the signed-in auth object made from it.
 * Frozen: the same object serves every request carrying the token while it is cached.
 */
export interface VerifiedToken {
  token: string;
  /** Decides which auth object was built and which routes accept the token. */
  tokenType: TokenType;
  /** The JWS protected header; absent for a token verified without one (an opaque token). */
  header?: JWTHeaderParameters;
  claims: JWTPayload;
  /** The session fields; null for machine tokens. */
  fields: SessionFields | null;
  auth: SignedInAuthObject | MachineAuthObject;
}

/** The options of one issuer (entry) that shape the result: grants, authorized parties, token templates, the scope claim. */
export type VerifiedTokenRules = Pick<IssuerConfig, 'authorization' | 'authorizedParties' | 'getTokenTemplate' | 'scopeClaim'>;

/**
 * Turns the claims of a token whose signature (or introspection) and standard claim checks passed
 * into the final, frozen {@link VerifiedToken} of its class: the class's own checks (`azp` for
 * sessions), the typed fields and the auth object. The one place that builds results, for every
 * way of verifying a token. Throws {@link AuthError}; synchronous. `claims` are frozen in place.
 */
export function buildVerifiedToken(
  rules: VerifiedTokenRules,
  token: string,
  tokenType: TokenType,
  claims: JWTPayload,
  header?: JWTHeaderParameters,
): VerifiedToken {
  const grants = rules.authorization ? readGrants(rules.authorization, claims) : undefined;
  if (tokenType !== 'session_token') {
    const auth = machineAuthObject(tokenType, claims, token, grants, rules.scopeClaim);
    return deepFreeze({ token, tokenType, header, claims, fields: null, auth });
  }
  checkAuthorizedParty(rules.authorizedParties, claims);
  const fields = readSessionFields(claims);
  fields.grants = grants;
  fields.scopes = readScopes(claims, tokenType, rules.scopeClaim);
  const auth = signedInAuthObject(claims, fields, token, rules.getTokenTemplate);
  return deepFreeze({ token, tokenType, header, claims, fields, auth });
}

function checkAuthorizedParty(parties: readonly string[] | undefined, claims: JWTPayload): void {
  if (!parties) return;
  const azp = (claims as { azp?: unknown }).azp;
  if (typeof azp !== 'string' || !parties.includes(azp)) {
    throw new AuthError(AuthErrorReason.TokenInvalidAuthorizedParty, 'the token azp is not an authorized party');
  }
}
