import type { Provider } from '@nestjs/common';
import { AUTH_OBSERVER, AUTH_OPTIONS } from './auth.constants.js';
import type { ResolvedAuthOptions } from './config/resolved-options.js';
import { AuthService } from './auth.service.js';
import { createAuthObserver, type AuthObserver } from './auth-events.js';

export { AUTH_OBSERVER } from './auth.constants.js';

/**
 * Builds the observer at boot, before any lifecycle hook: the boot's key warm-up is counted, and a
 * missing `@opentelemetry/api` with `metrics: true` stops the boot naming the option.
 */
export const authObserverProvider: Provider = {
  provide: AUTH_OBSERVER,
  inject: [AUTH_OPTIONS, AuthService],
  useFactory: (options: ResolvedAuthOptions, service: AuthService | undefined): Promise<AuthObserver | null> => {
    const verifier = (service as Partial<AuthService> | undefined)?.verifier;
    return createAuthObserver(options, verifier && ((listener) => verifier.onKeySource(listener)));
  },
};
