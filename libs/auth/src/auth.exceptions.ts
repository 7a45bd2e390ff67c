import { ForbiddenException, HttpException, HttpStatus, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { UNAVAILABLE_MESSAGE, type AuthDenial } from './policy/denials.js';

export * from './policy/denials.js';

/**
 * The Nest HTTP exception of a denial; the body names the reason only in debug mode. A
 * reverification denial's body is exactly Clerk's `{ clerk_error }`.
 */
export function toHttpException(denial: AuthDenial, debug: boolean): HttpException {
  if (denial.clerkError) return new ForbiddenException({ clerk_error: denial.clerkError });
  const extra = debug ? { reason: denial.reason, ...(denial.detail ? { detail: denial.detail } : {}) } : {};
  switch (denial.status) {
    case 401:
      return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized', ...extra });
    case 403:
      return new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: 'Forbidden', ...extra });
    default:
      return new ServiceUnavailableException({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: 'Service Unavailable',
        message: UNAVAILABLE_MESSAGE,
        ...extra,
      });
  }
}
