import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { signedInAuthObject, type SignedInAuthObject } from '../auth-object/auth-object.js';
import { readGrants } from '../auth-object/authorization-grants.js';
import { readSessionFields, type SessionFields } from '../auth-object/claims.js';
import { machineAuthObject, type MachineAuthObject } from '../auth-object/machine-auth-object.js';
import { readScopes } from '../auth-object/scopes.js';
import { tokenBindingOf } from '../auth-object/token-binding.js';
import type { IssuerConfig } from '../config/resolved-options.js';
import { deepFreeze } from './deep-freeze.js';
import type { TokenType } from './token-class.js';
import type { TokenOrigin, Verification } from './verification.js';

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
  /** The issuer entry whose rules verified the token: its classes, pending rule and skew travel with it. */
  issuer: IssuerConfig;
  /** The session fields; null for machine tokens. */
  fields: SessionFields | null;
  auth: SignedInAuthObject | MachineAuthObject;
  /**
   * The verification a cache hit answers, by where the token was found: made on the first hit from
   * each source and kept, so a cached token's requests share one frozen value.
   */
  readonly hits: Partial<Record<TokenOrigin, Verification>>;
}

/**
 * Turns the claims of a token whose signature (or introspection) and standard claim checks passed
 * into the final, frozen {@link VerifiedToken} of its class, for the issuer entry that verified it:
 * the typed fields and the auth object. Whether a route accepts it (class, `azp`, pending sessions)
 * is decided later, from the verification (`decide`). The one place that builds results, for every
 * way of verifying a token. Throws {@link AuthError} for claims of the wrong type; synchronous.
 * `claims` are frozen in place; the issuer entry is not.
 */
export function buildVerifiedToken(issuer: IssuerConfig, token: string, tokenType: TokenType, claims: JWTPayload, header?: JWTHeaderParameters): VerifiedToken {
  const grants = issuer.authorization ? readGrants(issuer.authorization, claims) : undefined;
  const binding = tokenBindingOf(claims);
  if (tokenType !== 'session_token') {
    const auth = machineAuthObject(tokenType, claims, token, grants, issuer.scopeClaim, binding);
    return withIssuer(deepFreeze({ token, tokenType, header, claims, fields: null, auth }), issuer);
  }
  const fields = readSessionFields(claims);
  fields.grants = grants;
  fields.scopes = readScopes(claims, tokenType, issuer.scopeClaim);
  const auth = signedInAuthObject(claims, fields, token, issuer.getTokenTemplate, binding);
  return withIssuer(deepFreeze({ token, tokenType, header, claims, fields, auth }), issuer);
}

/** The frozen result with its issuer entry: the entry is shared config, never frozen with it. */
function withIssuer(frozen: Omit<VerifiedToken, 'issuer' | 'hits'>, issuer: IssuerConfig): VerifiedToken {
  return Object.freeze({ ...frozen, issuer, hits: {} });
}
