import { applyDecorators, createParamDecorator, Header, HttpCode, SetMetadata, UseGuards, type ExecutionContext } from '@nestjs/common';
import { AUTH_GUARD_NOT_NEEDED_METADATA } from '../../auth.constants.js';
import { OptionalAuth } from '../../auth.decorators.js';
import { BackchannelLogoutGuard, logoutEventOf } from './backchannel-logout.guard.js';

/**
 * Makes a POST handler the back-channel logout endpoint (`backchannel_logout_uri`) of an OpenID
 * Connect client: `BackchannelLogoutGuard` verifies the logout token and revokes the session before
 * the handler runs (400 otherwise, revoking nothing); the handler may read the logout with
 * `@LogoutEvent()` (to end sessions of its own) and answers 200 with `Cache-Control: no-store`. The
 * route carries no user token: it is `@OptionalAuth()` for a global AuthGuard and needs no AuthGuard
 * at all (the boot check knows).
 *
 * @example
 * @Controller('auth')
 * export class LogoutController {
 *   @Post('backchannel-logout')
 *   @BackchannelLogout()
 *   logout(@LogoutEvent() event: BackchannelLogoutEvent) {
 *     this.audit.record('logout', event.sub, event.sid);
 *   }
 * }
 */
export function BackchannelLogout(): MethodDecorator {
  return applyDecorators(
    OptionalAuth(),
    SetMetadata(AUTH_GUARD_NOT_NEEDED_METADATA, true),
    UseGuards(BackchannelLogoutGuard),
    HttpCode(200),
    Header('Cache-Control', 'no-store'),
  );
}

/** The verified logout of a `@BackchannelLogout()` handler. */
export const LogoutEvent: () => ParameterDecorator = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  logoutEventOf(context.switchToHttp().getRequest<object>()),
);
