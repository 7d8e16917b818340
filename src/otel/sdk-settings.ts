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

const DEFAULT_TRACES_ENDPOINT = 'http://localhost:4318/v1/traces';

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
    tracesEndpoint: tracesEndpoint(env),
  };
}

/**
 * Where the OTLP/HTTP exporter sends traces, by its own rule, for awaitwhat's messages: the traces
 * endpoint as given (normalised by URL), else the base endpoint with `v1/traces` appended, else
 * localhost:4318. Not checked here: the exporter reads these variables itself and warns about a
 * bad one (`Could not parse environment-provided export URL`), and a second warning would repeat it.
 */
function tracesEndpoint(env: NodeJS.ProcessEnv): string {
  const text = (name: string): string | undefined => (env[name]?.trim() ? env[name] : undefined);
  const specific = text('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (specific !== undefined && URL.canParse(specific)) return new URL(specific).toString();
  const base = text('OTEL_EXPORTER_OTLP_ENDPOINT');
  const fromBase = base === undefined ? undefined : `${base.endsWith('/') ? base : `${base}/`}v1/traces`;
  return base !== undefined && URL.canParse(base) && URL.canParse(fromBase!) ? fromBase! : DEFAULT_TRACES_ENDPOINT;
}
