import { Logger, type FactoryProvider } from '@nestjs/common';
import { AUTH_OPTIONS, CURRENT_USER_LOADER } from '../auth.constants.js';
import type { ResolvedAuthOptions } from '../config/resolved-options.js';
import { UserLoading } from './user-loading.js';

/** The module's user loading for `@CurrentUser()`: null without `loadUser`. */
export const userLoadingProvider: FactoryProvider<UserLoading | null> = {
  provide: CURRENT_USER_LOADER,
  inject: [AUTH_OPTIONS],
  useFactory: (options: ResolvedAuthOptions) => {
    if (!options.currentUser) return null;
    const logger = new Logger('nestjs-warden');
    return new UserLoading(options.currentUser, options.revocation, options.clock, (message) =>
      logger.warn(`${message}; @CurrentUser() answers 503 user-unavailable until it answers`),
    );
  },
};
