/**
 * The trace SDK `awaitwhat/register` starts, from OTEL_* environment variables. The SDK packages
 * are optional peer dependencies, loaded here so that nothing else in awaitwhat needs them;
 * `@opentelemetry/sdk-trace` has the same interface in SDK 2.x and 3.x.
 */

import { hostname } from 'node:os';
import { diag, type ContextManager, type TracerProvider } from '@opentelemetry/api';

export interface StartedSdk {
  provider: TracerProvider & { shutdown(): Promise<void>; forceFlush(): Promise<void> };
  exporter: ReportingExporter;
  contextManager: ContextManager;
  propagator: unknown;
}

const REQUIRED = ['@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/context-async-hooks', '@opentelemetry/core', '@opentelemetry/resources'];

export class MissingSdkError extends Error {
  constructor(missing: string[]) {
    super(`awaitwhat/register needs the OpenTelemetry SDK packages; missing: ${missing.join(', ')}. Install them with: npm install ${missing.join(' ')}`);
    this.name = 'MissingSdkError';
  }
}

async function load<T>(name: string, missing: string[]): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') missing.push(name);
    else throw error;
    return undefined as T;
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK is loaded dynamically, as whichever version is installed */
export async function startSdk(env: NodeJS.ProcessEnv): Promise<StartedSdk> {
  const missing: string[] = [];
  const [sdk, exporterModule, hooks, core, resources] = await Promise.all(REQUIRED.map((name) => load<any>(name, missing)));
  if (missing.length > 0) throw new MissingSdkError(missing);

  const exporter = new ReportingExporter(new exporterModule.OTLPTraceExporter(), tracesEndpoint(env));
  // The batch processor reports every failed export through the global error handler; the
  // exporter wrapper has already said it once, so repeats of the same outage are dropped.
  const seen = new Set<string>();
  core.setGlobalErrorHandler((error: unknown) => {
    if (exporter.failing) return;
    const message = (error as Error)?.message ?? String(error);
    if (seen.has(message)) return;
    seen.add(message);
    diag.error(`OpenTelemetry SDK: ${message}`);
  });
  const processor = new sdk.BatchSpanProcessor({ exporter, ...batchOptions(env) });
  const provider = new sdk.TracerProvider({
    resource: resources.resourceFromAttributes(resourceAttributes(env)),
    sampler: sampler(sdk, env),
    spanProcessors: [processor],
  });
  const propagators = (env.OTEL_PROPAGATORS ?? 'tracecontext,baggage').split(',').map((p) => p.trim());
  const propagator = new core.CompositePropagator({
    propagators: [
      ...(propagators.includes('tracecontext') ? [new core.W3CTraceContextPropagator()] : []),
      ...(propagators.includes('baggage') ? [new core.W3CBaggagePropagator()] : []),
    ],
  });
  return { provider, exporter, contextManager: new hooks.AsyncLocalStorageContextManager().enable(), propagator };
}

function numberFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    diag.warn(`awaitwhat/register: ${name}=${JSON.stringify(raw)} is not a number >= 0; using the default`);
    return undefined;
  }
  return n;
}

function batchOptions(env: NodeJS.ProcessEnv): Record<string, number> {
  const options: Record<string, number> = {};
  const map = [
    ['OTEL_BSP_SCHEDULE_DELAY', 'scheduledDelayMillis'],
    ['OTEL_BSP_EXPORT_TIMEOUT', 'exportTimeoutMillis'],
    ['OTEL_BSP_MAX_QUEUE_SIZE', 'maxQueueSize'],
    ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'maxExportBatchSize'],
  ] as const;
  for (const [variable, option] of map) {
    const n = numberFrom(env, variable);
    if (n !== undefined) options[option] = n;
  }
  return options;
}

function resourceAttributes(env: NodeJS.ProcessEnv): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      attributes[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      diag.warn(`awaitwhat/register: OTEL_RESOURCE_ATTRIBUTES entry ${JSON.stringify(pair)} is not percent-encoded correctly; skipped`);
    }
  }
  attributes['service.name'] = env.OTEL_SERVICE_NAME ?? attributes['service.name'] ?? `unknown_service:${process.argv0}`;
  // As the host resource detector would: backends use it to group spans by host.
  attributes['host.name'] ??= hostname();
  return attributes;
}

function sampler(sdk: any, env: NodeJS.ProcessEnv): unknown {
  const name = (env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on').trim();
  const ratio = numberFrom(env, 'OTEL_TRACES_SAMPLER_ARG') ?? 1;
  const root = (n: string) => (n === 'always_off' ? new sdk.AlwaysOffSampler() : n === 'traceidratio' ? new sdk.TraceIdRatioBasedSampler(ratio) : new sdk.AlwaysOnSampler());
  switch (name) {
    case 'always_on':
    case 'always_off':
    case 'traceidratio':
      return root(name);
    case 'parentbased_always_on':
    case 'parentbased_always_off':
    case 'parentbased_traceidratio':
      return new sdk.ParentBasedSampler({ root: root(name.slice('parentbased_'.length)) });
    default:
      diag.warn(`awaitwhat/register: OTEL_TRACES_SAMPLER=${JSON.stringify(name)} is not supported; using parentbased_always_on`);
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
  }
}

/** The exporter's error message, with the HTTP status when the collector answered with one. */
function describeError(error: Error | undefined): string {
  if (error === undefined) return 'unknown error';
  const status = (error as { code?: unknown }).code;
  return typeof status === 'number' ? `${error.message}, HTTP ${status}` : error.message;
}

interface ExportResultLike {
  code: number;
  error?: Error;
}

interface SpanExporterLike {
  export(spans: unknown[], done: (result: ExportResultLike) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/**
 * Says once, through diag, that exporting fails (collector down, slow, refusing) and once that it
 * works again; the batch processor's bounded queue keeps memory bounded meanwhile.
 */
/** Where the OTLP/HTTP exporter sends traces, as its OTEL_* variables decide (for messages). */
function tracesEndpoint(env: NodeJS.ProcessEnv): string {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces !== undefined && traces !== '') return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base !== undefined && base !== '' ? `${base.replace(/\/$/, '')}/v1/traces` : 'http://localhost:4318/v1/traces';
}

export class ReportingExporter implements SpanExporterLike {
  readonly #inner: SpanExporterLike;
  readonly #endpoint: string;
  #failing = false;

  /** Whether the latest export failed. */
  get failing(): boolean {
    return this.#failing;
  }

  constructor(inner: SpanExporterLike, endpoint: string) {
    this.#inner = inner;
    this.#endpoint = endpoint;
  }

  export(spans: unknown[], done: (result: ExportResultLike) => void): void {
    this.#inner.export(spans, (result) => {
      if (result.code !== 0 && !this.#failing) {
        this.#failing = true;
        diag.warn(`awaitwhat: exporting spans to ${this.#endpoint} failed (${describeError(result.error)}); the program is unaffected, spans are dropped until the collector answers again`);
      } else if (result.code === 0 && this.#failing) {
        this.#failing = false;
        diag.warn(`awaitwhat: exporting spans to ${this.#endpoint} works again`);
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
