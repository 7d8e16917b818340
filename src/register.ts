/**
 * `node --import awaitwhat/register app.js`: starts an OpenTelemetry trace SDK (`@opentelemetry/sdk-trace`,
 * a batch span processor, the OTLP/HTTP JSON exporter, AsyncLocalStorage context, W3C propagation)
 * configured by the standard OTEL_* environment variables, with AwaitInstrumentation registered.
 * The SDK packages are optional peer dependencies: install them beside awaitwhat.
 */

import { context, diag, DiagConsoleLogger, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { AwaitInstrumentation } from './otel/instrumentation.ts';
import { OutageAwareLogger } from './otel/diag-logger.ts';
import { startSdk } from './otel/sdk.ts';

if (!/^(true|1)$/i.test(process.env.OTEL_SDK_DISABLED ?? '')) {
  const logger = new OutageAwareLogger(new DiagConsoleLogger());
  diag.setLogger(logger, { logLevel: await logLevel(), suppressOverrideMessage: true });
  const sdk = await startSdk(process.env);
  logger.watch(sdk.exporter);
  context.setGlobalContextManager(sdk.contextManager);
  propagation.setGlobalPropagator(sdk.propagator as TextMapPropagator);
  trace.setGlobalTracerProvider(sdk.provider);
  const instrumentation = new AwaitInstrumentation();
  instrumentation.setTracerProvider(sdk.provider);
  // Short programs: flush what was recorded when the event loop empties (once).
  let flushed = false;
  process.on('beforeExit', () => {
    if (flushed) return;
    flushed = true;
    sdk.provider.shutdown().catch((error: Error) => {
      // During an outage already reported, a failed final flush says nothing new.
      if (!sdk.exporter.failing) diag.warn(`awaitwhat: flushing spans at exit failed: ${error.message}`);
    });
  });
}

async function logLevel(): Promise<number> {
  const { diagLogLevelFromString } = await import('@opentelemetry/core');
  return diagLogLevelFromString(process.env.OTEL_LOG_LEVEL) ?? 50; // DiagLogLevel.WARN
}
