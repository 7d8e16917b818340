/**
 * `node --import awaitwhat/register app.js`: starts an OpenTelemetry trace SDK (`@opentelemetry/sdk-trace`,
 * a batch span processor, the OTLP/HTTP JSON exporter, AsyncLocalStorage context, W3C propagation)
 * configured by the standard OTEL_* environment variables, with AwaitInstrumentation registered,
 * and OTLP/HTTP JSON metric export of its gauges (OTEL_METRICS_EXPORTER=otlp by default,
 * OTEL_METRIC_EXPORT_INTERVAL). The SDK packages are optional peer dependencies: install them
 * beside awaitwhat (without the metric ones, one line says so and the traces still go).
 *
 * Nothing here ends the program: a bad setting is a warning and its default, and a failure to start
 * (SDK packages missing) is one error line, after which the program runs without tracing.
 */

import { context, diag, DiagConsoleLogger, metrics, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { AwaitInstrumentation } from './otel/instrumentation.ts';
import { errorSafely, OutageAwareLogger, warnSafely } from './otel/diag-logger.ts';
import { describeError } from './otel/faults.ts';
import { startSdk } from './otel/sdk.ts';
import { readSdkSettings } from './otel/sdk-settings.ts';

// Warnings about settings wait until the logger exists, whose level is itself a setting.
const warnings: string[] = [];
const settings = readSdkSettings(process.env, (message) => warnings.push(message));

if (!settings.disabled) {
  const logger = new OutageAwareLogger(new DiagConsoleLogger());
  diag.setLogger(logger, { logLevel: settings.logLevel, suppressOverrideMessage: true });
  for (const message of warnings) warnSafely(message);
  try {
    const sdk = await startSdk(settings);
    logger.watch(sdk.exporter);
    context.setGlobalContextManager(sdk.contextManager);
    if (sdk.propagator !== undefined) propagation.setGlobalPropagator(sdk.propagator as TextMapPropagator);
    trace.setGlobalTracerProvider(sdk.provider);
    const instrumentation = new AwaitInstrumentation();
    instrumentation.setTracerProvider(sdk.provider);
    const meterProvider = sdk.metrics !== undefined && 'provider' in sdk.metrics ? sdk.metrics.provider : undefined;
    if (meterProvider !== undefined) {
      metrics.setGlobalMeterProvider(meterProvider);
      instrumentation.setMeterProvider(meterProvider);
    } else if (sdk.metrics !== undefined && 'missing' in sdk.metrics) {
      const missing = sdk.metrics.missing.join(' ');
      warnSafely(`metrics are not exported: OTEL_METRICS_EXPORTER=otlp${sdk.metrics.explicit ? '' : ' (the default)'} needs ${sdk.metrics.missing.join(', ')}. Install them with: npm install ${missing}, or set OTEL_METRICS_EXPORTER=none`);
    }
    // Short programs: flush what was recorded when the event loop empties (once).
    let flushed = false;
    process.on('beforeExit', () => {
      if (flushed) return;
      flushed = true;
      sdk.provider.shutdown().catch((error: unknown) => {
        // During an outage already reported, a failed final flush says nothing new.
        if (!sdk.exporter.failing) warnSafely(`flushing spans at exit failed: ${describeError(error)}`);
      });
      meterProvider?.shutdown().catch((error: unknown) => {
        if (sdk.metrics !== undefined && 'exporter' in sdk.metrics && !sdk.metrics.exporter.failing) warnSafely(`flushing metrics at exit failed: ${describeError(error)}`);
      });
    });
  } catch (error) {
    errorSafely(`could not start OpenTelemetry (${describeError(error)}); the program runs without tracing`);
  }
}
