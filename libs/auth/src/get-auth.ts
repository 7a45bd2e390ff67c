import type { AuthObject, AuthResult } from './auth-object/auth-object.js';
import { resultForAccepted, type AuthObjectFor } from './auth-object/auth-object-for.js';
import { acceptedResultOf } from './carrier-verification.js';
import { authStateOf, carrierOf } from './request-context.js';
import { checkAcceptsToken, type AcceptsToken } from './verification/token-class.js';

/** Options of {@link getAuth}. */
export interface GetAuthOptions<A extends AcceptsToken = AcceptsToken> {
  /** The classes of token to see as signed in; any other is signed out. Default `'session_token'` (as Clerk's `getAuth`). */
  acceptsToken: A;
}

/**
 * The auth object of a request the `AuthGuard` has seen (Clerk's `getAuth(req)`); also of a
 * WebSocket client (`@ConnectedSocket()`) or an RPC message's context (`@Ctx()`) it has seen.
 * Throws when the guard never ran on this request, rather than pretending it is signed out.
 *
 * As in Clerk, it sees session tokens unless `acceptsToken` says otherwise: on a route that accepts
 * machine callers, ask for their classes and narrow on `tokenType`.
 *
 * @example
 * @Get('me') me(@Req() req: Request) { const { userId } = getAuth(req); }
 * @example
 * const auth = getAuth(req, { acceptsToken: ['session_token', 'm2m_token'] });
 * if (auth.tokenType === 'm2m_token' && auth.isAuthenticated) console.log(auth.machineId);
 */
export function getAuth<A extends AcceptsToken>(request: object, options: GetAuthOptions<A>): AuthObjectFor<A>;
export function getAuth(request: object): AuthObject;
export function getAuth(request: object, options?: GetAuthOptions): AuthObjectFor<AcceptsToken> {
  const accepts = options === undefined ? 'session_token' : checkAcceptsToken(options?.acceptsToken, 'getAuth({ acceptsToken })');
  const result = acceptedResultOf(request, accepts) ?? resultForAccepted(guardResultOf(request), accepts);
  return result.auth as AuthObjectFor<AcceptsToken>;
}

/** What the guard attached to the request, whatever its class (for `@Auth()`). Throws like {@link getAuth}. */
export function guardResultOf(request: object): AuthResult {
  const carrier = request !== null && typeof request === 'object' ? request : undefined;
  const indirect = carrierOf(request);
  const state = (carrier && authStateOf(carrier)) ?? (indirect && authStateOf(indirect));
  if (!state) {
    throw new Error(
      'nestjs-warden: getAuth() found no auth on this request: AuthGuard did not run for it. ' +
        'Import AuthModule.forRoot({ ..., global: true }) or add @UseGuards(AuthGuard) to the controller.',
    );
  }
  return state;
}
