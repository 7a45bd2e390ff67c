import type { ExecutionContext } from '@nestjs/common';
import type { AnyAuthObject, SignedInAuthObjectFor } from '../auth-object/auth-object-for.js';
import type { AuthErrorReason } from '../auth.errors.js';

/** The transports the guard understands; anything else is denied on required routes. */
export type AuthContextType = 'http' | 'graphql' | 'ws' | 'rpc' | 'unknown';

/**
 * Why a request (or the token it offered) was refused: a reason code, `insufficient-scope` (403), or
 * a step-up requirement (`reverification-required`, `insufficient-user-authentication`).
 */
export type AuthRefusalReason = AuthErrorReason | 'insufficient-scope' | 'reverification-required' | 'insufficient-user-authentication';

/** What the event hooks learn about the request besides the auth object or the reason. */
export interface AuthEventContext {
  /** The Nest context of the request, message or handshake: `switchToHttp().getRequest()` etc. */
  readonly executionContext: ExecutionContext;
  readonly transport: AuthContextType;
  /** The route's policy. */
  readonly policy: 'required' | 'optional';
  /** The auth object the guard attached (signed in for a 403): a session's or a machine's. */
  readonly auth: AnyAuthObject;
  /** False when the guard refused the request; true when it went on (signed out, on an optional route). */
  readonly allowed: boolean;
  /** The status of a refusal: 401, 403 or 503; null when the request went on. */
  readonly status: 401 | 403 | 503 | null;
  /** The verified-token cache answered without a fresh verification. */
  readonly cacheHit: boolean;
}

/** Attribute values of one measurement, as OpenTelemetry takes them. */
export type MetricAttributes = Record<string, string | number | boolean>;

/**
 * The part of an OpenTelemetry `Meter` (from `@opentelemetry/api`) this library uses. Declared here,
 * so the library's types never require the optional peer; any `Meter` fits.
 */
export interface MetricsMeter {
  createCounter(name: string, options?: { description?: string; unit?: string }): { add(value: number, attributes?: MetricAttributes): void };
  createHistogram(
    name: string,
    options?: { description?: string; unit?: string; advice?: { explicitBucketBoundaries?: number[] } },
  ): { record(value: number, attributes?: MetricAttributes): void };
  createObservableCounter(
    name: string,
    options?: { description?: string; unit?: string },
  ): { addCallback(callback: (result: { observe(value: number, attributes?: MetricAttributes): void }) => void): void };
}

/**
 * The `metrics` option: `true` uses the global `MeterProvider` of `@opentelemetry/api`; `{ meter }`
 * uses that meter (then `@opentelemetry/api` is never loaded by this library).
 */
export interface AuthMetricsOptions {
  meter?: MetricsMeter;
}

/**
 * Observability options of `AuthModule.forRoot()`: OpenTelemetry metrics and plain event hooks.
 * A hook that throws or rejects never changes the outcome of the request, and its error never
 * reaches a response or a log line (one warning per hook names the hook and the error's class).
 *
 * @example
 * AuthModule.forRoot({
 *   ...keys,
 *   metrics: true, // the global MeterProvider of @opentelemetry/api
 *   onAuthenticated: (auth) => audit.signedIn(auth.userId),
 *   onRefused: (reason, { status }) => status && audit.refused(reason),
 * })
 */
export interface AuthEventOptions {
  /**
   * OpenTelemetry metrics (optional peer `@opentelemetry/api`, loaded at boot only when on):
   * `true` for the global `MeterProvider`, or `{ meter }`. Off by default.
   */
  metrics?: boolean | AuthMetricsOptions;
  /** After every guarded request that is let through signed in (a session, or a machine: narrow on `tokenType`). */
  onAuthenticated?: (auth: SignedInAuthObjectFor, context: AuthEventContext) => void | Promise<void>;
  /**
   * After every refused request (401, 403, 503), and every refused token on an optional route
   * (`context.allowed` is then true). Not called for a request without a token on an optional route.
   */
  onRefused?: (reason: AuthRefusalReason, context: AuthEventContext) => void | Promise<void>;
}
