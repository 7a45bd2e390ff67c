import { Logger, type ExecutionContext } from '@nestjs/common';
import type { AuthResult } from './auth-object/auth-object.js';
import type { AnyAuthObject, SignedInAuthObjectFor } from './auth-object/auth-object-for.js';
import { AuthConfigError } from './config/auth-config-error.js';
import { isUnavailable, type AuthErrorReason } from './auth.errors.js';
import type { AuthDenial } from './auth.exceptions.js';

export type { AuthEventContext, AuthEventOptions, AuthRefusalReason } from './config/event-options.js';
import type { AuthEventContext, AuthEventOptions, AuthRefusalReason } from './config/event-options.js';
import { AuthMetrics, meterFor, type AuthOutcomeResult } from './integrations/metrics/auth-metrics.js';
import { contextTypeOf } from './request-context.js';
import type { KeySource } from './verification/key-sources.js';

const observers = new WeakMap<object, AuthObserver>();

/** The observer of the module whose resolved options these are; undefined when nothing observes. */
export function observerOf(options: object): AuthObserver | undefined {
  return observers.get(options);
}

/**
 * Builds the observer named by the options (metrics, hooks) and ties it to them; null when there is
 * nothing to observe. Fails the boot naming the option when one is malformed or its peer is missing.
 */
export async function createAuthObserver(
  options: AuthEventOptions,
  keySources?: (listener: (source: KeySource) => void) => void,
): Promise<AuthObserver | null> {
  for (const hook of ['onAuthenticated', 'onRefused'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') throw new AuthConfigError(hook, 'expected a function');
  }
  const meter = await meterFor(options.metrics);
  if (!meter && !options.onAuthenticated && !options.onRefused) return null;
  const metrics = meter ? new AuthMetrics(meter) : null;
  if (metrics) keySources?.((source) => source.onKeyFetch?.((problem) => metrics.keyFetch(problem)));
  const observer = new AuthObserver(options, metrics);
  observers.set(options, observer);
  return observer;
}

/** Sees the guard's decisions and reports them to the metrics and the hooks. */
export class AuthObserver {
  private readonly denials = new WeakMap<ExecutionContext, AuthDenial>();
  private readonly failedHooks = new Set<string>();
  private readonly logger = new Logger('nestjs-warden');

  constructor(
    private readonly hooks: AuthEventOptions,
    readonly metrics: AuthMetrics | null,
  ) {}

  /** The guard is about to refuse this request with `denial`; {@link decided} reads it back. */
  noteDenial(context: ExecutionContext, denial: AuthDenial): void {
    this.denials.set(context, denial);
  }

  /** Times one full verification (not a cache hit); `started` is `performance.now()` before it began. */
  timed(pending: Promise<AuthResult>, started: number): Promise<AuthResult> {
    const metrics = this.metrics;
    if (!metrics) return pending;
    return pending.then((result) => {
      const reason = result.auth.isAuthenticated ? null : (result.error?.reason ?? 'token-invalid');
      metrics.verification((performance.now() - started) / 1000, reason);
      return result;
    });
  }

  /**
   * The guard decided `result` on a route of `policy`: `verdict` is what `enforce()` returned;
   * `verified` is the result before the route's `acceptsToken` (it names the class of a refused token).
   */
  decided(
    context: ExecutionContext,
    policy: 'required' | 'optional',
    result: AuthResult,
    verdict: unknown,
    cacheHit: boolean,
    verified: AuthResult = result,
  ): void {
    // Only a refusal notes a denial: an allowed request (the common case) skips the lookup.
    const denial = verdict === true ? undefined : this.denials.get(context);
    if (denial) this.denials.delete(context);
    else if (verdict !== true && typeof (verdict as PromiseLike<unknown> | null)?.then === 'function') {
      // A subclass's own asynchronous enforce(): wait for its answer (both handlers: nothing left unhandled).
      const settle = (allowed: boolean) => this.decided(context, policy, result, allowed, cacheHit, verified);
      (verdict as PromiseLike<unknown>).then((value) => settle(value === true), () => settle(false));
      return;
    }
    const { auth, error } = result;
    const allowed = verdict === true;
    let status: 401 | 403 | 503 | null = null;
    let reason: AuthRefusalReason | null = null;
    if (!allowed) {
      status = denial?.status ?? (auth.isAuthenticated ? 403 : isUnavailable(error) ? 503 : 401);
      reason = denial?.reason ?? (auth.isAuthenticated ? 'insufficient-scope' : (error?.reason ?? 'token-missing'));
    } else if (!auth.isAuthenticated && result.tokenPresent) {
      reason = error?.reason ?? 'token-invalid';
    }
    const outcome: AuthOutcomeResult =
      status === null ? (auth.isAuthenticated ? 'authenticated' : 'anonymous') : status === 403 ? 'forbidden' : status === 503 ? 'unavailable' : 'refused';
    this.metrics?.outcome(outcome, reason ?? 'none', tokenTypeOf(verified.auth.isAuthenticated ? verified : result), cacheHit);

    const hook = outcome === 'authenticated' ? this.hooks.onAuthenticated : reason !== null ? this.hooks.onRefused : undefined;
    if (!hook) return;
    const event: AuthEventContext = { executionContext: context, transport: contextTypeOf(context), policy, auth, allowed, status, cacheHit };
    if (outcome === 'authenticated') this.call('onAuthenticated', () => this.hooks.onAuthenticated?.(auth as SignedInAuthObjectFor, event));
    else this.call('onRefused', () => this.hooks.onRefused?.(reason as AuthRefusalReason, event));
  }

  /** Runs a hook: whatever it throws or rejects with stays here. */
  private call(name: string, run: () => void | Promise<void>): void {
    try {
      const returned = run() as unknown;
      if (typeof (returned as PromiseLike<unknown> | null)?.then === 'function') {
        (returned as PromiseLike<unknown>).then(undefined, (error: unknown) => this.hookFailed(name, error));
      }
    } catch (error) {
      this.hookFailed(name, error);
    }
  }

  private hookFailed(name: string, error: unknown): void {
    if (this.failedHooks.has(name)) return;
    this.failedHooks.add(name);
    // The class only: a message may quote the request (a token, a header) it was handed.
    const kind = error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : 'a non-Error value';
    this.logger.warn(`The ${name} hook threw ${kind}; the request's outcome is unchanged. Reported once; the message is not logged.`);
  }
}

function tokenTypeOf(result: AuthResult): string {
  if (!result.auth.isAuthenticated) return result.tokenPresent ? 'unknown' : 'none';
  const type = (result.auth as { tokenType?: unknown }).tokenType;
  return typeof type === 'string' ? type : 'session_token';
}
