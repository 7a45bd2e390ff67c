/** Injection token of the resolved (validated, defaulted) options of one AuthModule. */
export const AUTH_OPTIONS = Symbol.for('nestjs-warden:options');

/** Metadata key of `@RequireAuth()` / `@OptionalAuth()`. A string, so two copies of the library agree. */
export const AUTH_POLICY_METADATA = 'nestjs-warden:policy';

/** Key on `globalThis` of the map of guard results whose auth object is not one of this library's. */
export const AUTH_STATE = Symbol.for('nestjs-warden:auth-state');
