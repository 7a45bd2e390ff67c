import type { AuthObject } from './auth-object/auth-object.js';
import type { AuthObjectFor } from './auth-object/auth-object-for.js';
import { admit, type Admission } from './policy/admit.js';
import { carrierOf, storedVerification } from './request-context.js';
import { checkAcceptsToken, type AcceptsToken } from './verification/token-class.js';
import type { Verification } from './verification/verification.js';

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
  // Stryker disable next-line OptionalChaining: `options` is defined on this branch (undefined is answered before the colon)
  const accepts = options === undefined ? 'session_token' : checkAcceptsToken(options?.acceptsToken, 'getAuth({ acceptsToken })');
  return admittedAuth(request, { acceptsToken: accepts });
}

/**
 * What a route that admits `route` sees of the verification the guard stored for `request` (a
 * request, a WebSocket client, an RPC context): the same rules as the guard's decision. Throws like
 * {@link getAuth} when the guard never ran.
 */
export function admittedAuth(request: object, route: Admission): AuthObjectFor<AcceptsToken> {
  // Undefined `acceptsToken`: the token issuer's default, as on the route itself.
  return admit(verificationFor(request), route, 'session_token').auth;
}

/** The verification the guard stored for `request` (or the carrier behind a WebSocket client or an RPC context). */
function verificationFor(request: object): Verification {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: null and undefined stop at `carrier &&` below, and Object.hasOwn of any other primitive is false: storedVerification gives undefined either way
  const carrier = request !== null && typeof request === 'object' ? request : undefined;
  const indirect = carrierOf(request);
  const stored = (carrier && storedVerification(carrier)) ?? (indirect && storedVerification(indirect));
  if (!stored) {
    throw new Error(
      'nestjs-warden: getAuth() found no auth on this request: AuthGuard did not run for it. ' +
        'Import AuthModule.forRoot({ ..., global: true }) or add @UseGuards(AuthGuard) to the controller.',
    );
  }
  return stored;
}
