import { describe, expect, it } from '@jest/globals';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { AuthConfigError } from '../../config/auth-config-error.js';
import { AUTH_METRIC_NAMES, AuthMetrics, meterFor } from './auth-metrics.js';

async function outcomesOf(run: (metrics: AuthMetrics) => void): Promise<Array<{ attributes: object; value: unknown }>> {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  try {
    run(new AuthMetrics(provider.getMeter('spec')));
    await reader.forceFlush();
    const metric = exporter
      .getMetrics()
      .flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
      .find((m) => m.descriptor.name === AUTH_METRIC_NAMES.outcomes);
    return (metric?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, value: p.value }));
  } finally {
    await provider.shutdown();
  }
}

describe('AuthMetrics', () => {
  it('reports cumulative outcome counts, one series per attribute set', async () => {
    const points = await outcomesOf((metrics) => {
      for (let i = 0; i < 3; i += 1) metrics.outcome('authenticated', 'none', 'session_token', true);
      metrics.outcome('refused', 'token-expired', 'unknown', false);
    });
    expect(points).toEqual([
      { attributes: { 'auth.result': 'authenticated', 'auth.reason': 'none', 'auth.token_type': 'session_token', 'auth.cache_hit': true }, value: 3 },
      { attributes: { 'auth.result': 'refused', 'auth.reason': 'token-expired', 'auth.token_type': 'unknown', 'auth.cache_hit': false }, value: 1 },
    ]);
  });

  it('bounds the number of series, whatever token types it is handed', async () => {
    const points = await outcomesOf((metrics) => {
      for (let i = 0; i < 2000; i += 1) metrics.outcome('authenticated', 'none', `type_${i}`, false);
    });
    expect(points).toHaveLength(512);
  });
});

describe('meterFor', () => {
  it('is null when metrics are off, the given meter when one is given', async () => {
    expect(await meterFor(undefined)).toBeNull();
    expect(await meterFor(false)).toBeNull();
    const meter = new MeterProvider().getMeter('given');
    expect(await meterFor({ meter })).toBe(meter);
  });

  it('names the option when it is malformed', async () => {
    await expect(meterFor('yes')).rejects.toThrow(new AuthConfigError('metrics', 'expected true, false or { meter }'));
    await expect(meterFor({ meter: { createCounter: 1 } })).rejects.toThrow(AuthConfigError);
  });
});
