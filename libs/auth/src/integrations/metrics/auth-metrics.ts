import { AuthConfigError } from '../../config/auth-config-error.js';
import type { AuthMetricsOptions, MetricAttributes, MetricsMeter } from '../../config/event-options.js';

export type { AuthMetricsOptions, MetricAttributes, MetricsMeter } from '../../config/event-options.js';

/** Names of the instruments, for dashboards and tests. */
export const AUTH_METRIC_NAMES = {
  /** Counter: one per guarded request, by `auth.result`, `auth.reason`, `auth.token_type`, `auth.cache_hit`. */
  outcomes: 'nestjs_warden.authentications',
  /** Histogram (seconds): full verifications only; tokens answered by the verified-token cache are not timed. */
  verificationDuration: 'nestjs_warden.verification.duration',
  /** Counter: fetches of remote key material (JWKS, discovery), failed or not. */
  keyFetches: 'nestjs_warden.key_fetches',
  /** Counter: failed fetches of remote key material, by `key_fetch.problem`. */
  keyFetchFailures: 'nestjs_warden.key_fetch.failures',
} as const;

/** What a guarded request ended as. `anonymous`: let through signed out on an optional route. */
export type AuthOutcomeResult = 'authenticated' | 'anonymous' | 'refused' | 'forbidden' | 'unavailable';

// Sub-millisecond to seconds: a cold RSA verification takes ~0.1 ms, a key fetch up to the timeout.
const DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// The attribute values come from fixed lists; the cap only guards against a custom token type run wild.
const MAX_OUTCOME_SERIES = 512;

interface OutcomeCell {
  readonly attributes: MetricAttributes;
  count: number;
}

/**
 * The instruments of one AuthModule. Outcomes are counted in plain memory and reported by an
 * observable counter when the reader collects, so a cached request costs a map lookup and an
 * increment, never an SDK call.
 */
export class AuthMetrics {
  private readonly cells = new Map<string, OutcomeCell>();
  private readonly duration: ReturnType<MetricsMeter['createHistogram']>;
  private readonly fetches: ReturnType<MetricsMeter['createCounter']>;
  private readonly fetchFailures: ReturnType<MetricsMeter['createCounter']>;

  constructor(meter: MetricsMeter) {
    meter
      .createObservableCounter(AUTH_METRIC_NAMES.outcomes, { description: 'Guarded requests by authentication outcome', unit: '{request}' })
      .addCallback((result) => {
        for (const cell of this.cells.values()) result.observe(cell.count, cell.attributes);
      });
    this.duration = meter.createHistogram(AUTH_METRIC_NAMES.verificationDuration, {
      description: 'Time to verify a token not answered by the verified-token cache',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.fetches = meter.createCounter(AUTH_METRIC_NAMES.keyFetches, { description: 'Fetches of remote key material', unit: '{fetch}' });
    this.fetchFailures = meter.createCounter(AUTH_METRIC_NAMES.keyFetchFailures, {
      description: 'Failed fetches of remote key material',
      unit: '{fetch}',
    });
  }

  /** Counts one guarded request. */
  outcome(result: AuthOutcomeResult, reason: string, tokenType: string, cacheHit: boolean): void {
    const key = `${result}|${reason}|${tokenType}|${cacheHit ? 1 : 0}`;
    let cell = this.cells.get(key);
    if (cell === undefined) {
      if (this.cells.size >= MAX_OUTCOME_SERIES) return;
      const attributes = { 'auth.result': result, 'auth.reason': reason, 'auth.token_type': tokenType, 'auth.cache_hit': cacheHit };
      this.cells.set(key, (cell = { attributes: Object.freeze(attributes), count: 0 }));
    }
    cell.count += 1;
  }

  /** Records one full verification, in seconds. */
  verification(seconds: number, reason: string | null): void {
    this.duration.record(seconds, { 'auth.result': reason === null ? 'verified' : 'refused', 'auth.reason': reason ?? 'none' });
  }

  /** Counts one fetch of key material; `problem` is null when it succeeded. */
  keyFetch(problem: string | null): void {
    this.fetches.add(1, { 'key_fetch.result': problem === null ? 'success' : 'failure' });
    if (problem !== null) this.fetchFailures.add(1, { 'key_fetch.problem': problem });
  }
}

/**
 * The meter named by the `metrics` option, or null when metrics are off. `true` loads
 * `@opentelemetry/api` (an optional peer) now, and fails the boot naming the option when it is missing.
 */
export async function meterFor(option: unknown): Promise<MetricsMeter | null> {
  if (option === undefined || option === false) return null;
  if (option !== true && (typeof option !== 'object' || option === null || Array.isArray(option))) {
    throw new AuthConfigError('metrics', 'expected true, false or { meter }');
  }
  const given = option === true ? undefined : (option as AuthMetricsOptions).meter;
  if (given !== undefined) {
    const fits = ['createCounter', 'createHistogram', 'createObservableCounter'].every(
      (name) => typeof (given as unknown as Record<string, unknown>)?.[name] === 'function',
    );
    if (!fits) throw new AuthConfigError('metrics.meter', 'expected an OpenTelemetry Meter (metrics.getMeter(...))');
    return given;
  }
  let api: typeof import('@opentelemetry/api');
  try {
    api = await import('@opentelemetry/api');
  } catch {
    throw new AuthConfigError('metrics', 'needs the optional peer dependency @opentelemetry/api: npm install @opentelemetry/api');
  }
  return api.metrics.getMeter('nestjs-warden');
}
