// Starts OpenTelemetry before the application loads:
//   node --import ./examples/otel/tracing.mjs examples/otel/server.mjs
// HTTP server spans come from @opentelemetry/instrumentation-http; every async function of the
// application becomes a span with AwaitInstrumentation, and hung await chains are exported as
// `pending await` snapshots. OTEL_* environment variables configure the exporters as usual
// (OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4318). NodeSDK also exports metrics over
// OTLP by default (OTEL_METRICS_EXPORTER, OTEL_METRIC_EXPORT_INTERVAL), AwaitInstrumentation's
// gauges among them (awaitwhat.await.pending, awaitwhat.await.oldest_age).
import { createRequire } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { envDetector, hostDetector, processDetector } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AwaitInstrumentation } from 'awaitwhat';

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'awaitwhat-example',
  traceExporter: new OTLPTraceExporter(),
  // host.name lets a backend tell that all spans come from one host (Jaeger then does not try to
  // correct clock skew between a handler span and the server span it outlives by a millisecond).
  resourceDetectors: [envDetector, hostDetector, processDetector],
  instrumentations: [
    new HttpInstrumentation(),
    new AwaitInstrumentation({
      pendingThresholdMs: Number(process.env.PENDING_THRESHOLD_MS ?? 2000),
      sampleIntervalMs: Number(process.env.SAMPLE_INTERVAL_MS ?? 500),
    }),
  ],
});
sdk.start();
// The application imports node:http as an ES module; loading it once through require lets the
// HTTP instrumentation patch it first.
createRequire(import.meta.url)('node:http');

process.on('SIGTERM', () => {
  sdk.shutdown().finally(() => process.exit(0));
});
