import type { AuthObject } from './auth-object/auth-object.js';
import { authStateOf, carrierOf } from './request-context.js';

/**
 * The auth object of a request the `AuthGuard` has seen (Clerk's `getAuth(req)`); also of a
 * WebSocket client (`@ConnectedSocket()`) or an RPC message's context (`@Ctx()`) it has seen.
 * Throws when the guard never ran on this request, rather than pretending it is signed out.
 *
 * @example
 * @Get('me') me(@Req() req: Request) { const { userId } = getAuth(req); }
 */
export function getAuth(request: object): AuthObject {
  const carrier = request !== null && typeof request === 'object' ? request : undefined;
  const indirect = carrierOf(request);
  const state = (carrier && authStateOf(carrier)) ?? (indirect && authStateOf(indirect));
  if (!state) {
    throw new Error(
      'nestjs-warden: getAuth() found no auth on this request: AuthGuard did not run for it. ' +
        'Import AuthModule.forRoot({ ..., global: true }) or add @UseGuards(AuthGuard) to the controller.',
    );
  }
  return state.auth;
}
