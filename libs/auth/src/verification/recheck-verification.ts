import type { IssuerVerifier } from './issuer-verifier.js';
import { toAuthError } from './jose-errors.js';
import type { RevocationGate } from './revocation-gate.js';
import { checkTimeWindow } from './time-window.js';
import { presentedVerification, signedOutVerification, withClientUat, type TokenOrigin, type Verification } from './verification.js';

/** What a recheck needs of the verifier that made the stored verification. */
export interface RecheckContext {
  /** Now, in ms since the epoch, on the verifier's clock. */
  now: number;
  /** Undefined when the issuer cannot have changed; else the verifier the token's `iss` selects now. Throws `AuthError` when none. */
  stillTrusted(stored: Verification): IssuerVerifier | Promise<IssuerVerifier> | undefined;
  revocation: RevocationGate;
  /** A new request's verification of the token (the issuer's answer changed). */
  authenticate(token: string, source: TokenOrigin | null): Verification | Promise<Verification>;
}

/**
 * Checks a verification made earlier (stored on a request or connection that outlives one check)
 * again, exactly as far as a new request with the same token would be checked: its time window to
 * the millisecond, with its issuer's skew; whether its issuer is still trusted (with `resolveIssuer`,
 * asked again once its answer is due: a changed answer verifies the token again under the new rules,
 * keeping the proof and the cookie state its request presented); and revocation. A signed-out
 * verification is returned as it is. Never throws; synchronous unless an `isRevoked` hook or
 * `resolveIssuer` has to be asked.
 */
export function recheckVerification(stored: Verification, context: RecheckContext): Verification | Promise<Verification> {
  const { claims, issuer, token } = stored;
  if (!stored.auth.isAuthenticated || claims === null) return stored;
  const refused = (error: unknown) => signedOutVerification(toAuthError(error), true, { token, source: stored.source, issuer });
  let trusted: IssuerVerifier | Promise<IssuerVerifier> | undefined;
  try {
    // Claims without exp (an opaque token's may have none) pass: their nbf and iat passed already.
    checkTimeWindow(claims, context.now, issuer ?? { clockSkewInMs: 0 });
    trusted = context.stillTrusted(stored);
  } catch (error) {
    return refused(error);
  }
  const revocationCheck = (): Verification | Promise<Verification> => {
    let pending: void | Promise<void>;
    try {
      // Stryker disable next-line ConditionalExpression: a shortcut; with neither hook nor store the check does nothing.
      pending = context.revocation.active ? context.revocation.ask(claims) : undefined;
    } catch (error) {
      return refused(error);
    }
    return pending ? pending.then(() => stored, refused) : stored;
  };
  const presented = (v: Verification) => withClientUat(v.auth.isAuthenticated ? presentedVerification(v, stored.scheme, stored.proof) : v, stored.clientUat);
  const judgedAgain = (t: string) => {
    const v = context.authenticate(t, stored.source);
    return v instanceof Promise ? v.then(presented) : presented(v);
  };
  const withIssuer = (current: IssuerVerifier) => (current.options !== issuer && token !== null ? judgedAgain(token) : revocationCheck());
  if (trusted === undefined) return revocationCheck();
  return trusted instanceof Promise ? trusted.then(withIssuer, refused) : withIssuer(trusted);
}
