/**
 * The pending-await sampler. A hung chain never ends, so its spans are never exported; every
 * `sampleIntervalMs` this looks for chains whose innermost await has been pending at least
 * `pendingThresholdMs` and exports, per chain, a *snapshot trace*: copies of every still-open span
 * of the chain, root to leaf (the active span above the chain, such as an HTTP server span,
 * included), with fresh span IDs, parented to each other, ending at the capture time and naming the
 * real span they copy; under them a `pending await` span that starts at the capture time and
 * carries the pending duration, the threshold, the await site and the whole chain.
 *
 * A snapshot is its own trace: its root copy has no parent, so the trace is complete in any backend
 * (a copy parented to the real, still-open span would point at a span that has not been exported).
 * A still-hung chain is reported again after doubling intervals, not every tick. Cycles are
 * reported once each. The cheap check runs every tick (a walk over the registered frames); the
 * graph is built only when something is due.
 */

import { ROOT_CONTEXT, SpanKind, trace, type Attributes, type DiagLogger, type Link, type Span, type Tracer } from '@opentelemetry/api';
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
  SNAPSHOT_OF_SPAN_ID,
  SNAPSHOT_OF_TRACE_ID,
  THRESHOLD_MS,
  VALUE_KIND,
} from './attributes.ts';
import type { ResolvedConfig } from './config.ts';
import type { Faults } from './faults.ts';
import type { PendingChain, PendingCycle, PendingFrameInfo, PendingReport } from './report.ts';
import { NO_SPAN, type SpanBridge } from './span-bridge.ts';

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
      const captureMs = performance.now();
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

    const copies: Span[] = [];
    let parent = ROOT_CONTEXT;
    const startCopy = (name: string, kind: SpanKind, start: number | [number, number], attributes: Attributes, of: Span | undefined): void => {
      const copyAttributes: Attributes = { ...attributes, [SNAPSHOT]: true };
      if (of !== undefined) {
        copyAttributes[SNAPSHOT_OF_TRACE_ID] = of.spanContext().traceId;
        copyAttributes[SNAPSHOT_OF_SPAN_ID] = of.spanContext().spanId;
      }
      const copy = tracer.startSpan(name, { kind, startTime: start, attributes: copyAttributes, root: copies.length === 0 }, parent);
      copies.push(copy);
      parent = trace.setSpan(ROOT_CONTEXT, copy);
    };
    if (above !== undefined && aboveData !== undefined) startCopy(aboveData.name, aboveData.kind, aboveData.startTime, aboveData.attributes, above);
    chain.nodes.forEach((node, i) => {
      const record = records[i];
      const span = record instanceof TracedFrame ? this.#bridge.materialize(record) : undefined;
      if (record instanceof TracedFrame) {
        record.reportedPendingMs = Math.max(record.reportedPendingMs, node.pendingMs);
        this.#linkExtraAwaiters(record, chain.positions[i]!, graph);
      }
      const attributes: Attributes = { ...this.#nodeAttributes(node), [PENDING_MS]: node.pendingMs };
      const start = this.#bridge.time(span ?? real, record instanceof TracedFrame ? record.start : captureMs - node.pendingMs);
      startCopy(span !== undefined ? this.#bridge.spanName(record as TracedFrame) : node.function, SpanKind.INTERNAL, start, attributes, span);
      info[i]!.spanId = span?.spanContext().spanId;
    });
    const last = chain.nodes[chain.nodes.length - 1]!;
    const pending = tracer.startSpan(
      PENDING_AWAIT_SPAN_NAME,
      {
        kind: SpanKind.INTERNAL,
        startTime: this.#bridge.time(real, captureMs),
        attributes: {
          ...this.#nodeAttributes(last),
          [PENDING_MS]: chain.pendingMs,
          [THRESHOLD_MS]: this.#config().pendingThresholdMs,
          [CHAIN]: aboveData !== undefined ? [aboveData.name, ...chainNames(chain)] : chainNames(chain),
          [VALUE_KIND]: chain.leaf?.valueKind ?? 'frame',
          ...holderAttributes(holders, chain.leaf),
          [SNAPSHOT]: true,
        },
      },
      parent,
    );
    // The pending span starts at the capture time and lasts a millisecond (a zero-length span reads as
    // negative to some backends); the copies end with it, so that every child fits in its parent.
    const end = this.#bridge.time(real, captureMs) + 1;
    pending.end(end);
    for (let i = copies.length - 1; i >= 0; i--) copies[i]!.end(end);
    return result;
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
    if (node.type !== 'frame' || node.state === 'yielded' || node.pendingMs < threshold) continue;
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
    chains.push({ nodes: frames.reverse(), positions: positions.reverse(), leaf: leafOf(i, nodes, awaits), pendingMs: node.pendingMs });
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
  return { function: n.function, file: at.file, line: at.line, column: at.column, await: n.suspendedAt?.text ?? '', pendingMs: n.pendingMs };
}

function isOpenSdkSpan(span: Span): span is Span & ReadableSdkSpan {
  const s = span as Partial<ReadableSdkSpan>;
  return span.isRecording() && typeof s.name === 'string' && Array.isArray(s.startTime) && s.ended !== true;
}
