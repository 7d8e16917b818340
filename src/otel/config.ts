/** Public configuration of AwaitInstrumentation, with its defaults and environment variables. */

import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { FLAG, functionOf, GLOBS, integerAtLeast, MAX_TIMER_MS, numberIn, PACKAGE_NAMES, SCOPE_DEFAULTS, setting, show, type Warn } from '../hooks/env.ts';
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
  /**
   * Add `awaitwhat.holder` (who can settle the promise the chain waits for) to the `pending await`
   * span of a chain's first report. Costs a heap snapshot (the program stops) per sample that has a
   * chain reported for the first time; skipped above 256 MiB of heap. @default false (AWAITWHAT_HOLDERS)
   */
  holders?: boolean;
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
  holders: false,
} as const;

const NUMBERS = [
  ['pendingThresholdMs', 'AWAITWHAT_PENDING_THRESHOLD_MS', numberIn(1, Number.MAX_SAFE_INTEGER)],
  // The sampler's setInterval: beyond MAX_TIMER_MS Node.js would fire it every millisecond.
  ['sampleIntervalMs', 'AWAITWHAT_SAMPLE_INTERVAL_MS', numberIn(10, MAX_TIMER_MS)],
  ['minSpanDurationMs', 'AWAITWHAT_MIN_SPAN_DURATION_MS', numberIn(0, Number.MAX_SAFE_INTEGER)],
  ['maxChainsPerSample', 'AWAITWHAT_MAX_CHAINS', integerAtLeast(1)],
] as const;

const FLAGS = [
  ['requireParentSpan', 'AWAITWHAT_REQUIRE_PARENT_SPAN'],
  ['omitText', 'AWAITWHAT_OMIT_TEXT'],
  ['holders', 'AWAITWHAT_HOLDERS'],
] as const;

const LISTS = [
  ['include', 'AWAITWHAT_INCLUDE', GLOBS],
  ['exclude', 'AWAITWHAT_EXCLUDE', GLOBS],
  ['packages', 'AWAITWHAT_PACKAGES', PACKAGE_NAMES],
] as const;

/**
 * Options win over environment variables, which win over defaults. A bad value is one warning
 * (naming the option or variable, the value and what was expected) and the fallback: this never
 * throws, so a typo in a setting cannot stop the application.
 */
export function resolveConfig(config: AwaitInstrumentationConfig, env: NodeJS.ProcessEnv, warn: Warn): ResolvedConfig {
  const given = (config ?? {}) as Record<string, unknown>;
  const option = (key: string) => ({ label: `AwaitInstrumentation option ${key}`, value: given[key] });
  const out: Record<string, unknown> = {};
  for (const [key, variable, expect] of NUMBERS) {
    out[key] = setting({ option: option(key), variable: { name: variable, env }, expect, fallback: DEFAULTS[key] }, warn);
  }
  for (const [key, variable] of FLAGS) {
    out[key] = setting({ option: option(key), variable: { name: variable, env }, expect: FLAG, fallback: DEFAULTS[key] }, warn);
  }
  for (const [key, variable, expect] of LISTS) {
    const value = setting<string[] | undefined>({ option: option(key), variable: { name: variable, env }, expect, fallback: undefined, fallbackText: SCOPE_DEFAULTS[key] }, warn);
    if (value !== undefined) out[key] = value;
  }
  out.onPending = setting<PendingCallback | undefined>({ option: option('onPending'), expect: functionOf<PendingCallback>(), fallback: undefined, fallbackText: 'none' }, warn);
  out.enabled = setting({ option: option('enabled'), expect: FLAG, fallback: DEFAULTS.enabled }, warn);
  return out as ResolvedConfig;
}
