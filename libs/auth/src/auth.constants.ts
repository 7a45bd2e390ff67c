/** Injection token of the resolved (validated, defaulted) options of one AuthModule. */
export const AUTH_OPTIONS = Symbol.for('nest-warden:options');

/** Metadata key of `@RequireAuth()` / `@OptionalAuth()`. A string, so two copies of the library agree. */
export const AUTH_POLICY_METADATA = 'nest-warden:policy';

/** Key of the property where the guard keeps its result on a request, beside the public `req.auth`. */
export const AUTH_STATE = Symbol.for('nest-warden:auth-state');
