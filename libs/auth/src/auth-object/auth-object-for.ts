import type { AcceptsToken, MachineTokenType, TokenType } from '../verification/token-class.js';
import type { SignedInAuthObject, SignedOutAuthObject } from './auth-object.js';
import type { MachineAuthObject, SignedOutMachineAuthObject } from './machine-auth-object.js';

export type { AnyAuthObject } from './auth-result.js';

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
  | (A extends MachineTokenType
      ? SignedOutMachineAuthObject<A>
      : A extends readonly [infer C extends MachineTokenType]
        ? SignedOutMachineAuthObject<C>
        : SignedOutAuthObject);
