import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';

/**
 * How a sender-constrained token is bound to its client, from its `cnf` claim (RFC 7800): to a DPoP
 * key (RFC 9449, `cnf.jkt`: the key's RFC 7638 thumbprint) or to a client certificate (RFC 8705,
 * `cnf["x5t#S256"]`: the certificate's SHA-256 thumbprint). A request signed in with a bound token
 * proved it holds that key or certificate. A token bound both ways is a `'dpop'` binding that also
 * names the certificate; both were proved.
 *
 * @example
 * if (auth.binding?.type === 'dpop') log(`proof-of-possession key ${auth.binding.jkt}`);
 */
export type TokenBinding = { type: 'dpop'; jkt: string; x5tS256?: string } | { type: 'mtls'; x5tS256: string };

const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The binding a token's claims state, or undefined for a bearer token (no `cnf`). A `cnf` that binds
 * to nothing this library can check (not an object, `jkt` or `x5t#S256` not a SHA-256 thumbprint, or
 * only other confirmation methods such as `jwk`) refuses the token as `token-invalid-claims`: read as
 * a bearer token, it would be used without the proof its issuer asked for.
 *
 * @example
 * tokenBindingOf({ sub: 'a', cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }) // { type: 'dpop', jkt: '0ZcO…' }
 */
export function tokenBindingOf(claims: JWTPayload): TokenBinding | undefined {
  const cnf = (claims as { cnf?: unknown }).cnf;
  if (cnf === undefined) return undefined;
  // Stryker disable next-line ConditionalExpression: a JSON cnf that is not an object (a string, a number, a boolean) has neither jkt nor x5t#S256, so the last line refuses it the same way.
  if (cnf === null || typeof cnf !== 'object' || Array.isArray(cnf)) throw unusable();
  const { jkt, 'x5t#S256': x5t } = cnf as Record<string, unknown>;
  if (jkt !== undefined && (typeof jkt !== 'string' || !THUMBPRINT.test(jkt))) throw unusable();
  if (x5t !== undefined && (typeof x5t !== 'string' || !THUMBPRINT.test(x5t))) throw unusable();
  if (typeof jkt === 'string') return typeof x5t === 'string' ? { type: 'dpop', jkt, x5tS256: x5t } : { type: 'dpop', jkt };
  if (typeof x5t === 'string') return { type: 'mtls', x5tS256: x5t };
  throw unusable();
}

function unusable(): AuthError {
  return new AuthError(AuthErrorReason.TokenInvalidClaims, 'the token cnf claim binds it to nothing that can be checked');
}
