import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AnyAuthObject } from './auth-object/auth-object-for.js';
import { AUTH_PARAM_METADATA, AUTH_POLICY_METADATA } from './auth.constants.js';
import { admittedAuth } from './get-auth.js';
import { routePolicy, type AuthPolicy, type AuthPredicate, type OptionalAuthOptions, type RequireAuthOptions } from './policy/route-policy.js';
import { getAuthCarrier } from './request-context.js';

export type { AuthPolicy, AuthPredicate, OptionalAuthOptions, RequireAuthOptions } from './policy/route-policy.js';

/**
 * Signed out -> 401. With a check, signed in but `has(check)` false -> 403 (`insufficient_scope`;
 * with the scopes asked in the challenge). `acceptsToken` chooses the classes of token the route
 * accepts (default: the module's, `'session_token'`); another class is signed out.
 * On a class it covers every route; a method's own decorator wins over its class's.
 *
 * @example
 * @RequireAuth({ permission: 'org:invoices:read' })
 * @Get('invoices') list(@Auth('orgId') orgId: string) { ... }
 * @example
 * @RequireAuth({ acceptsToken: 'm2m_token', scope: 'invoices:read' })
 * @Get('export') export(@Auth('machineId') machineId: string) { ... }
 * @example
 * // Step-up: Clerk reverification (403 with Clerk's body), or RFC 9470 acr / auth_time (401).
 * @RequireAuth({ reverification: 'strict' })
 * @RequireAuth({ acr: ['urn:example:mfa'], maxAgeSeconds: 300 })
 * @example
 * // Like Clerk's auth.protect(has => …): any logic over has(); false -> 403.
 * @RequireAuth((has) => has({ role: 'admin' }) || has({ permission: 'org:billing:manage' }))
 */
export function RequireAuth(options?: RequireAuthOptions | AuthPredicate): ClassDecorator & MethodDecorator {
  return SetMetadata<string, AuthPolicy>(AUTH_POLICY_METADATA, routePolicy('required', options));
}

/**
 * The handler runs signed in or signed out (Clerk's `withAuth`); `@Auth()` then gives a
 * signed-out object with `isAuthenticated: false`. A token of a class the route does not accept
 * (`acceptsToken`) is signed out too.
 *
 * @example
 * @OptionalAuth() @Get('feed') feed(@Auth() auth: AuthObject) { return auth.isAuthenticated ? 'you' : 'everyone'; }
 */
export function OptionalAuth(options?: OptionalAuthOptions): ClassDecorator & MethodDecorator {
  return SetMetadata<string, AuthPolicy>(AUTH_POLICY_METADATA, routePolicy('optional', options));
}

type KeysOfUnion<T> = T extends unknown ? keyof T : never;

/** The keys of the auth objects `@Auth(key)` can hand out: a session's, and a machine's (`machineId`, `scopes`, …). */
export type AuthField = KeysOfUnion<AnyAuthObject>;

const reflector = new Reflector();

/** Route policies by handler, then class, as the guard keeps them: metadata never changes after boot. */
const policies = new WeakMap<object, Map<object, AuthPolicy | null>>();

function routePolicyOf(context: ExecutionContext): AuthPolicy | undefined {
  const handler = context.getHandler();
  const type = context.getClass();
  let byClass = policies.get(handler);
  let policy = byClass?.get(type);
  if (policy === undefined) {
    policy = reflector.getAllAndOverride<AuthPolicy | undefined>(AUTH_POLICY_METADATA, [handler, type]) ?? null;
    if (!byClass) policies.set(handler, (byClass = new Map<object, AuthPolicy | null>()));
    byClass.set(type, policy);
  }
  return policy ?? undefined;
}

const authParam = createParamDecorator((field: AuthField | undefined, context: ExecutionContext) => {
  const carrier = getAuthCarrier(context) ?? {};
  // This route's own classes: the carrier may be shared with routes that accept others (GraphQL fields).
  const policy = routePolicyOf(context);
  const auth = admittedAuth(carrier, { acceptsToken: policy?.acceptsToken, issuer: policy?.issuer, dpop: policy?.dpop, mtls: policy?.mtls }) as Partial<
    Record<AuthField, unknown>
  >;
  return field ? (field in auth ? auth[field] : null) : auth;
});

/**
 * Injects the auth object, or one field of it.
 *
 * @example
 * @Get('me') me(@Auth() auth: AuthObject) { ... }
 * @Get('id') id(@Auth('userId') userId: string) { ... }
 * @Get('machine') machine(@Auth() auth: MachineAuthObject<'m2m_token'>) { ... }
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
