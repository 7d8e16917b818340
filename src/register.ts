/**
 * `node --import awaitwhat/register app.js`: starts an OpenTelemetry trace SDK (`@opentelemetry/sdk-trace`,
 * a batch span processor, the OTLP/HTTP JSON exporter, AsyncLocalStorage context, W3C propagation)
 * configured by the standard OTEL_* environment variables, with AwaitInstrumentation registered.
 * The SDK packages are optional peer dependencies: install them beside awaitwhat.
 *
 * Nothing here ends the program: a bad setting is a warning and its default, and a failure to start
 * (SDK packages missing) is one error line, after which the program runs without tracing.
 */

import { context, diag, DiagConsoleLogger, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
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
    // Short programs: flush what was recorded when the event loop empties (once).
    let flushed = false;
    process.on('beforeExit', () => {
      if (flushed) return;
      flushed = true;
      sdk.provider.shutdown().catch((error: unknown) => {
        // During an outage already reported, a failed final flush says nothing new.
        if (!sdk.exporter.failing) warnSafely(`flushing spans at exit failed: ${describeError(error)}`);
      });
    });
  } catch (error) {
    errorSafely(`could not start OpenTelemetry (${describeError(error)}); the program runs without tracing`);
  }
}
