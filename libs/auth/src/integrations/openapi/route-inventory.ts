import type { INestApplicationContext, Type } from '@nestjs/common';
import { APP_GUARD, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { AUTH_OPTIONS, AUTH_POLICY_METADATA } from '../../auth.constants.js';
import type { AuthPolicy } from '../../auth.decorators.js';
import { AuthGuard } from '../../auth.guard.js';
import type { ResolvedAuthOptions } from '../../config/resolved-options.js';

// Nest's own metadata keys (from @nestjs/common/constants, which is not a package root).
const PATH_METADATA = 'path';
const GUARDS_METADATA = '__guards__';

/** One HTTP route of the app and what nestjs-warden enforces on it. */
export interface GuardedRoute {
  controller: Type;
  /** The method name on the controller. */
  methodName: string;
  handler: (...args: never[]) => unknown;
  /** The route's policy; null when no AuthGuard covers the route (nestjs-warden does not touch it). */
  policy: AuthPolicy | null;
}

/**
 * Every HTTP route of an initialised app, with the policy `AuthGuard` applies: the method's
 * decorator, else the class's, else `defaultPolicy` when a guard covers the route (the global guard
 * or `@UseGuards(AuthGuard)`); null when none does.
 */
export function listGuardedRoutes(app: INestApplicationContext): { options: ResolvedAuthOptions; routes: GuardedRoute[] } {
  let options: ResolvedAuthOptions;
  try {
    options = app.get<ResolvedAuthOptions>(AUTH_OPTIONS, { strict: false });
  } catch {
    throw new Error('nestjs-warden: applyAuthToOpenApi() needs an app that imports AuthModule.forRoot() or forRootAsync()');
  }
  const modules = app.get(ModulesContainer, { strict: false });
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const global = [...modules.values()].some((module) =>
    [...module.providers].some(([token, wrapper]) => typeof token === 'string' && token.startsWith(APP_GUARD) && isAuthGuard(wrapper.instance)),
  );
  const routes: GuardedRoute[] = [];
  const seen = new Set<Type>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (typeof controller !== 'function' || seen.has(controller)) continue;
      seen.add(controller);
      const prototype = controller.prototype as Record<string, GuardedRoute['handler']>;
      for (const methodName of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[methodName];
        if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const covered = global || guardedByAuth(handler) || guardedByAuth(controller);
        const policy = covered
          ? (reflector.getAllAndOverride<AuthPolicy | undefined>(AUTH_POLICY_METADATA, [handler, controller]) ?? { mode: options.defaultPolicy })
          : null;
        routes.push({ controller, methodName, handler, policy });
      }
    }
  }
  return { options, routes };
}

function guardedByAuth(target: object): boolean {
  const guards: unknown = Reflect.getMetadata(GUARDS_METADATA, target);
  return Array.isArray(guards) && guards.some(isAuthGuard);
}

function isAuthGuard(value: unknown): boolean {
  if (value instanceof AuthGuard) return true;
  return typeof value === 'function' && (value === AuthGuard || value.prototype instanceof AuthGuard);
}
