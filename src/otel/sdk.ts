/**
 * The trace SDK `awaitwhat/register` starts, from OTEL_* environment variables. The SDK packages
 * are optional peer dependencies, loaded here so that nothing else in awaitwhat needs them;
 * `@opentelemetry/sdk-trace` has the same interface in SDK 2.x and 3.x.
 */

import { hostname } from 'node:os';
import { diag, type ContextManager, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import { warnSafely } from './diag-logger.ts';
import { describeError } from './faults.ts';
import { coresOf } from './sdk-cores.ts';
import type { SdkSettings } from './sdk-settings.ts';

interface StartedSdk {
  provider: TracerProvider & { shutdown(): Promise<void>; forceFlush(): Promise<void> };
  exporter: ReportingExporter;
  contextManager: ContextManager;
  /** Undefined for OTEL_PROPAGATORS=none: the API's no-op propagator stays. */
  propagator: unknown;
  /** The OTLP metric export (OTEL_METRICS_EXPORTER=otlp, the default), or why there is none. */
  metrics: { provider: MeterProvider & { shutdown(): Promise<void> }; exporter: ReportingExporter } | { missing: string[]; explicit: boolean } | undefined;
}

const METRICS = ['@opentelemetry/sdk-metrics', '@opentelemetry/exporter-metrics-otlp-http'];

const REQUIRED = ['@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/context-async-hooks', '@opentelemetry/core', '@opentelemetry/resources'];

class MissingSdkError extends Error {
  constructor(missing: string[]) {
    super(`awaitwhat/register needs the OpenTelemetry SDK packages; missing: ${missing.join(', ')}. Install them with: npm install ${missing.join(' ')}`);
    this.name = 'MissingSdkError';
  }
}

async function load<T>(name: string, missing: string[]): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    // A missing package is collected, so that one error names them all; any other failure goes on
    // to register, which reports it once and runs the program without tracing.
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') missing.push(name);
    else throw error;
    return undefined as T;
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK is loaded dynamically, as whichever version is installed */
/** Starts the SDK from settings already read (and checked) by `readSdkSettings`. */
export async function startSdk(settings: SdkSettings): Promise<StartedSdk> {
  const missing: string[] = [];
  const [sdk, exporterModule, hooks, core, resources] = await Promise.all(REQUIRED.map((name) => load<any>(name, missing)));
  if (missing.length > 0) throw new MissingSdkError(missing);

  const exporter = new ReportingExporter(new exporterModule.OTLPTraceExporter(), settings.tracesEndpoint, 'spans');
  // As NodeSDK: the SDK's default resource (telemetry.sdk.*, service.name) under the environment's.
  const resource = resources.defaultResource().merge(resources.resourceFromAttributes(resourceAttributes(settings)));
  const metrics = settings.metrics === undefined ? undefined : await startMetrics(settings, settings.metrics, resource);
  // The batch processor reports every failed export through the global error handler; the
  // exporter wrapper has already said it once, so repeats of the same outage are dropped. Its own
  // export timeout ('Timeout') is the outage itself, and may come first when the process is slow
  // (before the exporter's shorter timeout has called back): it is reported as the outage.
  const seen = new Set<string>();
  const handler = (error: unknown): void => {
    if (exporter.failing || (metrics !== undefined && 'exporter' in metrics && metrics.exporter.failing)) return;
    const message = describeError(error);
    if (message === 'Timeout') {
      exporter.failed('the batch span processor timed out waiting for the export');
      return;
    }
    if (seen.has(message)) return;
    seen.add(message);
    diag.error(`OpenTelemetry SDK: ${message}`);
  };
  // On every copy of core the processor and the reader report through (sdk-cores.ts); sdk-metrics'
  // even without metrics (a copy found there is one more handler set, nothing else).
  for (const c of await coresOf(core, ['@opentelemetry/sdk-trace', '@opentelemetry/sdk-metrics'])) c.setGlobalErrorHandler(handler);
  const processor = new sdk.BatchSpanProcessor({ exporter, ...settings.batch });
  const provider = new sdk.TracerProvider({
    resource,
    sampler: sampler(sdk, settings),
    spanProcessors: [processor],
  });
  const propagators = settings.propagators.map((name) => (name === 'tracecontext' ? new core.W3CTraceContextPropagator() : new core.W3CBaggagePropagator()));
  const propagator = propagators.length === 0 ? undefined : new core.CompositePropagator({ propagators });
  return { provider, exporter, contextManager: new hooks.AsyncLocalStorageContextManager().enable(), propagator, metrics };
}

/**
 * OTLP/HTTP JSON metric export every OTEL_METRIC_EXPORT_INTERVAL, for AwaitInstrumentation's
 * gauges; the metric packages are optional peers like the trace SDK's, and without them the traces
 * still go (register says what to install).
 */
async function startMetrics(settings: SdkSettings, metrics: NonNullable<SdkSettings['metrics']>, resource: unknown): Promise<StartedSdk['metrics']> {
  const missing: string[] = [];
  const [sdk, exporterModule] = await Promise.all(METRICS.map((name) => load<any>(name, missing)));
  if (missing.length > 0) return { missing, explicit: metrics.explicit };
  const exporter = new ReportingMetricExporter(new exporterModule.OTLPMetricExporter(), settings.metricsEndpoint, 'metrics');
  const reader = new sdk.PeriodicExportingMetricReader({ exporter, exportIntervalMillis: metrics.exportIntervalMillis, exportTimeoutMillis: metrics.exportTimeoutMillis });
  return { provider: new sdk.MeterProvider({ resource, readers: [reader] }), exporter };
}

function resourceAttributes(settings: SdkSettings): Record<string, string> {
  const attributes = { ...settings.resourceAttributes };
  if (settings.serviceName !== undefined) attributes['service.name'] = settings.serviceName;
  // As the host resource detector would: backends use it to group spans by host.
  attributes['host.name'] ??= hostname();
  return attributes;
}

function sampler(sdk: any, settings: SdkSettings): unknown {
  const root = (name: string) =>
    name === 'always_off' ? new sdk.AlwaysOffSampler() : name === 'traceidratio' ? new sdk.TraceIdRatioBasedSampler(settings.samplerRatio) : new sdk.AlwaysOnSampler();
  const name = settings.sampler;
  return name.startsWith('parentbased_') ? new sdk.ParentBasedSampler({ root: root(name.slice('parentbased_'.length)) }) : root(name);
}

/** The exporter's error message, with the HTTP status when the collector answered with one. */
function describeExportError(error: Error | undefined): string {
  if (error === undefined) return 'unknown error';
  const status = (error as { code?: unknown }).code;
  return typeof status === 'number' ? `${error.message}, HTTP ${status}` : error.message;
}

interface ExportResultLike {
  code: number;
  error?: Error;
}

interface ExporterLike {
  export(spans: unknown[], done: (result: ExportResultLike) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/**
 * Says once, through diag, that exporting fails (collector down, slow, refusing) and once that it
 * works again; the batch processor's bounded queue keeps memory bounded meanwhile.
 */
export class ReportingExporter implements ExporterLike {
  readonly #inner: ExporterLike;
  readonly #endpoint: string;
  readonly #what: string;
  #failing = false;

  /** Whether the latest export failed. */
  get failing(): boolean {
    return this.#failing;
  }

  constructor(inner: ExporterLike, endpoint: string, what: 'spans' | 'metrics') {
    this.#inner = inner;
    this.#endpoint = endpoint;
    this.#what = what;
  }

  /** The outage starts (once): exporting failed for this reason. */
  failed(reason: string): void {
    if (this.#failing) return;
    this.#failing = true;
    warnSafely(`exporting ${this.#what} to ${this.#endpoint} failed (${reason}); the program is unaffected, ${this.#what} are dropped until the collector answers again`);
  }

  export(spans: unknown[], done: (result: ExportResultLike) => void): void {
    this.#inner.export(spans, (result) => {
      if (result.code !== 0) this.failed(describeExportError(result.error));
      else if (this.#failing) {
        this.#failing = false;
        warnSafely(`exporting ${this.#what} to ${this.#endpoint} works again`);
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** The same for a metric exporter, whose reader also asks it which temporality and aggregation to use. */
export class ReportingMetricExporter extends ReportingExporter {
  readonly selectAggregationTemporality?: (instrumentType: unknown) => unknown;
  readonly selectAggregation?: (instrumentType: unknown) => unknown;

  constructor(inner: ExporterLike & Pick<ReportingMetricExporter, 'selectAggregationTemporality' | 'selectAggregation'>, endpoint: string, what: 'metrics') {
    super(inner, endpoint, what);
    if (inner.selectAggregationTemporality !== undefined) this.selectAggregationTemporality = inner.selectAggregationTemporality.bind(inner);
    if (inner.selectAggregation !== undefined) this.selectAggregation = inner.selectAggregation.bind(inner);
  }
}
