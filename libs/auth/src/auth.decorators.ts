import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AuthObject, AuthorizationCheck } from './auth-object/auth-object.js';
import { AUTH_PARAM_METADATA, AUTH_POLICY_METADATA } from './auth.constants.js';
import { getAuth } from './get-auth.js';
import { getAuthCarrier } from './request-context.js';

/** What `@RequireAuth()` / `@OptionalAuth()` store on a class or method. */
export interface AuthPolicy {
  mode: 'required' | 'optional';
  check?: AuthorizationCheck;
}

const CHECK_KEYS = ['role', 'permission', 'feature', 'plan'] as const;

/**
 * Signed out -> 401. With a check, signed in but `has(check)` false -> 403 (`insufficient_scope`).
 * On a class it covers every route; a method's own decorator wins over its class's.
 *
 * @example
 * @RequireAuth({ permission: 'org:invoices:read' })
 * @Get('invoices') list(@Auth('orgId') orgId: string) { ... }
 */
export function RequireAuth(check?: AuthorizationCheck): ClassDecorator & MethodDecorator {
  if (check !== undefined) validateCheck(check);
  return SetMetadata<string, AuthPolicy>(AUTH_POLICY_METADATA, { mode: 'required', check: check && { ...check } });
}

/**
 * The handler runs signed in or signed out (Clerk's `withAuth`); `@Auth()` then gives a
 * signed-out object with `isAuthenticated: false`.
 *
 * @example
 * @OptionalAuth() @Get('feed') feed(@Auth() auth: AuthObject) { return auth.isAuthenticated ? 'you' : 'everyone'; }
 */
export function OptionalAuth(): ClassDecorator & MethodDecorator {
  return SetMetadata<string, AuthPolicy>(AUTH_POLICY_METADATA, { mode: 'optional' });
}

function validateCheck(check: AuthorizationCheck): void {
  const keys = Object.keys(check ?? {});
  const bad = keys.find((k) => !(CHECK_KEYS as readonly string[]).includes(k));
  if (bad || keys.length === 0) {
    throw new Error(`nestjs-warden: @RequireAuth() takes { ${CHECK_KEYS.join(' | ')} }, got ${bad ? `"${bad}"` : 'an empty object'}`);
  }
  for (const key of keys) {
    const value = check[key as keyof AuthorizationCheck];
    if (typeof value !== 'string' || value === '') {
      throw new Error(`nestjs-warden: @RequireAuth({ ${key} }) must be a non-empty string`);
    }
  }
}

/** The keys of the auth object `@Auth(key)` can hand out. */
export type AuthField = keyof AuthObject;

const authParam = createParamDecorator((field: AuthField | undefined, context: ExecutionContext) => {
  const carrier = getAuthCarrier(context);
  const auth = getAuth(carrier ?? {});
  return field ? auth[field] : auth;
});

/**
 * Injects the auth object, or one field of it.
 *
 * @example
 * @Get('me') me(@Auth() auth: AuthObject) { ... }
 * @Get('id') id(@Auth('userId') userId: string) { ... }
 */
export function Auth(field?: AuthField): ParameterDecorator {
  const inject = authParam(field);
  return (target, method, index) => {
    inject(target, method, index);
    // On (class, method) like Nest's own parameter metadata, so a method decorator that wraps the
    // function cannot lose it; read by the boot check that every such handler is guarded.
    if (method !== undefined) Reflect.defineMetadata(AUTH_PARAM_METADATA, true, target.constructor, method);
  };
}
