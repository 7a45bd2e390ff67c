import type { JWTPayload } from 'jose';
import type { AuthError } from '../auth.errors.js';
import type { IssuerConfig } from '../config/resolved-options.js';
import type { ResolvedOpaqueTokens } from '../config/opaque-token-options.js';
import { IntrospectionClient } from './introspection-client.js';
import { jwtClaimRules } from './issuer-verifier.js';
import { validateOpaqueClaims } from './opaque-token-claims.js';
import { checkTimeWindow } from './time-window.js';
import { opaqueTokenClassifier, type OpaqueTokenType } from './opaque-token-type.js';
import { OpaqueTokenVerifier, type OpaqueTokenSource } from './opaque-token-verifier.js';
import type { VerifiedToken } from './verified-token.js';

/** What the module's verifier lends its opaque-token verifier: its clock, its issuers, its error mapping. */
export interface OpaqueTokenRules {
  clock: () => number;
  /**
   * The issuer entry whose rules an answer must meet, by the `iss` it names (the same selection as a
   * JWT's `iss`), or a module's only issuer. Throws (or rejects with) `AuthError`: an `iss` no entry
   * trusts is `token-invalid-issuer`.
   */
  issuerFor: (iss: unknown) => IssuerConfig | Promise<IssuerConfig>;
  /** Maps a claim-check failure (jose's errors) to the AuthError of the same reason as for a JWT. */
  toAuthError: (error: unknown) => AuthError;
  /** Builds the verification of a token whose claims passed, for its issuer entry. */
  build: (token: string, tokenType: OpaqueTokenType, claims: JWTPayload, issuer: IssuerConfig) => VerifiedToken;
  /** Hears the start of each outage of introspection or the hook (a fixed text, safe to log). */
  onFailure?: (message: string) => void;
}

/**
 * The opaque-token verifier of one module instance: RFC 7662 introspection when `introspection` is
 * set, else the app's `verifyOpaqueToken` hook, behind one cache, one call per token at a time and
 * one cooldown. The answer's `iss` selects the issuer entry, exactly as a JWT's does; the claims are
 * then checked against that entry's rules like a JWT's (see `validateOpaqueClaims`; an `iss` the hook
 * leaves out is not asked for when the module has one issuer: the hook speaks for it).
 *
 * @example
 * const opaque = createOpaqueTokenVerifier(resolved.opaque, { clock, issuerFor, toAuthError, build });
 */
export function createOpaqueTokenVerifier(settings: ResolvedOpaqueTokens, rules: OpaqueTokenRules): OpaqueTokenVerifier<VerifiedToken> {
  let source: OpaqueTokenSource;
  if (settings.introspection) {
    const { endpoint, clientId, clientSecret, maxBytes } = settings.introspection;
    const client = new IntrospectionClient({ endpoint, clientId, clientSecret, maxBytes, timeoutInMs: settings.timeoutInMs });
    source = (token) => client.introspect(token);
  } else if (settings.verify) {
    const verify = settings.verify;
    source = (token, tokenType) => verify(token, tokenType);
  } else {
    throw new TypeError('opaque tokens need introspection or verifyOpaqueToken');
  }
  const fromHook = settings.verify !== undefined;
  const admit = async (raw: Record<string, unknown>, tokenType: OpaqueTokenType, token: string, now: number): Promise<VerifiedToken> => {
    const issuer = await rules.issuerFor(raw.iss);
    let claims: JWTPayload;
    try {
      const iss = fromHook && raw.iss === undefined ? undefined : issuer.issuer;
      claims = validateOpaqueClaims(raw, { ...jwtClaimRules(issuer), issuer: iss, currentDate: new Date(now) });
      checkTimeWindow(claims, now, issuer);
    } catch (error) {
      throw rules.toAuthError(error);
    }
    return rules.build(token, tokenType, claims, issuer);
  };
  const { clock, onFailure } = rules;
  // The settings' own skew only matters for the default time rules, which every verification replaces with its issuer's.
  const classify = opaqueTokenClassifier(settings.classesByPrefix);
  return new OpaqueTokenVerifier<VerifiedToken>(source, { ...settings, clockSkewInMs: 0, clock, onFailure, classify }, admit, (verified) => verified.issuer);
}
