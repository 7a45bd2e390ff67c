import 'reflect-metadata';
import { Logger, type ExecutionContext, type LoggerService } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { SignJWT, type JWTPayload } from 'jose';
import type { MetricsMeter } from './config/event-options.js';

/** The HS256 secret of the hand-built guards of the root specs. */
export const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

/** What one guard run came to: 'allowed', or what it threw (a plain `false`, which the guard never answers, is named). */
export async function guardOutcome(result: boolean | Promise<boolean>): Promise<unknown> {
  try {
    return (await result) ? 'allowed' : 'refused without an error';
  } catch (error) {
    return error;
  }
}

/** The `reason` of the response one guard run threw, or what {@link guardOutcome} names when it threw none. */
export async function guardReason(result: boolean | Promise<boolean>): Promise<string> {
  const outcome = await guardOutcome(result);
  if (typeof outcome === 'string') return outcome;
  return (outcome as { getResponse?: () => { reason?: string } }).getResponse?.().reason ?? String(outcome);
}

/** A token signed with {@link SECRET}, valid for an hour unless `exp` says otherwise. */
export function signToken(claims: JWTPayload = { sub: 'user_1' }, exp: string | number = '1h'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(exp).sign(new TextEncoder().encode(SECRET));
}

/** The controller every hand-made context names (its class and handler appear in debug log lines). */
export class Orders {
  list(): void {}
}

/** Which handler and class a context names; default `Orders.list`. */
export interface RouteOf {
  handler?: (...args: never[]) => unknown;
  type?: object;
}

function context(type: string, args: unknown[], route: RouteOf, extra: object): ExecutionContext {
  const handler = route.handler ?? Orders.prototype.list;
  const cls = route.type ?? Orders;
  return {
    getType: () => type,
    getArgs: () => args,
    getArgByIndex: (index: number) => args[index],
    getHandler: () => handler,
    getClass: () => cls,
    switchToHttp: () => ({ getRequest: () => args[0], getResponse: () => args[1], getNext: () => args[2] }),
    switchToWs: () => ({ getClient: () => args[0], getData: () => args[1], getPattern: () => 'message' }),
    switchToRpc: () => ({ getData: () => args[0], getContext: () => args[1] }),
    ...extra,
  } as unknown as ExecutionContext;
}

/** An HTTP context, as Nest builds it for Express or Fastify: `[request, response, next]`. */
export function httpContext(request: unknown, response: unknown = {}, route: RouteOf = {}): ExecutionContext {
  return context('http', [request, response, () => undefined], route, {});
}

/** A GraphQL resolver's context: `[root, args, context, info]`, the GraphQL context third. */
export function graphqlContext(gqlContext: unknown, route: RouteOf = {}): ExecutionContext {
  return context('graphql', [undefined, {}, gqlContext, {}], route, {});
}

/** A WebSocket gateway's message: `[client, data]`. */
export function wsContext(client: unknown, data: unknown = {}, route: RouteOf = {}): ExecutionContext {
  return context('ws', [client, data], route, {});
}

/** A microservice message: `[data, transport context]`. */
export function rpcContext(data: unknown, ctx: unknown, route: RouteOf = {}): ExecutionContext {
  return context('rpc', [data, ctx], route, {});
}

/** A context of a transport the guard does not know. */
export function otherContext(type: string, route: RouteOf = {}): ExecutionContext {
  return context(type, [{ headers: {} }, {}], route, {});
}

/** An HttpAdapterHost whose adapter records every header set, with the response it was set on. */
export function recordingAdapter(): { host: HttpAdapterHost; headers: Array<[unknown, string, string]> } {
  const headers: Array<[unknown, string, string]> = [];
  const host = { httpAdapter: { setHeader: (response: unknown, name: string, value: string) => headers.push([response, name, value]) } };
  return { host: host as unknown as HttpAdapterHost, headers };
}

/** Routes Nest's Logger to a list of `level [context]: message` lines until `restore()`. */
export function captureLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (message: unknown, ...params: unknown[]): void => {
      lines.push(`${level} [${String(params.at(-1))}]: ${String(message)}`);
    };
  const capture: LoggerService = { log: at('log'), error: at('error'), warn: at('warn'), debug: at('debug'), verbose: at('verbose') };
  Logger.overrideLogger(capture);
  return { lines, restore: () => Logger.overrideLogger(false) };
}

/** An OpenTelemetry-shaped meter that records what the instruments are given: `name value attributes`. */
export function recordingMeter(): { meter: MetricsMeter; records: Array<{ name: string; value: number; attributes: Record<string, unknown> }> } {
  const records: Array<{ name: string; value: number; attributes: Record<string, unknown> }> = [];
  const instrument = (name: string) => ({
    add: (value: number, attributes: Record<string, unknown> = {}) => records.push({ name, value, attributes }),
    record: (value: number, attributes: Record<string, unknown> = {}) => records.push({ name, value, attributes }),
  });
  const meter = {
    createCounter: instrument,
    createHistogram: instrument,
    createObservableCounter: () => ({ addCallback: () => undefined }),
  };
  return { meter: meter, records };
}
