/**
 * The OTEL_* variables `awaitwhat/register` reads, read as OpenTelemetry's own SDK reads them
 * (NodeSDK's `create-from-env`, `@opentelemetry/core`'s `getNumberFromEnv`/`getBooleanFromEnv`/
 * `getStringFromEnv`, the resources' env detector, the OTLP exporter's endpoint rules) and checked
 * by awaitwhat's settings rule (src/hooks/env.ts): a bad value is one warning and the default.
 *
 * Where the SDK would accept a value that breaks it, the value is refused too: a batch or queue
 * size that is not a whole number ≥ 1 (a batch size of 0 or 0.5 makes the batch processor export
 * empty batches forever, so the process never exits; NodeSDK refuses 0 the same way), and a delay
 * beyond 2^31-1 ms (Node.js would fire the timer every millisecond). The OTLP exporter's variables
 * (OTEL_EXPORTER_OTLP_*: endpoint, headers, timeout, compression) are read by the exporter itself,
 * which warns about bad ones in its own words; awaitwhat only derives the endpoint for messages.
 */

import { DiagLogLevel } from '@opentelemetry/api';
import { FLAG, integerAtLeast, listOf, MAX_TIMER_MS, numberIn, oneOf, setting, type Expect, type Warn } from '../hooks/env.ts';

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
type SamplerName = (typeof SAMPLERS)[number];

type PropagatorName = 'tracecontext' | 'baggage';

export interface SdkSettings {
  /** OTEL_SDK_DISABLED: start nothing. */
  disabled: boolean;
  /** OTEL_LOG_LEVEL, for the diag console logger. */
  logLevel: DiagLogLevel;
  /** OTEL_SERVICE_NAME, when set (it wins over a service.name in OTEL_RESOURCE_ATTRIBUTES). */
  serviceName: string | undefined;
  /** OTEL_RESOURCE_ATTRIBUTES, decoded. */
  resourceAttributes: Record<string, string>;
  /** OTEL_TRACES_SAMPLER, and OTEL_TRACES_SAMPLER_ARG for the ratio samplers. */
  sampler: SamplerName;
  samplerRatio: number;
  /** OTEL_BSP_*, as BatchSpanProcessor options. */
  batch: { scheduledDelayMillis: number; exportTimeoutMillis: number; maxQueueSize: number; maxExportBatchSize: number };
  /** OTEL_PROPAGATORS: the propagators to install (none for `none`). */
  propagators: PropagatorName[];
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT, as the OTLP/HTTP exporter derives it. */
  tracesEndpoint: string;
  /**
   * OTEL_METRICS_EXPORTER (`otlp`, the default, or `none`), OTEL_METRIC_EXPORT_INTERVAL and
   * OTEL_METRIC_EXPORT_TIMEOUT (a timeout longer than the interval is cut to it, as NodeSDK does:
   * the SDK's reader refuses it); undefined for `none`.
   */
  metrics: { exportIntervalMillis: number; exportTimeoutMillis: number; explicit: boolean } | undefined;
  /** OTEL_EXPORTER_OTLP_METRICS_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT, as the OTLP/HTTP exporter derives it. */
  metricsEndpoint: string;
}

/** The SDK's booleans (`getBooleanFromEnv`): `true` or `false`, any case, spaces around ignored. */
const SDK_BOOLEAN: Expect<boolean> = {
  expected: 'true or false',
  fromText(text) {
    const t = text.trim().toLowerCase();
    return t === 'true' ? true : t === 'false' ? false : undefined;
  },
  fromValue: FLAG.fromValue,
};

const LOG_LEVELS: Readonly<Record<string, DiagLogLevel>> = {
  ALL: DiagLogLevel.ALL,
  VERBOSE: DiagLogLevel.VERBOSE,
  DEBUG: DiagLogLevel.DEBUG,
  INFO: DiagLogLevel.INFO,
  WARN: DiagLogLevel.WARN,
  ERROR: DiagLogLevel.ERROR,
  NONE: DiagLogLevel.NONE,
};

/** `diagLogLevelFromString`: a level's name in any case. */
const LOG_LEVEL: Expect<DiagLogLevel> = {
  expected: `one of ${Object.keys(LOG_LEVELS).join(', ')}`,
  fromText: (text) => LOG_LEVELS[text.toUpperCase()],
  fromValue: () => undefined,
};

/** Any non-blank text (the SDK's `getStringFromEnv`). */
// Stryker disable next-line StringLiteral: equivalent: never shown, as every non-blank text is accepted and there is no option to be wrong
const TEXT: Expect<string> = { expected: 'text', fromText: (text) => text, fromValue: () => undefined };

const MAX_RESOURCE_TEXT = 255;

/**
 * OTEL_RESOURCE_ATTRIBUTES as the SDK's ResourceAttributesEnvDetector reads it: comma-separated
 * `key=value`, both trimmed and percent-decoded, a key not empty, neither over 255 characters;
 * any bad entry discards the whole variable (the SDK says so only at debug level).
 */
const RESOURCE_ATTRIBUTES: Expect<Record<string, string>> = {
  expected: `comma-separated key=value pairs, percent-encoded, each key and value at most ${MAX_RESOURCE_TEXT} characters`,
  fromText(text) {
    const attributes: Record<string, string> = {};
    for (const entry of text.split(',').filter((e) => e.trim() !== '')) {
      const pair = entry.split('=');
      if (pair.length !== 2 || pair[0]!.trim() === '') return undefined;
      let key: string;
      let value: string;
      try {
        key = decodeURIComponent(pair[0]!.trim());
        value = decodeURIComponent(pair[1]!.trim());
      } catch {
        return undefined; // malformed percent-encoding: the answer sought
      }
      if (key.length > MAX_RESOURCE_TEXT || value.length > MAX_RESOURCE_TEXT) return undefined;
      attributes[key] = value;
    }
    return attributes;
  },
  fromValue: () => undefined,
};

const PROPAGATOR_NAMES = ['tracecontext', 'baggage', 'none'] as const;
const PROPAGATORS = listOf(`propagator names among ${PROPAGATOR_NAMES.join(', ')}`, (name) => (PROPAGATOR_NAMES as readonly string[]).includes(name));

const METRICS_EXPORTER_NAMES = ['otlp', 'none'] as const;
const METRICS_EXPORTERS = listOf(`metric exporter names among ${METRICS_EXPORTER_NAMES.join(', ')}`, (name) => (METRICS_EXPORTER_NAMES as readonly string[]).includes(name));

/** All of register's OTEL_* settings; `warn` receives one message per bad value. */
export function readSdkSettings(env: NodeJS.ProcessEnv, warn: Warn): SdkSettings {
  const read = <T>(name: string, expect: Expect<T>, fallback: T, fallbackText?: string): T =>
    setting({ variable: { name, env }, expect, fallback, fallbackText }, warn);
  const sampler = read<SamplerName>('OTEL_TRACES_SAMPLER', oneOf(SAMPLERS), 'parentbased_always_on', 'parentbased_always_on');
  const propagators = read<string[]>('OTEL_PROPAGATORS', PROPAGATORS, ['tracecontext', 'baggage'], 'tracecontext,baggage');
  return {
    disabled: read('OTEL_SDK_DISABLED', SDK_BOOLEAN, false),
    logLevel: read('OTEL_LOG_LEVEL', LOG_LEVEL, DiagLogLevel.WARN, 'WARN'),
    serviceName: read<string | undefined>('OTEL_SERVICE_NAME', TEXT, undefined),
    resourceAttributes: read('OTEL_RESOURCE_ATTRIBUTES', RESOURCE_ATTRIBUTES, {}, 'none'),
    sampler,
    // Read only by the ratio samplers, as the SDK does.
    samplerRatio: sampler.endsWith('traceidratio') ? read('OTEL_TRACES_SAMPLER_ARG', numberIn(0, 1), 1) : 1,
    batch: {
      scheduledDelayMillis: read('OTEL_BSP_SCHEDULE_DELAY', numberIn(0, MAX_TIMER_MS, { exclusiveMin: true }), 5000),
      exportTimeoutMillis: read('OTEL_BSP_EXPORT_TIMEOUT', numberIn(0, MAX_TIMER_MS, { exclusiveMin: true }), 30000),
      maxQueueSize: read('OTEL_BSP_MAX_QUEUE_SIZE', integerAtLeast(1), 2048),
      maxExportBatchSize: read('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', integerAtLeast(1), 512),
    },
    propagators: propagators.includes('none') ? [] : [...new Set(propagators as PropagatorName[])],
    tracesEndpoint: endpoint(env, 'TRACES'),
    metrics: readMetricSettings(env, read, warn),
    metricsEndpoint: endpoint(env, 'METRICS'),
  };
}

function readMetricSettings(env: NodeJS.ProcessEnv, read: <T>(name: string, expect: Expect<T>, fallback: T, fallbackText?: string) => T, warn: Warn): SdkSettings['metrics'] {
  const exporters = read<string[]>('OTEL_METRICS_EXPORTER', METRICS_EXPORTERS, ['otlp'], 'otlp');
  if (exporters.includes('none')) return undefined;
  const positiveDelay = numberIn(0, MAX_TIMER_MS, { exclusiveMin: true });
  const exportIntervalMillis = read('OTEL_METRIC_EXPORT_INTERVAL', positiveDelay, 60000);
  let exportTimeoutMillis = read('OTEL_METRIC_EXPORT_TIMEOUT', positiveDelay, 30000);
  if (exportTimeoutMillis > exportIntervalMillis) {
    // The default timeout under a short interval is cut silently (NodeSDK says so at info level); a
    // timeout the user set longer than the interval is said once.
    if (env.OTEL_METRIC_EXPORT_TIMEOUT?.trim()) {
      warn(`OTEL_METRIC_EXPORT_TIMEOUT=${exportTimeoutMillis} is longer than the export interval (${exportIntervalMillis} ms, OTEL_METRIC_EXPORT_INTERVAL); using ${exportIntervalMillis}`);
    }
    exportTimeoutMillis = exportIntervalMillis;
  }
  return { exportIntervalMillis, exportTimeoutMillis, explicit: Boolean(env.OTEL_METRICS_EXPORTER?.trim()) };
}

/**
 * Where the OTLP/HTTP exporter sends traces (or metrics), by its own rule, for awaitwhat's
 * messages: the signal's endpoint as given (normalised by URL), else the base endpoint with
 * `v1/traces` (`v1/metrics`) appended, else localhost:4318. Not checked here: the exporter reads
 * these variables itself and warns about a bad one (`Could not parse environment-provided export
 * URL`), and a second warning would repeat it.
 */
function endpoint(env: NodeJS.ProcessEnv, signal: 'TRACES' | 'METRICS'): string {
  const path = `v1/${signal.toLowerCase()}`;
  // Stryker disable next-line MethodExpression: equivalent: a blank value kept (not trimmed away) never parses as a URL either, so the same fallback follows
  const text = (name: string): string | undefined => (env[name]?.trim() ? env[name] : undefined);
  const specific = text(`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`);
  if (specific !== undefined && URL.canParse(specific)) return new URL(specific).toString();
  const base = text('OTEL_EXPORTER_OTLP_ENDPOINT');
  const fromBase = base === undefined ? undefined : `${base.endsWith('/') ? base : `${base}/`}${path}`;
  return base !== undefined && URL.canParse(base) && URL.canParse(fromBase!) ? fromBase! : `http://localhost:4318/${path}`;
}
