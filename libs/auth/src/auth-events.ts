import { Logger, type ExecutionContext } from '@nestjs/common';
import type { SignedInAuthObjectFor } from './auth-object/auth-object-for.js';
import type { AuthResult } from './auth-object/auth-result.js';
import { AuthConfigError } from './config/auth-config-error.js';
import type { AuthEventContext, AuthEventOptions, AuthRefusalReason } from './config/event-options.js';
import { AuthMetrics, meterFor, type AuthOutcomeResult } from './integrations/metrics/auth-metrics.js';
import type { Outcome } from './policy/decide.js';
import { contextTypeOf } from './request-context.js';
import type { KeySource } from './verification/key-sources.js';
import type { Verification } from './verification/verification.js';

export type { AuthEventContext, AuthEventOptions, AuthRefusalReason } from './config/event-options.js';

/**
 * Builds the observer named by the options (metrics, hooks); null when there is nothing to observe
 * (the guard then skips the step). Fails the boot naming the option when one is malformed or its peer is missing.
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
  return new AuthObserver(options, metrics);
}

/** Sees the guard's decisions and reports them to the metrics and the hooks. */
export class AuthObserver {
  private readonly failedHooks = new Set<string>();
  private readonly logger = new Logger('nestjs-warden');

  constructor(
    private readonly hooks: AuthEventOptions,
    readonly metrics: AuthMetrics | null,
  ) {}

  /** Times one full verification (not a cache hit); `started` is `performance.now()` before it began. */
  timed<R extends AuthResult>(pending: Promise<R>, started: number): Promise<R> {
    const metrics = this.metrics;
    if (!metrics) return pending;
    return pending.then((result) => {
      const reason = result.auth.isAuthenticated ? null : (result.error?.reason ?? 'token-invalid');
      metrics.verification((performance.now() - started) / 1000, reason);
      return result;
    });
  }

  /**
   * The guard decided `outcome` on a route of `policy` for verification `v` (which names the class
   * of a token the route refused). Reports once per request; never changes the outcome.
   */
  record(context: ExecutionContext, policy: 'required' | 'optional', v: Verification, outcome: Outcome): void {
    const { result, denial } = outcome;
    const { auth, error } = result;
    const status = denial?.status ?? null;
    let reason: AuthRefusalReason | null = denial?.reason ?? null;
    if (!denial && !auth.isAuthenticated && result.tokenPresent) reason = error?.reason ?? 'token-invalid';
    const kind: AuthOutcomeResult =
      status === null ? (auth.isAuthenticated ? 'authenticated' : 'anonymous') : status === 403 ? 'forbidden' : status === 503 ? 'unavailable' : 'refused';
    this.metrics?.outcome(kind, reason ?? 'none', tokenTypeOf(v.auth.isAuthenticated ? v : result), v.cacheHit);

    const hook = kind === 'authenticated' ? this.hooks.onAuthenticated : reason !== null ? this.hooks.onRefused : undefined;
    if (!hook) return;
    const event: AuthEventContext = {
      executionContext: context,
      transport: contextTypeOf(context),
      policy,
      auth,
      allowed: denial === null,
      status,
      cacheHit: v.cacheHit,
    };
    if (kind === 'authenticated') this.call('onAuthenticated', () => this.hooks.onAuthenticated?.(auth as SignedInAuthObjectFor, event));
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
