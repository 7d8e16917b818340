/**
 * The OpenTelemetry span path in the test's own process (no program spawned): the load hooks
 * instrument test/fixtures/otel-unit/app-*.mjs, a SpanBridge makes new calls traced frames, spans
 * go to an in-memory exporter. A PendingSampler reads the real runtime through `runtimeView`,
 * whose pending times and longest suspension the test sets (the chains are real, their times are
 * not measured), and `at` runs a sample at a capture time the test sets too.
 */

import { context, type DiagLogger, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { installHooks } from '../../dist/index.js';
import { resolveConfig, type AwaitInstrumentationConfig, type ResolvedConfig } from '../../dist/otel/config.js';
import { Faults } from '../../dist/otel/faults.js';
import { PendingSampler } from '../../dist/otel/pending-sampler.js';
import { SpanBridge } from '../../dist/otel/span-bridge.js';
import { currentRuntime, type RuntimeInternals } from '../../dist/runtime/runtime.js';
import type { FrameNode } from '../../dist/snapshot/schema.js';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
export const exporter = new InMemorySpanExporter();
export const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
export const tracer: Tracer = provider.getTracer('test');

// A test file that sets globalThis.awaitwhatTestOmitText before importing this module gets the
// await expressions left out of the transform (the omitText option).
installHooks({ include: ['test/fixtures/otel-unit/app-*.mjs'], cache: false, omitText: (globalThis as { awaitwhatTestOmitText?: boolean }).awaitwhatTestOmitText === true });
export const rt: RuntimeInternals = currentRuntime()!.internals;

export const warnings: string[] = [];
export const diag: DiagLogger = {
  warn: (m: string) => void warnings.push(m),
  error: (m: string) => void warnings.push(`error: ${m}`),
  info() {},
  debug() {},
  verbose() {},
};
export const faults = new Faults(diag);

/** The configuration the bridge and the sampler read (set per test). */
export let config: ResolvedConfig = configOf({});
export function configure(options: AwaitInstrumentationConfig): void {
  config = configOf(options);
}
function configOf(options: AwaitInstrumentationConfig): ResolvedConfig {
  return resolveConfig({ minSpanDurationMs: 1e9, pendingThresholdMs: 1000, ...options }, {}, (m) => warnings.push(`config: ${m}`));
}

/** The tracer the bridge makes real spans with (set per test). */
let bridgeTracer: Tracer = tracer;
export function useBridgeTracer(t: Tracer): void {
  bridgeTracer = t;
}
export const bridge = new SpanBridge(() => bridgeTracer, () => config, rt, faults);
rt.setTracing(bridge);

/** Pending times the snapshot says, by function name (others: 0 ms); the longest suspension the sampler's cheap check sees. */
export const pendingByFunction = new Map<string, number>();
export let longest = 0;
export function setLongest(ms: number): void {
  longest = ms;
}
export const runtimeView: RuntimeInternals = {
  ...rt,
  longestSuspension: () => longest,
  graph(options) {
    const graph = rt.graph(options);
    for (const node of graph.snapshot.nodes) if (node.type === 'frame') (node as FrameNode).pendingMs = pendingByFunction.get(node.function) ?? 0;
    // The snapshot reads its clocks by the built-ins captured when awaitwhat loaded (a program's
    // replacement of performance.now or Date.now is never called), so the clock `at` sets is put in
    // here, as the pending times are: the readings as of when the graph was built.
    graph.snapshot.capturedAt = Date.now();
    return { ...graph, measuredAt: performance.now() };
  },
};

/** A new sampler over `runtimeView` (its own schedules and faults), sampling with `sampleTracer`. */
export function newSampler(options: { tracer?: Tracer; faults?: Faults; runtime?: RuntimeInternals } = {}): PendingSampler {
  return new PendingSampler(options.runtime ?? runtimeView, bridge, () => options.tracer ?? tracer, () => config, diag, options.faults ?? new Faults(diag));
}

/** Runs `fn` with performance.now() reading `performanceMs` and Date.now() reading `epochMs`. */
export function at<T>(performanceMs: number, fn: () => T, epochMs = 1_800_000_000_000): T {
  const now = performance.now;
  const dateNow = Date.now;
  performance.now = () => performanceMs;
  Date.now = () => epochMs;
  try {
    return fn();
  } finally {
    performance.now = now;
    Date.now = dateNow;
  }
}

/** Before each test: no spans, no warnings, no faults, no pending times. */
export function reset(): void {
  exporter.reset();
  warnings.length = 0;
  pendingByFunction.clear();
  longest = 0;
  bridgeTracer = tracer;
  configure({});
}

/** Lets the program's promise jobs and the tracer's callbacks run. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

type AppFunction = () => Promise<unknown>;
/** test/fixtures/otel-unit/app-chains.mjs, instrumented. */
export const app = (await import(new URL('../fixtures/otel-unit/app-chains.mjs', import.meta.url).href)) as Record<'handler' | 'first' | 'second' | 'third' | 'query' | 'anonymous' | 'longText' | 'both' | 'tangle' | 'eighty' | 'awaitsCall' | 'outerSlow', AppFunction> &
  Record<'releaseQuery' | 'releaseWaits' | 'releaseSocket' | 'releaseSlow' | 'releasePair' | 'releaseDb2' | 'releaseInner' | 'releaseMiddle', () => void> & { deadlock(): Promise<void> };

export interface SpanView {
  name: string;
  kind: number;
  /** Its parent's label (see `spans`), 'unexported' for a span not (yet) exported, null for a root. */
  parent: string | null;
  attributes: Record<string, unknown>;
  links: string[];
}

/**
 * The exported spans in export order, each parent and link as a label: the span's name, with `*`
 * for a snapshot copy (`awaitwhat.snapshot`), or an id given in `named` (real spans not exported yet).
 */
export function spans(named: Record<string, string> = {}): SpanView[] {
  const finished = exporter.getFinishedSpans();
  const labels = new Map<string, string>(Object.entries(named).map(([label, id]) => [id, label]));
  for (const s of finished) labels.set(s.spanContext().spanId, `${s.name}${s.attributes['awaitwhat.snapshot'] === true ? '*' : ''}`);
  const label = (id: string | undefined) => (id === undefined ? null : (labels.get(id) ?? 'unexported'));
  return finished.map((s) => ({
    name: s.name,
    kind: s.kind,
    parent: label((s as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId ?? (s as unknown as { parentSpanId?: string }).parentSpanId),
    attributes: { ...s.attributes },
    links: s.links.map((l) => label(l.context.spanId)!),
  }));
}

/** A span time (OpenTelemetry's [seconds, nanoseconds]) in ms. */
export function ms(time: readonly [number, number]): number {
  return time[0] * 1e3 + time[1] / 1e6;
}

