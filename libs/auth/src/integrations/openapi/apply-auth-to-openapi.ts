import type { INestApplication } from '@nestjs/common';
import { listGuardedRoutes, type GuardedRoute } from './route-inventory.js';
import { operationSecurity, securitySchemes, type OpenApiOperationLike } from './security-mapping.js';

/** The parts of an OpenAPI document (`OpenAPIObject` of `@nestjs/swagger`) this function reads and writes. */
export interface OpenApiDocumentLike {
  openapi: string;
  info?: object;
  paths: Record<string, object>;
  components?: { securitySchemes?: object };
}

/** Options of {@link applyAuthToOpenApi}. */
export interface ApplyAuthToOpenApiOptions {
  /**
   * The `SwaggerDocumentOptions` the document was created with (`include`, `ignoreGlobalPrefix`,
   * `deepScanRoutes`, ...): routes are found the way that document found them.
   */
  documentOptions?: Record<string, unknown>;
  /** Name of the bearer security scheme. Default `'bearer'`. */
  bearerSchemeName?: string;
  /** Name of the session-cookie security scheme. Default `'cookie'`. */
  cookieSchemeName?: string;
}

// Marks each handler during a second scan, so an operation is tied to its route the way
// @nestjs/swagger itself computed the path (global prefix, versions, parameters).
const ROUTE_MARK = 'x-nestjs-warden-route';

/**
 * Documents nestjs-warden in an OpenAPI document made by `SwaggerModule.createDocument()`: registers
 * the bearer (and, when cookies are a token source, the `__session` cookie) security schemes, and
 * gives every operation the security requirement and the 401 / 403 / 503 responses of its route's
 * policy. `@OptionalAuth()` routes get `security: [{}, { bearer: [] }, ...]` (a token is optional);
 * routes no `AuthGuard` covers are left as they are. Needs `@nestjs/swagger` (an optional peer).
 *
 * @example
 * const config = new DocumentBuilder().setTitle('API').build();
 * const document = await applyAuthToOpenApi(SwaggerModule.createDocument(app, config), app);
 * SwaggerModule.setup('docs', app, document);
 */
export async function applyAuthToOpenApi<T extends OpenApiDocumentLike>(
  document: T,
  app: INestApplication,
  options: ApplyAuthToOpenApiOptions = {},
): Promise<T> {
  let swagger: typeof import('@nestjs/swagger');
  try {
    swagger = await import('@nestjs/swagger');
  } catch {
    throw new Error('nestjs-warden: applyAuthToOpenApi() needs the optional peer dependency @nestjs/swagger: npm install @nestjs/swagger');
  }
  const { options: auth, routes } = listGuardedRoutes(app);
  const operations = markedOperations(swagger, app, document, routes, options.documentOptions);
  const names = { bearer: options.bearerSchemeName ?? 'bearer', cookie: options.cookieSchemeName ?? 'cookie' };
  const schemes = securitySchemes(auth, names);
  const components = (document.components ??= {});
  components.securitySchemes = { ...schemes, ...components.securitySchemes };
  const paths = document.paths as Record<string, Record<string, OpenApiOperationLike | undefined> | undefined>;
  for (const [path, methods] of Object.entries(operations)) {
    for (const [method, route] of Object.entries(methods)) {
      const operation = paths[path]?.[method];
      if (operation && route.policy) operationSecurity(operation, route.policy, auth, Object.keys(schemes), document.openapi, names.cookie);
    }
  }
  return document;
}

/** path -> method -> route, from a scan of the app in which every route handler carries a mark. */
function markedOperations(
  swagger: typeof import('@nestjs/swagger'),
  app: INestApplication,
  document: OpenApiDocumentLike,
  routes: GuardedRoute[],
  documentOptions: Record<string, unknown> | undefined,
): Record<string, Record<string, GuardedRoute>> {
  const key = swagger.DECORATORS.API_EXTENSION;
  const byHandler = new Map<GuardedRoute['handler'], GuardedRoute[]>();
  for (const route of routes) byHandler.set(route.handler, [...(byHandler.get(route.handler) ?? []), route]);
  const handlers = [...byHandler.keys()];
  const saved = handlers.map((handler) => [Reflect.hasOwnMetadata(key, handler), Reflect.getOwnMetadata(key, handler)] as const);
  let scanned: OpenApiDocumentLike;
  try {
    handlers.forEach((handler, index) => Reflect.defineMetadata(key, { ...saved[index][1], [ROUTE_MARK]: index }, handler));
    const config = { openapi: document.openapi, info: document.info ?? { title: '', version: '' }, paths: {} };
    scanned = swagger.SwaggerModule.createDocument(app, config as never, documentOptions);
  } finally {
    handlers.forEach((handler, index) => {
      if (saved[index][0]) Reflect.defineMetadata(key, saved[index][1], handler);
      else Reflect.deleteMetadata(key, handler);
    });
  }
  const result: Record<string, Record<string, GuardedRoute>> = {};
  for (const [path, methods] of Object.entries(scanned.paths ?? {})) {
    for (const [method, operation] of Object.entries(methods as Record<string, unknown>)) {
      const mark = (operation as Record<string, unknown> | null)?.[ROUTE_MARK];
      const candidates = typeof mark === 'number' ? byHandler.get(handlers[mark]) : undefined;
      if (!candidates) continue;
      // One handler inherited by several controllers: the operation id names the controller.
      const given = (operation as { operationId?: unknown }).operationId;
      const operationId = typeof given === 'string' ? given : '';
      const route = candidates.length === 1 ? candidates[0] : (candidates.find((r) => operationId.startsWith(`${r.controller.name}_`)) ?? candidates[0]);
      (result[path] ??= {})[method] = route;
    }
  }
  return result;
}
