/**
 * The pending-await sampler. A hung chain never ends, so its spans are never exported; every
 * `sampleIntervalMs` this looks for chains whose innermost await has been pending at least
 * `pendingThresholdMs` and exports, per chain, one *snapshot trace*.
 *
 * The first report of a chain makes it: copies of every still-open span of the chain, root to leaf
 * (the active span above the chain, such as an HTTP server span, included), with fresh span IDs,
 * all INTERNAL (a copy of a server span must not count as a server call in span metrics), parented
 * to each other, ending at the capture time, each naming and linking to the real span it copies
 * (which links back: they are still open, and carry the link when they end); the root is named
 * `pending: GET (db.query)` — the copied span and the innermost function — so that a search result
 * reads as a pending snapshot, not a slow request. Under the copies, a `pending await` span starts at
 * the capture time and carries the pending duration, the threshold, the await site and the chain.
 *
 * A chain still hung is reported again after doubling intervals, each time in the same trace: under
 * the root, a `still pending` span from the root's start to the capture, holding one more `pending
 * await` span: one hung chain stays one search result, whose extent runs from the hang's start to
 * the latest report. Spans are immutable once exported,
 * so the re-reports are new spans, never updates.
 *
 * The snapshot trace is its own trace: a copy parented to the real, still-open span would point at
 * a span not exported yet (a broken trace until the request ends). Its root is therefore a new root
 * span, which the tracer provider's root sampler decides again; for a chain in a sampled trace,
 * roots are retried until one is sampled (ratio samplers decide by trace id; see #startRoot).
 * Cycles are reported once each. The cheap check runs every tick (a walk over the registered
 * frames); the graph is built only when something is due.
 */

import { ROOT_CONTEXT, SpanKind, trace, type Attributes, type DiagLogger, type Link, type Span, type SpanContext, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { Frame } from '../runtime/frame.ts';
import type { RuntimeInternals } from '../runtime/runtime.ts';
import type { Graph } from '../snapshot/build.ts';
import { targetsOf, type Edges } from '../snapshot/edges.ts';
import { NodeIndex } from '../snapshot/node-index.ts';
import { awaiterOf, TracedFrame } from '../runtime/traced-frame.ts';
import type { FrameNode, LeafHolder, LeafNode, Snapshot, SnapshotNode } from '../snapshot/schema.ts';
import { FirstReportHolders, holderAttributes } from './holders.ts';
import { ReportSchedule } from '../util/report-schedule.ts';
import {
  AWAIT_EXPRESSION,
  AWAIT_LOCATION,
  CHAIN,
  CODE_COLUMN_NUMBER,
  CODE_FILE_PATH,
  CODE_FUNCTION_NAME,
  CODE_LINE_NUMBER,
  CYCLE,
  CYCLE_SPAN_NAME,
  PENDING_AWAIT_SPAN_NAME,
  PENDING_MS,
  SNAPSHOT,
  STILL_PENDING_SPAN_NAME,
  SNAPSHOT_OF_SPAN_ID,
  SNAPSHOT_OF_TRACE_ID,
  THRESHOLD_MS,
  VALUE_KIND,
} from './attributes.ts';
import type { ResolvedConfig } from './config.ts';
import type { Faults } from './faults.ts';
import type { PendingChain, PendingCycle, PendingFrameInfo, PendingReport } from './report.ts';
import { NO_SPAN, type SpanBridge } from './span-bridge.ts';

/**
 * Roots tried for the snapshot of a chain in a sampled trace (see #startRoot): enough for a ratio of
 * 0.05 to fail with a probability of 2e-6; a sampler that never samples a root costs this many
 * non-recording spans once per chain.
 */
const MAX_ROOT_ATTEMPTS = 256;

interface Chain {
  /** Frame nodes, outermost first. */
  nodes: FrameNode[];
  /** Their positions in the snapshot's nodes. */
  positions: number[];
  leaf: LeafNode | undefined;
  pendingMs: number;
}

/** The readable side of an SDK span (the API's Span does not expose it). */
interface ReadableSdkSpan {
  name: string;
  kind: SpanKind;
  startTime: [number, number];
  attributes: Attributes;
  ended?: boolean;
}

export class PendingSampler {
  readonly #rt: RuntimeInternals;
  readonly #bridge: SpanBridge;
  readonly #tracer: () => Tracer;
  readonly #config: () => ResolvedConfig;
  readonly #diag: DiagLogger;
  #timer: NodeJS.Timeout | undefined;
  #schedules = new WeakMap<Frame, ReportSchedule>();
  readonly #cyclesSeen = new Set<string>();
  readonly #linked = new WeakMap<Frame, Set<Frame>>();
  /** Whether a refused snapshot root was reported (once). */
  #rootsRefused = false;
  /** Per hung chain (its innermost frame), its snapshot trace: re-reports go there. */
  readonly #snapshots = new WeakMap<Frame, { root: SpanContext; rootStart: number | [number, number]; rereports: number }>();
  readonly #holders = new FirstReportHolders();
  readonly #faults: Faults;
  /** Promises returned by onPending not settled yet, and since when the oldest has been waiting. */
  #unsettledCallbacks = 0;
  #unsettledSince = 0;

  constructor(rt: RuntimeInternals, bridge: SpanBridge, tracer: () => Tracer, config: () => ResolvedConfig, diag: DiagLogger, faults: Faults) {
    this.#rt = rt;
    this.#bridge = bridge;
    this.#tracer = tracer;
    this.#config = config;
    this.#diag = diag;
    this.#faults = faults;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.tick(), this.#config().sampleIntervalMs);
    // The sampler must never keep the process alive.
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One sample; public for tests and for callers that want a sample now. Returns what it reported. */
  tick(): PendingReport | undefined {
    try {
      const config = this.#config();
      const now = performance.now();
      if (this.#rt.longestSuspension(now) < config.pendingThresholdMs) return undefined;
      const graph = this.#rt.graph({ absolutePaths: true });
      const snapshot = graph.snapshot;
      const chains = extractChains(snapshot, config.pendingThresholdMs, graph);
      const due: Chain[] = [];
      for (const chain of chains) {
        const innermost = graph.frameOf(chain.nodes[chain.nodes.length - 1]!.seq);
        if (innermost === undefined) continue;
        let schedule = this.#schedules.get(innermost);
        if (schedule === undefined) this.#schedules.set(innermost, (schedule = new ReportSchedule(config.pendingThresholdMs)));
        if (schedule.due(now, chain.pendingMs)) due.push(chain);
        if (due.length >= config.maxChainsPerSample) break;
      }
      const cycles = snapshot.cycles.filter((c) => {
        const key = [...c].sort().join(',');
        if (this.#cyclesSeen.has(key)) return false;
        this.#cyclesSeen.add(key);
        return true;
      });
      if (due.length === 0 && cycles.length === 0) return undefined;
      const capturedAt = Date.now();
      // The reading the graph's pending times were measured to, not a later one: a frame's pending
      // start (`captureMs - pendingMs`) would otherwise move later by however long the graph, the
      // chains and the schedules took (tens of ms on a loaded machine), understating was_pending_ms.
      const captureMs = graph.measuredAt;
      const report: PendingReport = { capturedAt, thresholdMs: config.pendingThresholdMs, chains: [], cycles: [] };
      // The holders option: a heap snapshot for the chains reported for the first time (holders.ts).
      const holders = config.holders ? this.#holders.forFirstReports(this.#rt, due.map((c) => ({ leaf: c.leaf, innermost: graph.frameOf(c.nodes[c.nodes.length - 1]!.seq) })), config.omitText) : undefined;
      for (const chain of due) report.chains.push(this.#exportChain(chain, graph, captureMs, holders));
      if (cycles.length > 0) {
        const byId = new NodeIndex(snapshot.nodes);
        for (const cycle of cycles) report.cycles.push(this.#exportCycle(cycle, byId, captureMs));
      }
      this.#notify(report);
      return report;
    } catch (error) {
      this.#faults.report('sampler', error);
      return undefined;
    }
  }

  #exportChain(chain: Chain, graph: Graph, captureMs: number, holders?: Map<string, LeafHolder>): PendingChain {
    const tracer = this.#tracer();
    const records = chain.nodes.map((n) => graph.frameOf(n.seq));
    const info: PendingFrameInfo[] = chain.nodes.map((n) => frameInfo(n));
    const result: PendingChain = { pendingMs: chain.pendingMs, frames: info, leaf: chain.leaf === undefined ? null : { text: chain.leaf.text, kind: chain.leaf.valueKind } };
    const innermost = records[records.length - 1];
    const real = innermost instanceof TracedFrame ? this.#bridge.materialize(innermost) : undefined;
    if (innermost instanceof TracedFrame && real === undefined) return result; // an unsampled trace: no spans
    if (real !== undefined) result.traceId = real.spanContext().traceId;

    // The span active above the outermost frame (an HTTP server span), when it is an open SDK span.
    const top = records[0];
    const above = top instanceof TracedFrame ? trace.getSpan((top.context as never) ?? ROOT_CONTEXT) : undefined;
    const aboveData = above !== undefined && isOpenSdkSpan(above) ? above : undefined;

    const reals: (Span | undefined)[] = chain.nodes.map((node, i) => {
      const record = records[i];
      if (!(record instanceof TracedFrame)) return undefined;
      const span = this.#bridge.materialize(record);
      this.#bridge.reportedPending(record, node.pendingMs ?? 0, captureMs);
      this.#linkExtraAwaiters(record, chain.positions[i]!, graph);
      info[i]!.spanId = span?.spanContext().spanId;
      return span;
    });
    const last = chain.nodes[chain.nodes.length - 1]!;
    const pendingAttributes: Attributes = {
      ...this.#nodeAttributes(last),
      [PENDING_MS]: chain.pendingMs,
      [THRESHOLD_MS]: this.#config().pendingThresholdMs,
      [CHAIN]: aboveData !== undefined ? [aboveData.name, ...chainNames(chain)] : chainNames(chain),
      [VALUE_KIND]: chain.leaf?.valueKind ?? 'frame',
      ...holderAttributes(holders, chain.leaf),
      [SNAPSHOT]: true,
      // The real span it waits in, as on the copies: what a Jaeger UI linkPattern makes clickable.
      ...(real !== undefined ? { [SNAPSHOT_OF_TRACE_ID]: real.spanContext().traceId, [SNAPSHOT_OF_SPAN_ID]: real.spanContext().spanId } : {}),
    };
    const pendingLinks: Link[] = real !== undefined ? [{ context: real.spanContext() }] : [];
    // The pending span starts at the capture time and lasts a millisecond (a zero-length span reads as
    // negative to some backends).
    const at = this.#bridge.time(real, captureMs);

    // A chain reported before: one more report in its snapshot trace, so that the hang stays one
    // trace (one search result) whose extent is how long it has been pending at the latest report.
    // Under the root, a `still pending` span from the root's start to this capture, and under it the
    // `pending await` span at the capture time: every span starts and ends within its parent or, for
    // `still pending`, starts with its parent and outlasts it, which Jaeger's clock-skew check takes
    // as asynchronous work (a child that starts later than an ended parent would read as clock skew).
    const key = innermost ?? records[0];
    const earlier = key !== undefined ? this.#snapshots.get(key) : undefined;
    if (earlier !== undefined) {
      // The k-th re-report starts k µs after the root: Jaeger orders siblings by start time alone, so
      // re-reports that all started with the root were listed in a different order at every load.
      earlier.rereports++;
      const report = tracer.startSpan(
        STILL_PENDING_SPAN_NAME,
        { kind: SpanKind.INTERNAL, startTime: afterMicros(earlier.rootStart, earlier.rereports), attributes: { [PENDING_MS]: chain.pendingMs, [SNAPSHOT]: true } },
        trace.setSpanContext(ROOT_CONTEXT, earlier.root),
      );
      const again = tracer.startSpan(PENDING_AWAIT_SPAN_NAME, { kind: SpanKind.INTERNAL, startTime: at, attributes: pendingAttributes, links: pendingLinks }, trace.setSpan(ROOT_CONTEXT, report));
      again.end(at + 1);
      report.end(at + 1);
      result.snapshotTraceId = earlier.root.traceId;
      return result;
    }

    // The first report: copies of every open span of the chain, all INTERNAL (a copy of a server span
    // must not count as a server call in span metrics), the root named as a pending snapshot.
    const copies: Span[] = [];
    let parent = ROOT_CONTEXT;
    let rootStart: number | [number, number] = 0;
    const startCopy = (name: string, start: number | [number, number], attributes: Attributes, of: Span | undefined): boolean => {
      const copyAttributes: Attributes = { ...attributes, [SNAPSHOT]: true };
      const links: Link[] = [];
      if (of !== undefined) {
        copyAttributes[SNAPSHOT_OF_TRACE_ID] = of.spanContext().traceId;
        copyAttributes[SNAPSHOT_OF_SPAN_ID] = of.spanContext().spanId;
        links.push({ context: of.spanContext() });
      }
      const options = { kind: SpanKind.INTERNAL, startTime: start, attributes: copyAttributes, links, root: copies.length === 0 };
      const copy = copies.length === 0 ? this.#startRoot(tracer, name, options, real !== undefined) : tracer.startSpan(name, options, parent);
      if (copy === undefined) return false;
      if (copies.length === 0) rootStart = start;
      copies.push(copy);
      parent = trace.setSpan(ROOT_CONTEXT, copy);
      return true;
    };
    const innermostName = real !== undefined ? this.#bridge.spanName(innermost as TracedFrame) : last.function;
    const rootName = (name: string) => `pending: ${name} (${innermostName})`;
    const originals: (Span | undefined)[] = [];
    let started = true;
    if (above !== undefined && aboveData !== undefined) {
      started = startCopy(rootName(aboveData.name), aboveData.startTime, aboveData.attributes, above);
      originals.push(above);
    }
    chain.nodes.forEach((node, i) => {
      if (!started) return;
      const record = records[i];
      const span = reals[i];
      const attributes: Attributes = { ...this.#nodeAttributes(node), [PENDING_MS]: node.pendingMs ?? 0 };
      const start = this.#bridge.time(span ?? real, record instanceof TracedFrame ? record.start : captureMs - (node.pendingMs ?? 0));
      const name = span !== undefined ? this.#bridge.spanName(record as TracedFrame) : node.function;
      started = startCopy(copies.length === 0 ? rootName(name) : name, start, attributes, span);
      originals.push(span);
    });
    if (!started) return result;
    const pending = tracer.startSpan(PENDING_AWAIT_SPAN_NAME, { kind: SpanKind.INTERNAL, startTime: at, attributes: pendingAttributes, links: pendingLinks }, parent);
    // The copies end with the pending span, so that every child fits in its parent.
    pending.end(at + 1);
    for (let i = copies.length - 1; i >= 0; i--) copies[i]!.end(at + 1);
    // The real spans, still open, link to their copies: when they end, the request's trace leads to the snapshot.
    originals.forEach((original, i) => {
      if (original !== undefined && original.isRecording() && typeof original.addLink === 'function') original.addLink({ context: copies[i]!.spanContext() });
    });
    if (key !== undefined) this.#snapshots.set(key, { root: copies[0]!.spanContext(), rootStart, rereports: 0 });
    result.snapshotTraceId = copies[0]!.spanContext().traceId;
    return result;
  }

  /**
   * The root of a snapshot trace is a new root span, which the root sampler decides on a new trace
   * id. A chain in a sampled trace must be exported whatever that sampler: ratio samplers decide by
   * trace id, so another root (a fresh id, a cheap non-recording span when dropped) is tried, up to
   * MAX_ROOT_ATTEMPTS. A chain outside any sampled trace gets the sampler's first answer.
   */
  #startRoot(tracer: Tracer, name: string, options: SpanOptions, sampled: boolean): Span | undefined {
    for (let attempt = 0; attempt < (sampled ? MAX_ROOT_ATTEMPTS : 1); attempt++) {
      const span = tracer.startSpan(name, options);
      if (span.isRecording()) return span;
      span.end();
    }
    // A sampler that never samples a root (parentbased_always_off under a sampled remote parent):
    // said once, so that a missing snapshot is not a mystery.
    if (sampled && !this.#rootsRefused) {
      this.#rootsRefused = true;
      this.#diag.warn(`the tracer provider's sampler refused ${MAX_ROOT_ATTEMPTS} root spans for the snapshot of a hung chain in a sampled trace (${name}); snapshots need a root sampler that samples some roots (such as parentbased_always_on or parentbased_traceidratio). Later refusals are not reported`);
    }
    return undefined;
  }

  /** A shared promise: the extra awaiters of a frame are links on its real span, each added once. */
  #linkExtraAwaiters(record: TracedFrame, position: number, graph: Graph): void {
    const { start, to } = graph.awaitedBy;
    if (start[position + 1]! - start[position]! < 2 || !(record.span !== undefined && record.span !== NO_SPAN)) return;
    const span = record.span as Span;
    let done = this.#linked.get(record);
    if (done === undefined) this.#linked.set(record, (done = new Set()));
    const links: Link[] = [];
    for (let k = start[position]!; k < start[position + 1]!; k++) {
      const node = graph.snapshot.nodes[to[k]!]!;
      if (node.type !== 'frame') continue;
      const awaiter = graph.frameOf(node.seq);
      if (!(awaiter instanceof TracedFrame) || awaiter === awaiterOf(record) || done.has(awaiter)) continue;
      const awaiterSpan = this.#bridge.materialize(awaiter);
      if (awaiterSpan === undefined) continue;
      done.add(awaiter);
      links.push({ context: awaiterSpan.spanContext() });
    }
    if (links.length > 0 && typeof span.addLinks === 'function') span.addLinks(links);
  }

  #exportCycle(cycle: readonly string[], byId: NodeIndex, captureMs: number): PendingCycle {
    const members = cycle.map((id) => byId.get(id)).filter((n): n is FrameNode => n?.type === 'frame');
    const names = members.map((n) => `${n.function} (${n.suspendedAt?.file ?? n.location.file}:${n.suspendedAt?.line ?? n.location.line})`);
    const at = this.#bridge.time(undefined, captureMs);
    const span = this.#tracer().startSpan(CYCLE_SPAN_NAME, { kind: SpanKind.INTERNAL, startTime: at, attributes: { [CYCLE]: names, [SNAPSHOT]: true }, root: true });
    span.end(at + 1);
    this.#diag.warn(`deadlock, ${members.length} async functions await each other: ${names.join(' → ')}`);
    return { frames: members.map(frameInfo) };
  }

  #nodeAttributes(node: FrameNode): Attributes {
    const attributes: Attributes = {
      [CODE_FUNCTION_NAME]: node.function,
      [CODE_FILE_PATH]: node.location.file,
      [CODE_LINE_NUMBER]: node.location.line,
      [CODE_COLUMN_NUMBER]: node.location.column,
    };
    const at = node.suspendedAt;
    if (at !== null) {
      attributes[AWAIT_LOCATION] = `${at.file}:${at.line}:${at.column}`;
      if (at.text !== '') attributes[AWAIT_EXPRESSION] = at.text;
    }
    return attributes;
  }

  #notify(report: PendingReport): void {
    const { onPending: callback, pendingThresholdMs } = this.#config();
    if (callback === undefined) return;
    let result: unknown;
    try {
      result = callback(report);
    } catch (error) {
      this.#faults.report('onPending failed', error);
      return;
    }
    if (result === undefined || result === null) return;
    // An async callback: its rejection must not become the program's unhandled rejection, and one
    // that never settles is itself a pending await worth one diagnostic (calls go on meanwhile).
    const now = performance.now();
    if (this.#unsettledCallbacks > 0 && now - this.#unsettledSince >= pendingThresholdMs) {
      this.#faults.report('onPending unsettled', now - this.#unsettledSince);
    }
    if (this.#unsettledCallbacks++ === 0) this.#unsettledSince = now;
    const settled = (): void => {
      if (--this.#unsettledCallbacks === 0) this.#unsettledSince = 0;
    };
    Promise.resolve(result).then(settled, (error: unknown) => {
      settled();
      this.#faults.report('onPending failed', error);
    });
  }
}

/** Chains whose innermost await has been pending at least `threshold`, longest first. */
export function extractChains(snapshot: Snapshot, threshold: number, links: { awaits: Edges; awaitedBy: Edges } = linksOf(snapshot)): Chain[] {
  const nodes = snapshot.nodes;
  const { awaits, awaitedBy } = links;
  // Per chain, which nodes its walk has passed (stamped with the chain's innermost position + 1).
  const walked = new Int32Array(nodes.length);
  const chains: Chain[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (node.type !== 'frame' || node.state === 'yielded' || (node.pendingMs ?? 0) < threshold) continue;
    if (reachesFrame(i, nodes, awaits)) continue;
    const frames: FrameNode[] = [node];
    const positions = [i];
    walked[i] = i + 1;
    for (let current = i; awaitedBy.start[current]! < awaitedBy.start[current + 1]!; ) {
      const up = awaitedBy.to[awaitedBy.start[current]!]!;
      if (walked[up] === i + 1) break;
      walked[up] = i + 1;
      const upNode = nodes[up]!;
      if (upNode.type === 'frame') {
        frames.push(upNode);
        positions.push(up);
      }
      current = up;
    }
    chains.push({ nodes: frames.reverse(), positions: positions.reverse(), leaf: leafOf(i, nodes, awaits), pendingMs: node.pendingMs ?? 0 });
  }
  return chains.sort((a, b) => b.pendingMs - a.pendingMs);
}

function linksOf(snapshot: Snapshot): { awaits: Edges; awaitedBy: Edges } {
  const index = new NodeIndex(snapshot.nodes);
  return { awaits: index.edges('awaits'), awaitedBy: index.edges('awaitedBy') };
}

/** Whether a frame awaits another frame, directly or through a combinator or group. */
function reachesFrame(i: number, nodes: readonly SnapshotNode[], awaits: Edges): boolean {
  for (const j of targetsOf(awaits, i)) {
    const next = nodes[j]!;
    if (next.type === 'frame') return true;
    if ((next.type === 'combinator' || next.type === 'group') && targetsOf(awaits, j).some((m) => nodes[m]!.type === 'frame')) return true;
  }
  return false;
}

function leafOf(i: number, nodes: readonly SnapshotNode[], awaits: Edges): LeafNode | undefined {
  for (const j of targetsOf(awaits, i)) {
    const next = nodes[j]!;
    if (next.type === 'leaf') return next;
    if (next.type === 'combinator' || next.type === 'group') {
      for (const m of targetsOf(awaits, j)) {
        const member = nodes[m]!;
        if (member.type === 'leaf') return member;
      }
    }
  }
  return undefined;
}

function chainNames(chain: Chain): string[] {
  const names = chain.nodes.map((n) => n.function);
  const last = chain.nodes[chain.nodes.length - 1]!.suspendedAt;
  if (last !== null && last.text !== '') names.push(last.text);
  return names;
}

function frameInfo(n: FrameNode): PendingFrameInfo {
  const at = n.suspendedAt ?? n.location;
  return { function: n.function, file: at.file, line: at.line, column: at.column, await: n.suspendedAt?.text ?? '', pendingMs: n.pendingMs ?? 0 };
}

function isOpenSdkSpan(span: Span): span is Span & ReadableSdkSpan {
  const s = span as Partial<ReadableSdkSpan>;
  return span.isRecording() && typeof s.name === 'string' && Array.isArray(s.startTime) && s.ended !== true;
}

/** A span start time (ms, or OpenTelemetry's [seconds, nanoseconds]) moved `us` microseconds later. */
function afterMicros(time: number | [number, number], us: number): number | [number, number] {
  if (typeof time === 'number') return time + us / 1000;
  const ns = time[1] + us * 1000;
  return [time[0] + Math.floor(ns / 1e9), ns % 1e9];
}
