// nestjs-warden as in nestjs-warden.mjs, with OpenTelemetry metrics on: an SDK MeterProvider whose
// reader exports every second (to memory), as a production app's exporter would run.
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { Auth, AuthModule } from '../.build/nestjs-warden/index.js';
import { appModule, config, decorate, serve } from './app.mjs';
import { Controller, Get } from '@nestjs/common';

class MeController {
  me(auth) {
    return { userId: auth.userId };
  }
}
Auth()(MeController.prototype, 'me', 0);
decorate([Get('me')], MeController, 'me');
decorate([Controller()], MeController);

const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 1000 });
// Keep only the latest export: the bench measures the metrics path, not a growing array.
setInterval(() => exporter.reset(), 5000).unref();
const meter = new MeterProvider({ readers: [reader] }).getMeter('bench');

await serve(
  appModule({
    imports: [AuthModule.forRoot({ jwksUrl: config.jwksUrl, issuer: config.issuer, audience: config.audience, metrics: { meter }, global: true })],
    controllers: [MeController],
  }),
);
