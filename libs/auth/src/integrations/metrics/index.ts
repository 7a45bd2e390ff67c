// `nestjs-warden/metrics`: the OpenTelemetry instruments behind the `metrics` option.
export { AUTH_METRIC_NAMES, type AuthOutcomeResult } from './auth-metrics.js';
export type { AuthMetricsOptions, MetricAttributes, MetricsMeter } from '../../config/event-options.js';
