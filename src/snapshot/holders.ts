/**
 * `snapshot({ holders: true })`: who can settle each leaf promise, from a heap snapshot of this
 * thread (src/heap). The leaves' promises are handed to the heap analysis in a marker object kept
 * in a module variable for the duration of the snapshot; the marker is excluded from every path.
 *
 * Costs are stated before they are paid: the heap in use is read first, and above the limit
 * (`maxHeapBytes`, default 256 MiB) or when the estimated memory is not free, no snapshot is
 * taken and the reason is in `snapshot.holders`. The analysis never throws: a failure is a
 * `failed` state with its message.
 */

import * as os from 'node:os';
import * as v8 from 'node:v8';
import { mathRandom, mathRound, newList, numberToFixed, numberToString, preciseNow, publish, SafeMap, stringSlice, toText } from '../runtime/intrinsics.ts';
import { findHolders, findMarkedTargets, NO_AWAITER_TEXT, SHARED_AWAIT_TEXT, type HolderResult } from '../heap/holders.ts';
import { SuspendedCalls } from '../heap/steps.ts';
import { takeOwnHeapSnapshot } from '../heap/take.ts';
import type { FrameNode, HoldersSummary, LeafHolder, LeafNode, SnapshotNode } from './schema.ts';

// As they are when awaitwhat loads: named imports of node: modules follow a program's replacements
// after `module.syncBuiltinESMExports()`.
const { freemem } = os;
const { getHeapStatistics } = v8;

export interface HolderSnapshotOptions {
  /** Do not take a heap snapshot when the heap in use is larger than this. @default 268435456 (256 MiB) */
  maxHeapBytes?: number;
  /** Leave the program's values (Map keys) out of holder paths, as `--omit-text` leaves source text out. @default false */
  omitText?: boolean;
}

export const DEFAULT_MAX_HEAP_BYTES = 256 * 1024 * 1024;

/**
 * Measured on Node.js 24 (HEAP.md, BENCHMARKS.md): the process's peak RSS reaches 8–16× the heap
 * in use (V8's snapshot generator; the analysis adds less); the pause (snapshot, parse and
 * analysis together) was 0.1–0.2 s per MB of heap on a quiet machine and up to 0.8 s per MB on a
 * loaded one. The estimate takes the upper end of memory and the middle of time: it decides
 * whether to go ahead, and tells the user roughly what to expect.
 */
const PEAK_MEMORY_FACTOR = 14;
const PAUSE_MS_PER_MB = 150;

/** The estimate a report gives before (or instead of) taking a heap snapshot. */
export function estimateCost(heapUsedBytes: number): { pauseMs: number; peakBytes: number } {
  return { pauseMs: mathRound((heapUsedBytes / 1048576) * PAUSE_MS_PER_MB), peakBytes: heapUsedBytes * PEAK_MEMORY_FACTOR };
}

/** Holders of the promise leaves, set on the leaf nodes; the summary for the snapshot. */
export function addHolders(nodes: SnapshotNode[], leafValues: ReadonlyMap<number, object>, options: HolderSnapshotOptions, displayPath: (url: string) => string): HoldersSummary {
  const maxHeap = options.maxHeapBytes ?? DEFAULT_MAX_HEAP_BYTES;
  const heapUsed = getHeapStatistics().used_heap_size;
  const estimate = estimateCost(heapUsed);
  const summary: HoldersSummary = {
    state: 'done',
    reason: '',
    heapUsedBytes: heapUsed,
    estimatedPauseMs: estimate.pauseMs,
    estimatedPeakBytes: estimate.peakBytes,
    analysed: 0,
    neverSettle: 0,
    tookMs: 0,
  };
  // Lists (no prototype): storing past their end reaches no setter of Array.prototype.
  const targets = newList<object>();
  const leaves = newList<LeafNode>();
  // A SafeMap from the builder (its own `forEach`, not the program's Map.prototype's).
  leafValues.forEach((value, index) => {
    const node = nodes[index];
    if (node?.type !== 'leaf' || node.valueKind !== 'promise') return;
    targets[targets.length] = value;
    leaves[leaves.length] = node;
  });
  // A `for await`, a thenable or an `await using` waits for a promise awaitwhat does not keep (the
  // iterator's pending `next()`, the promise whose resolve functions `then` was given, what
  // `[Symbol.asyncDispose]()` returned): the promise its awaiting function awaits, looked up in the heap.
  const iterations = newList<{ leaf: LeafNode; awaiter: FrameNode }>();
  let byId: SafeMap<string, SnapshotNode> | undefined;
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k]!;
    if (node.type !== 'leaf' || (node.valueKind !== 'async-iterable' && node.valueKind !== 'thenable' && node.valueKind !== 'disposal')) continue;
    if (byId === undefined) {
      byId = new SafeMap();
      for (let j = 0; j < nodes.length; j++) byId.set(nodes[j]!.id, nodes[j]!);
    }
    const awaiter = node.awaitedBy.length === 1 ? byId.get(node.awaitedBy[0]!) : undefined;
    if (awaiter?.type === 'frame') iterations[iterations.length] = { leaf: node, awaiter };
    else node.holder = untold(SHARED_AWAIT_TEXT);
  }
  if (targets.length === 0 && iterations.length === 0) return { ...summary, reason: 'no leaf is a promise, a thenable, a for await or an await using' };
  if (heapUsed > maxHeap) {
    return { ...summary, state: 'skipped', reason: `the heap in use (${mb(heapUsed)}) is above the limit (${mb(maxHeap)}); a heap snapshot would stop the program for about ${seconds(estimate.pauseMs)} and need about ${mb(estimate.peakBytes)} of memory` };
  }
  const free = freemem();
  if (estimate.peakBytes > free) {
    return { ...summary, state: 'skipped', reason: `a heap snapshot would need about ${mb(estimate.peakBytes)} of memory and ${mb(free)} is free` };
  }
  const started = preciseNow();
  try {
    const key = `awaitwhat-holders-${process.pid}-${stringSlice(numberToString(mathRandom(), 36), 2)}`;
    marker = { [key]: publish(targets) };
    let graph;
    try {
      graph = takeOwnHeapSnapshot();
    } finally {
      marker = undefined;
    }
    const marked = targets.length === 0 ? { targets: [], markerNodes: [] } : findMarkedTargets(graph, key);
    if (marked === undefined) throw new Error('the promises handed over were not found in the heap snapshot');
    const analysed = newList<LeafNode>();
    const nodesOf = newList<number>();
    for (let k = 0; k < marked.targets.length; k++) {
      const t = marked.targets[k]!;
      if (t < 0) leaves[k]!.holder = untold('not found: the promise handed over is not in the heap snapshot');
      else {
        analysed[analysed.length] = leaves[k]!;
        nodesOf[nodesOf.length] = t;
      }
    }
    // What the one suspended call of the awaiting function awaits.
    const suspended = iterations.length === 0 ? undefined : new SuspendedCalls(graph);
    for (let k = 0; k < iterations.length; k++) {
      const { leaf, awaiter } = iterations[k]!;
      const file = awaiter.location.file;
      const found = suspended!.awaitedAt((url) => url !== '' && displayPath(url) === file, awaiter.location.line);
      if (found.promise < 0) leaf.holder = untold(found.calls > 1 ? `not told: ${found.calls} calls of ${awaiter.function} are suspended and the heap does not say which one this is` : NO_AWAITER_TEXT);
      else {
        analysed[analysed.length] = leaf;
        nodesOf[nodesOf.length] = found.promise;
      }
    }
    const results = findHolders(graph, publish(nodesOf), { exclude: marked.markerNodes, timerNowMs: started, displayPath, omitValues: options.omitText === true });
    for (let k = 0; k < results.length; k++) {
      const r = results[k]!;
      analysed[k]!.holder = leafHolderOf(r);
      if (r.state === 'never') summary.neverSettle++;
    }
    summary.analysed = results.length;
  } catch (error) {
    summary.state = 'failed';
    summary.reason = error instanceof Error ? error.message : toText(error);
  }
  summary.tookMs = mathRound(preciseNow() - started);
  return summary;
}

/** A holder as the snapshot schema has it (in-process and `awaitwhat attach --full`). */
export function leafHolderOf(r: HolderResult): LeafHolder {
  const path = newList<string>(r.steps.length);
  for (let k = 0; k < r.steps.length; k++) path[k] = stepText(r.steps[k]!);
  return { state: r.state, text: r.text, holder: r.holder, package: r.package, facts: r.facts, alternatives: r.alternatives, path: publish(path) };
}

/** A holder that cannot be told, with the reason. */
function untold(text: string): LeafHolder {
  return { state: 'unknown', text, holder: '', package: null, facts: {}, alternatives: 0, path: [] };
}

/** Keeps the marker alive (and in the snapshot) while the snapshot is taken. */
let marker: object | undefined;

/** Whether the marker is set: read so that the variable is kept. */
export function holdersInProgress(): boolean {
  return marker !== undefined;
}

function stepText(step: { kind: string; name: string; to: string }): string {
  switch (step.kind) {
    case 'property':
      return `.${step.name} → ${step.to}`;
    case 'element':
      return `[${step.name}] → ${step.to}`;
    case 'entry':
      return `.get(${step.name}) → ${step.to}`;
    case 'variable':
      return `variable ${step.name} → ${step.to}`;
    default:
      return `(${step.name}) → ${step.to}`;
  }
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1048576 ? `${numberToFixed(bytes / (1024 * 1048576), 1)} GB` : `${mathRound(bytes / 1048576)} MB`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${numberToFixed(ms / 1000, 1)} s`;
}
