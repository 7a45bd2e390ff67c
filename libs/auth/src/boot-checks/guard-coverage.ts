import type { Type } from '@nestjs/common';
import { APP_GUARD, type DiscoveryService, type MetadataScanner, type Reflector } from '@nestjs/core';
import { AUTH_GUARD_MARKER, AUTH_GUARD_NOT_NEEDED_METADATA, AUTH_PARAM_METADATA, AUTH_POLICY_METADATA } from '../auth.constants.js';

type Wrapper = ReturnType<DiscoveryService['getProviders']>[number];

/**
 * The key under which `@UseGuards()` stores its guards, on the class and on the method (what Nest's
 * own GuardsContextCreator reads). Nest exports it as `GUARDS_METADATA` only from the deep path
 * `@nestjs/common/constants`; this library imports Nest from package roots only, so the value is
 * repeated here, and guard-coverage.spec.ts fails if Nest ever changes it.
 */
export const GUARDS_METADATA = '__guards__';

/** The tools of `@nestjs/core` the scan needs, injected by the provider that runs it. */
export interface CoverageTools {
  discovery: DiscoveryService;
  scanner: MetadataScanner;
  reflector: Reflector;
}

/**
 * Every handler that uses `@RequireAuth()`, `@OptionalAuth()` or `@Auth()` and that no `AuthGuard`
 * (or subclass) covers, as `Class.method`, sorted. Controllers (HTTP routes and microservice
 * message handlers) and providers (GraphQL resolvers, WebSocket gateways) are scanned alike.
 * A global guard (`APP_GUARD`, which `forRoot({ global: true })` registers) covers all of them.
 */
export function findUncoveredHandlers({ discovery, scanner, reflector }: CoverageTools): string[] {
  if (hasGlobalAuthGuard(discovery.getProviders())) return [];
  const uncovered = new Set<string>();
  for (const type of scannedClasses(discovery)) {
    if (guardsCover(reflector.get(GUARDS_METADATA, type))) continue;
    const classPolicy = reflector.get(AUTH_POLICY_METADATA, type) !== undefined;
    for (const [name, handler] of methodsOf(scanner, type)) {
      if (reflector.get(AUTH_GUARD_NOT_NEEDED_METADATA, handler) === true) continue;
      const uses =
        reflector.get(AUTH_POLICY_METADATA, handler) !== undefined ||
        Reflect.getMetadata(AUTH_PARAM_METADATA, type, name) === true ||
        (classPolicy && isHandler(handler));
      if (uses && !guardsCover(reflector.get(GUARDS_METADATA, handler))) uncovered.add(`${type.name}.${name}`);
    }
  }
  return [...uncovered].sort();
}

/** True for an AuthGuard class, subclass or instance (by the mark on its prototype, see AUTH_GUARD_MARKER). */
export function isAuthGuard(guard: unknown): boolean {
  if (typeof guard === 'function') return (guard.prototype as Record<symbol, unknown> | undefined)?.[AUTH_GUARD_MARKER] === true;
  return !!guard && typeof guard === 'object' && (guard as Record<symbol, unknown>)[AUTH_GUARD_MARKER] === true;
}

function guardsCover(guards: unknown): boolean {
  return Array.isArray(guards) && guards.some(isAuthGuard);
}

/**
 * `APP_GUARD` providers are registered under tokens that start with `'APP_GUARD'` (Nest appends a
 * unique suffix per provider). Whatever they resolved to counts: `useClass`, `useExisting`, `useValue`
 * or a factory returning an AuthGuard.
 */
function hasGlobalAuthGuard(providers: Wrapper[]): boolean {
  return providers.some((wrapper) => {
    if (typeof wrapper.token !== 'string' || !wrapper.token.startsWith(APP_GUARD)) return false;
    return isAuthGuard(safeInstance(wrapper)) || isAuthGuard(wrapper.metatype) || (wrapper.isAlias && (wrapper.inject ?? []).some(isAuthGuard));
  });
}

/**
 * Every class the app's controllers and providers are built from, each once: what the boot checks
 * scan (HTTP routes and message handlers, GraphQL resolvers, WebSocket gateways alike).
 */
export function* scannedClasses(discovery: DiscoveryService): Iterable<Type> {
  const seen = new Set<Type>();
  for (const wrapper of [...discovery.getControllers(), ...discovery.getProviders()]) {
    const type = classOf(wrapper);
    if (!type || seen.has(type)) continue;
    seen.add(type);
    yield type;
  }
}

/** A method of a class, as the scan sees it. */
type Method = (...args: never[]) => unknown;

/** The methods of a class (its own and inherited) as `[name, function]`. */
export function* methodsOf(scanner: MetadataScanner, type: Type): Iterable<[string, Method]> {
  const prototype = type.prototype as Record<string, unknown>;
  for (const name of scanner.getAllMethodNames(prototype)) yield [name, prototype[name] as Method];
}

/** The class of a controller or provider built from a class; null for values, factories and aliases. */
function classOf(wrapper: Wrapper): Type | null {
  if (wrapper.isAlias || wrapper.inject || typeof wrapper.metatype !== 'function' || !wrapper.metatype.prototype) return null;
  return wrapper.metatype as Type;
}

function safeInstance(wrapper: Wrapper): unknown {
  try {
    return wrapper.instance;
  } catch {
    return undefined;
  }
}

/**
 * With a class-level policy, which methods are handlers? Every Nest handler decorator (`@Get`,
 * `@MessagePattern`, `@SubscribeMessage`, `@Query`, `@ResolveField`, ...) stores metadata on the
 * method function itself; a plain helper method carries none.
 */
function isHandler(method: Method): boolean {
  return Reflect.getMetadataKeys(method).length > 0;
}
