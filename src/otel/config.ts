/** Public configuration of AwaitInstrumentation, with its defaults and environment variables. */

import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { PendingReport } from './report.ts';

/** Receives every chain the sampler exports, as data; runs isolated from the sampler (a throw is logged, not propagated). */
/** May return a promise: its rejection is reported through `diag`, never left unhandled. */
export type PendingCallback = (report: PendingReport) => void | PromiseLike<unknown>;

export interface AwaitInstrumentationConfig extends InstrumentationConfig {
  /** How long an await must be pending before the sampler reports its chain. @default 5000 (AWAITWHAT_PENDING_THRESHOLD_MS) */
  pendingThresholdMs?: number;
  /** How often the sampler looks for pending chains. @default 1000 (AWAITWHAT_SAMPLE_INTERVAL_MS) */
  sampleIntervalMs?: number;
  /** A finished async call shorter than this produces no span, unless something it awaited did. @default 10 (AWAITWHAT_MIN_SPAN_DURATION_MS) */
  minSpanDurationMs?: number;
  /** Most chains reported per sample; the longest-pending first. @default 20 (AWAITWHAT_MAX_CHAINS) */
  maxChainsPerSample?: number;
  /** Make spans only for calls made inside an existing trace (an HTTP request, a manual span). @default false (AWAITWHAT_REQUIRE_PARENT_SPAN) */
  requireParentSpan?: boolean;
  /** Globs of files to instrument (relative to the working directory). @default all outside node_modules (AWAITWHAT_INCLUDE) */
  include?: string[];
  /** Globs of files never to instrument. @default none (AWAITWHAT_EXCLUDE) */
  exclude?: string[];
  /** Packages in node_modules to instrument as well. @default none (AWAITWHAT_PACKAGES) */
  packages?: string[];
  /** Keep await expressions' source text out of spans and reports (it may hold literals). @default false (AWAITWHAT_OMIT_TEXT) */
  omitText?: boolean;
  /** Called with each sample's report, after the spans are started. */
  onPending?: PendingCallback;
}

export type ResolvedConfig = Required<Omit<AwaitInstrumentationConfig, 'onPending' | 'include' | 'exclude' | 'packages'>> &
  Pick<AwaitInstrumentationConfig, 'onPending' | 'include' | 'exclude' | 'packages'>;

export const DEFAULTS = {
  enabled: true,
  pendingThresholdMs: 5000,
  sampleIntervalMs: 1000,
  minSpanDurationMs: 10,
  maxChainsPerSample: 20,
  requireParentSpan: false,
  omitText: false,
} as const;

export class ConfigError extends TypeError {
  constructor(name: string, value: unknown, expected: string) {
    super(`AwaitInstrumentation ${name}: expected ${expected}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
    this.name = 'ConfigError';
  }
}

const NUMBERS = [
  ['pendingThresholdMs', 'AWAITWHAT_PENDING_THRESHOLD_MS', 1],
  ['sampleIntervalMs', 'AWAITWHAT_SAMPLE_INTERVAL_MS', 10],
  ['minSpanDurationMs', 'AWAITWHAT_MIN_SPAN_DURATION_MS', 0],
  ['maxChainsPerSample', 'AWAITWHAT_MAX_CHAINS', 1],
] as const;

/** Explicit options win over environment variables, which win over defaults. Throws `ConfigError` naming a bad value. */
export function resolveConfig(config: AwaitInstrumentationConfig, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const [key, variable, min] of NUMBERS) {
    const raw: unknown = config[key] ?? (env[variable] !== undefined && env[variable] !== '' ? Number(env[variable]) : undefined);
    if (raw === undefined) continue;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min) {
      const shown = config[key] !== undefined ? key : `${variable} (environment)`;
      throw new ConfigError(shown, config[key] ?? env[variable], `a number >= ${min}`);
    }
    out[key] = raw;
  }
  for (const [key, variable] of [
    ['requireParentSpan', 'AWAITWHAT_REQUIRE_PARENT_SPAN'],
    ['omitText', 'AWAITWHAT_OMIT_TEXT'],
  ] as const) {
    if (config[key] !== undefined) {
      if (typeof config[key] !== 'boolean') throw new ConfigError(key, config[key], 'true or false');
      out[key] = config[key];
    } else if (env[variable] !== undefined && env[variable] !== '') {
      const v = env[variable]!;
      if (!['1', '0', 'true', 'false'].includes(v)) throw new ConfigError(`${variable} (environment)`, v, '1, 0, true or false');
      out[key] = v === '1' || v === 'true';
    }
  }
  for (const [key, variable] of [
    ['include', 'AWAITWHAT_INCLUDE'],
    ['exclude', 'AWAITWHAT_EXCLUDE'],
    ['packages', 'AWAITWHAT_PACKAGES'],
  ] as const) {
    const value = config[key] ?? env[variable]?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new ConfigError(key, value, 'an array of strings');
    out[key] = value;
  }
  if (config.onPending !== undefined && typeof config.onPending !== 'function') throw new ConfigError('onPending', config.onPending, 'a function');
  out.onPending = config.onPending;
  out.enabled = config.enabled ?? true;
  return out as ResolvedConfig;
}
