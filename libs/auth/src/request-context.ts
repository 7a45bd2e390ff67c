import type { ExecutionContext } from '@nestjs/common';
import type { AuthObject } from './auth-object.js';
import { AUTH_STATE } from './auth.constants.js';
import type { AuthResult } from './auth.service.js';
import type { RequestHeaders } from './token/extract-token.js';

/** The parts of a request the guard reads and writes, whatever the transport. */
export interface AuthCarrier {
  headers?: RequestHeaders;
  auth?: AuthObject;
  [AUTH_STATE]?: AuthResult;
}

/** The transports the guard understands; anything else is denied on required routes. */
export type AuthContextType = 'http' | 'graphql' | 'ws' | 'rpc' | 'unknown';

/** The transport of an execution context, without importing @nestjs/graphql. */
export function contextTypeOf(context: ExecutionContext): AuthContextType {
  const type = context.getType<string>();
  return type === 'http' || type === 'graphql' || type === 'ws' || type === 'rpc' ? type : 'unknown';
}

/**
 * The request behind an execution context: the HTTP request (Express or Fastify), or the one
 * GraphQL puts in its context (`{ req }` for Apollo, `{ reply }` for Mercurius).
 * Returns undefined when the transport carries no request this guard can read.
 */
export function getAuthCarrier(context: ExecutionContext): AuthCarrier | undefined {
  switch (contextTypeOf(context)) {
    case 'http':
      return asCarrier(context.switchToHttp().getRequest());
    case 'graphql': {
      const gqlContext = context.getArgByIndex(2) as { req?: unknown; request?: unknown; reply?: { request?: unknown } } | undefined;
      return asCarrier(gqlContext?.req ?? gqlContext?.request ?? gqlContext?.reply?.request);
    }
    default:
      return undefined;
  }
}

function asCarrier(value: unknown): AuthCarrier | undefined {
  return value !== null && typeof value === 'object' ? (value as AuthCarrier) : undefined;
}
