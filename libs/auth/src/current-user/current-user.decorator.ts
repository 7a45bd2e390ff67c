import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_PARAM_METADATA, AUTH_POLICY_METADATA } from '../auth.constants.js';
import type { RegisteredUser } from '../config/current-user-options.js';
import { admit } from '../policy/admit.js';
import type { AuthPolicy } from '../policy/route-policy.js';
import { contextTypeOf, getAuthCarrier, storedVerification } from '../request-context.js';
import { CurrentUserPipe, UserParam } from './current-user.pipe.js';

/**
 * The app's user type, declared once in `CurrentUserRegistry` (`unknown` until it is): what
 * `loadUser` returns and what a `@CurrentUser()` parameter holds.
 */
export type CurrentUser = RegisteredUser;

const reflector = new Reflector();

const userParam = createParamDecorator((_data: unknown, context: ExecutionContext): UserParam => {
  const transport = contextTypeOf(context);
  const carrier = getAuthCarrier(context);
  const verification = carrier && storedVerification(carrier);
  if (!carrier || !verification) {
    throw new Error('nestjs-warden: @CurrentUser() found no auth on this request: AuthGuard did not run for it (global: true, or @UseGuards(AuthGuard))');
  }
  // This route's own classes and issuers: the carrier may be shared with routes that accept others (GraphQL fields).
  const policy = reflector.getAllAndOverride<AuthPolicy | undefined>(AUTH_POLICY_METADATA, [context.getHandler(), context.getClass()]);
  const signedIn = admit(verification, { acceptsToken: policy?.acceptsToken, issuer: policy?.issuer }, 'session_token').auth.isAuthenticated;
  const response = transport === 'http' ? context.switchToHttp().getResponse<object>() : undefined;
  return new UserParam({ carrier, verification, signedIn, transport }, response);
});

/**
 * Injects the user behind the request's token, as the module's `loadUser` loads it: after the guard
 * decided, at most once per request however many parameters ask, and never for handlers that do not
 * ask. Signed out on an optional route: null. No user: 401 (or 403, `currentUser.whenMissing`); the
 * loader failing or too slow: 503 `user-unavailable` (never a 500, never signed in).
 *
 * @example
 * declare module 'nestjs-warden' {
 *   interface CurrentUserRegistry { user: AppUser }
 * }
 * @Get('me') me(@CurrentUser() user: CurrentUser) { return user; }
 */
export function CurrentUser(): ParameterDecorator {
  const inject = userParam(undefined, CurrentUserPipe);
  return (target, method, index) => {
    inject(target, method, index);
    // Read by the boot check that every handler reading the auth is guarded.
    if (method !== undefined) Reflect.defineMetadata(AUTH_PARAM_METADATA, true, target.constructor, method);
  };
}
