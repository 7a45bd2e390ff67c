import { AuthConfigError } from './auth-config-error.js';
import { checkKeys } from './check-keys.js';

/** What the app does when a boot check finds a problem: stop the boot, or log a warning and go on. */
export type BootCheckMode = 'error' | 'warn';

/**
 * The `bootChecks` option: checks of the whole app that run at bootstrap.
 *
 * @example
 * // The app authenticates these routes with its own middleware and only reads req.auth:
 * AuthModule.forRoot({ ...options, bootChecks: { uncoveredHandlers: 'warn' } })
 */
export interface BootChecksOptions {
  /**
   * A handler with `@RequireAuth()`, `@OptionalAuth()` or an `@Auth()` parameter that no
   * `AuthGuard` covers (no global guard, no `@UseGuards(AuthGuard)` on its class or method).
   * `'error'` (default): the app refuses to start, naming each `Class.method`. `'warn'`: it starts
   * and logs them, for apps that run the guard some way the check cannot see.
   */
  uncoveredHandlers?: BootCheckMode;
}

const KNOWN_BOOT_CHECKS: Record<keyof BootChecksOptions, true> = { uncoveredHandlers: true };

/** `bootChecks` with defaults applied; throws {@link AuthConfigError} naming `bootChecks.<key>`. */
export function resolveBootChecks(value: unknown): Required<BootChecksOptions> {
  if (value === undefined) return { uncoveredHandlers: 'error' };
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new AuthConfigError('bootChecks', "expected { uncoveredHandlers?: 'error' | 'warn' }");
  }
  checkKeys(value, Object.keys(KNOWN_BOOT_CHECKS), 'bootChecks.');
  const { uncoveredHandlers = 'error' } = value as BootChecksOptions;
  if (uncoveredHandlers !== 'error' && uncoveredHandlers !== 'warn') {
    throw new AuthConfigError('bootChecks.uncoveredHandlers', "expected 'error' or 'warn'");
  }
  return { uncoveredHandlers };
}
