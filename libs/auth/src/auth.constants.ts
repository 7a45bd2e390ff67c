/** Injection token of the resolved (validated, defaulted) options of one AuthModule. */
export const AUTH_OPTIONS = Symbol.for('nestjs-warden:options');

/** Metadata key of `@RequireAuth()` / `@OptionalAuth()`. A string, so two copies of the library agree. */
export const AUTH_POLICY_METADATA = 'nestjs-warden:policy';

/** Injection token of the module's observer (metrics, event hooks); null when nothing observes. */
export const AUTH_OBSERVER = Symbol.for('nestjs-warden:observer');

/** Key (on a request, handshake or message) of the verification the guard stored there. */
export const AUTH_VERIFICATION = Symbol.for('nestjs-warden:verification');

/**
 * Metadata key set on a handler (class, method name) by `@Auth()`, so the boot check finds handlers
 * that read the auth object without a policy decorator.
 */
export const AUTH_PARAM_METADATA = 'nestjs-warden:auth-param';

/**
 * Marks `AuthGuard.prototype`: every AuthGuard and subclass carries it, also across two copies of
 * the library (where `instanceof` would say no).
 */
export const AUTH_GUARD_MARKER = Symbol.for('nestjs-warden:auth-guard');

/**
 * Metadata key on a handler whose route another guard of this library fully decides (a Clerk
 * webhook: its signature check), where `@OptionalAuth()` only lets a global AuthGuard pass it. The
 * boot check does not ask for an AuthGuard there.
 */
export const AUTH_GUARD_NOT_NEEDED_METADATA = 'nestjs-warden:auth-guard-not-needed';

/** Injection token of the module's user loading (`loadUser`); null without a loader. */
export const CURRENT_USER_LOADER = Symbol.for('nestjs-warden:current-user-loader');
