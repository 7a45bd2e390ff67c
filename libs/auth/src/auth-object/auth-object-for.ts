import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { isTokenTypeAccepted, singleMachineClass, type AcceptsToken, type MachineTokenType, type TokenType } from '../verification/token-class.js';
import { signedOutResult, type AuthObject, type AuthResult, type SignedInAuthObject, type SignedOutAuthObject } from './auth-object.js';
import { signedOutMachineAuthObject, type MachineAuthObject, type SignedOutMachineAuthObject } from './machine-auth-object.js';
import { AUTH_RESULT } from './auth-object.js';

/** Every auth object this library makes: sessions and machines, signed in or out. Narrow on `tokenType` and `isAuthenticated`. */
export type AnyAuthObject = AuthObject | MachineAuthObject | SignedOutMachineAuthObject;

/** The classes an {@link AcceptsToken} value admits. */
export type AcceptedClasses<A extends AcceptsToken> = A extends 'any' ? TokenType : A extends readonly (infer C)[] ? C & TokenType : A & TokenType;

type SignedInFor<C extends TokenType> = C extends 'session_token' ? SignedInAuthObject : C extends MachineTokenType ? MachineAuthObject<C> : never;

/**
 * The signed-in auth object of a token accepted by `A` (what `AuthService.verifyToken(token, { acceptsToken: A })` resolves).
 *
 * @example
 * const auth: SignedInAuthObjectFor<'m2m_token'> = await authService.verifyToken(token, { acceptsToken: 'm2m_token' });
 */
export type SignedInAuthObjectFor<A extends AcceptsToken = 'any'> = SignedInFor<AcceptedClasses<A>>;

/**
 * The auth object of a route that accepts `A`: the signed-in object of each accepted class, or signed
 * out; a route accepting exactly one machine class is signed out as that class (as `@clerk/backend`),
 * any other route as a session.
 *
 * @example
 * @RequireAuth({ acceptsToken: ['session_token', 'm2m_token'] })
 * @Get('report') report(@Auth() auth: AuthObjectFor<['session_token', 'm2m_token']>) {
 *   if (auth.tokenType === 'm2m_token') return this.reports.forMachine(auth.machineId);
 * }
 */
export type AuthObjectFor<A extends AcceptsToken = 'any'> =
  | SignedInAuthObjectFor<A>
  | (A extends MachineTokenType ? SignedOutMachineAuthObject<A> : A extends readonly [infer C extends MachineTokenType] ? SignedOutMachineAuthObject<C> : SignedOutAuthObject);

/**
 * What a route that accepts `accepts` makes of an authentication result: the same result when its
 * token's class is accepted; otherwise signed out (`token-type-not-accepted`), as Clerk does. A route
 * that accepts exactly one machine class gets the signed-out object of that class. Machine tokens
 * count only from the Authorization header (or a transport's own token field), never from the
 * session cookie, as in `@clerk/backend`: `fromCookie` says where the token came from. A route
 * restricted to some issuers (`issuers`) signs out a token of any other (`token-invalid-issuer`).
 * Synchronous, and the same object when nothing changes, so cache hits stay cheap. An auth object
 * without `tokenType` (a guard subclass's own) counts as a session.
 */
export function resultForAccepted(result: AuthResult, accepts: AcceptsToken, fromCookie = false, issuers?: readonly string[]): AuthResult {
  const { auth } = result;
  const machine = singleMachineClass(accepts);
  if (auth.isAuthenticated) {
    // An object without a class (built by a guard subclass of an earlier version) counts as a session.
    const type = (auth.tokenType as TokenType | undefined) ?? 'session_token';
    let error: AuthError | undefined;
    if (!isTokenTypeAccepted(type, accepts) || (fromCookie && type !== 'session_token')) {
      error = new AuthError(AuthErrorReason.TokenTypeNotAccepted, 'the route does not accept this class of token');
    } else if (issuers && !issuers.includes((auth as { issuer?: unknown }).issuer as string)) {
      error = new AuthError(AuthErrorReason.TokenInvalidIssuer, 'the route does not accept tokens of this issuer');
    }
    if (!error) return result;
    return machine ? machineSignedOut(machine, error, true) : signedOutResult(error, true);
  }
  if (machine === undefined || auth.tokenType === machine) return result;
  return machineSignedOut(machine, result.error, result.tokenPresent);
}

function machineSignedOut(type: MachineTokenType, error: AuthError | null, tokenPresent: boolean): AuthResult {
  return (signedOutMachineAuthObject(type, error, tokenPresent) as unknown as { [AUTH_RESULT](): AuthResult })[AUTH_RESULT]();
}
