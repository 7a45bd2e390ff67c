import type { AuthObject } from './auth-object.js';
import { AUTH_STATE } from './auth.constants.js';
import { carrierOf, type AuthCarrier } from './request-context.js';

/**
 * The auth object of a request the `AuthGuard` has seen (Clerk's `getAuth(req)`); also of a
 * WebSocket client (`@ConnectedSocket()`) or an RPC message's context (`@Ctx()`) it has seen.
 * Throws when the guard never ran on this request, rather than pretending it is signed out.
 *
 * @example
 * @Get('me') me(@Req() req: Request) { const { userId } = getAuth(req); }
 */
export function getAuth(request: object): AuthObject {
  const state = (request as AuthCarrier | null | undefined)?.[AUTH_STATE] ?? carrierOf(request)?.[AUTH_STATE];
  if (!state) {
    throw new Error(
      'nest-warden: getAuth() found no auth on this request: AuthGuard did not run for it. ' +
        'Import AuthModule.forRoot({ ..., global: true }) or add @UseGuards(AuthGuard) to the controller.',
    );
  }
  return state.auth;
}
