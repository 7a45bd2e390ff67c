import type { AuthDenial } from './auth.exceptions.js';
import { toHttpException, UNAVAILABLE_MESSAGE } from './auth.exceptions.js';
import { GRAPHQL_ERROR_CODES, type AuthDenialPayload } from './policy/denials.js';

export { GRAPHQL_ERROR_CODES, type AuthDenialPayload } from './policy/denials.js';
import type { AuthContextType } from './request-context.js';

type ExceptionClass = new (error: string | object) => Error;

// Loaded on the first denial over that transport: an app without the package never loads it.
let wsException: Promise<ExceptionClass | null> | undefined;
let rpcException: Promise<ExceptionClass | null> | undefined;

/**
 * Turns a denial into the error of the transport it happened on:
 * - http: an HttpException (401/403/503 with the JSON body);
 * - graphql: the same HttpException with `extensions.code` (UNAUTHENTICATED, FORBIDDEN), which Apollo
 *   and Mercurius put into the GraphQL error;
 * - ws: a `WsException` whose error object the client receives in its `exception` event;
 * - rpc: an `RpcException` whose error object the caller receives;
 * - anything else: the HttpException, which the unknown transport's own filter handles.
 */
export async function toTransportException(type: AuthContextType, denial: AuthDenial, debug: boolean): Promise<Error> {
  if (type === 'ws' || type === 'rpc') {
    const Exception = await (type === 'ws' ? loadWsException() : loadRpcException());
    if (Exception) return new Exception(denialPayload(denial, debug));
  }
  const exception = toHttpException(denial, debug);
  if (type === 'graphql') {
    // graphql-js copies `extensions` of the error a resolver threw into the GraphQL error it reports.
    Object.assign(exception, { extensions: { code: GRAPHQL_ERROR_CODES[denial.status], http: { status: denial.status }, ...stepUpFields(denial) } });
  }
  return exception;
}

/** The body of a WebSocket or RPC denial. */
export function denialPayload(denial: AuthDenial, debug: boolean): AuthDenialPayload {
  const texts = {
    401: ['Unauthorized', 'Unauthorized'],
    403: ['Forbidden', 'Forbidden'],
    503: ['Service Unavailable', UNAVAILABLE_MESSAGE],
  } as const;
  const [error, message] = texts[denial.status];
  const payload: AuthDenialPayload = { status: 'error', statusCode: denial.status, error, message, code: GRAPHQL_ERROR_CODES[denial.status] };
  const retryAfter = Number(denial.headers['Retry-After']);
  if (denial.status === 503 && Number.isFinite(retryAfter)) payload.retryAfter = retryAfter;
  if (debug) payload.reason = denial.reason;
  if (debug && denial.detail) payload.detail = denial.detail;
  return Object.assign(payload, stepUpFields(denial));
}

/** What a client needs to step up: Clerk's `clerk_error` (reverification) or the RFC 9470 requirement. */
function stepUpFields(denial: AuthDenial): Pick<AuthDenialPayload, 'clerk_error' | 'stepUp'> {
  return {
    ...(denial.clerkError ? { clerk_error: denial.clerkError } : {}),
    ...(denial.stepUp ? { stepUp: denial.stepUp } : {}),
  };
}

function loadWsException(): Promise<ExceptionClass | null> {
  wsException ??= import('@nestjs/websockets').then(
    (m) => m.WsException as ExceptionClass,
    () => null,
  );
  return wsException;
}

function loadRpcException(): Promise<ExceptionClass | null> {
  rpcException ??= import('@nestjs/microservices').then(
    (m) => m.RpcException as ExceptionClass,
    () => null,
  );
  return rpcException;
}
