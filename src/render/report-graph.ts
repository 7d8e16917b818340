/**
 * What the text report asks of a snapshot's graph, two ways:
 * - `KeptGraph`: the integer graph snapshot() built, kept beside the snapshot (built-graph.ts).
 *   No walk over the whole graph: the report costs what it prints, plus what decides what it
 *   prints — with a threshold, every frame's `pendingMs`, the awaiters above the frames over it,
 *   and a look at each tree start; for each deadlock, the awaiters above it until a root or an
 *   earlier tree start is met; for each combinator printed, its first targets, scanned for each
 *   listed member. Every node the report reads is checked against the kept graph first (its kind
 *   and its awaits ids: the node's out-degree); on any difference `STALE` is thrown and the report
 *   is made again the other way. Besides, a few zero-filled typed arrays of one entry per node
 *   (about 20 MB at 1M nodes, allocated, not walked).
 * - `RebuiltGraph`: for any other snapshot (read from JSON, its arrays replaced, made by hand): an
 *   index of every id, the edges looked up from ids, reachability marks over the whole graph.
 */

import { append, Int32ArrayConstructor, isArray, mathMin, newList, popList, SafeMap, type List, Uint8ArrayConstructor } from '../runtime/intrinsics.ts';
import { builtGraphOf, nodeMatches, type BuiltGraph } from '../snapshot/built-graph.ts';
import { IntList } from '../snapshot/int-list.ts';
import { markReachable, reverseEdges, type Edges } from '../snapshot/edges.ts';
import { NodeIndex } from '../snapshot/node-index.ts';
import type { Snapshot, SnapshotNode } from '../snapshot/schema.ts';
import { NodeInts } from './node-marks.ts';

/** The rebuilt graph's in-degree counts stop here (one byte a node). */
const SATURATED = 255;

/** Thrown when a kept graph no longer matches its snapshot (edited in place). */
export const STALE: unique symbol = Symbol('awaitwhat: snapshot edited since it was built');

/** Tree starts: roots first, then the rest (deadlocks no root reaches, unreached frames). */
export interface TreeList {
  readonly length: number;
  at(k: number): number;
}

export interface ReportGraph {
  readonly nodes: readonly SnapshotNode[];
  readonly awaits: Edges;
  readonly frameCount: number;
  /** Frames pending at least `minPending`, ascending. */
  slowFrames(minPending: number): ArrayLike<number>;
  /** Marks every node from which one of `frames` is reached (themselves included). */
  markAwaiting(frames: ArrayLike<number>, marks: Uint8Array): void;
  /** The snapshot's cycles whose every id names a frame, as positions. */
  cycles(): List<readonly number[]>;
  /** Where trees start: the roots, then the first frame of each cycle no earlier start reaches, then any frame still unreached. */
  treeStarts(cycles: List<readonly number[]>): TreeList;
  /** How many awaits name node i. */
  inDegree(i: number): number;
  /** The node of member `id` of combinator c, or -1; `listed` members of c are asked for. */
  memberNode(c: number, id: string, listed: number): number;
  /** Checks node i before the report reads it (kept graph: throws `STALE` on a difference). */
  check(i: number): void;
  /** Checks the k-th tree start before it is printed. */
  checkStart(k: number): void;
}

export function reportGraph(snapshot: Snapshot): ReportGraph {
  const built = builtGraphOf(snapshot);
  return built === undefined ? rebuiltGraph(snapshot) : new KeptGraph(snapshot, built);
}

export function rebuiltGraph(snapshot: Snapshot): ReportGraph {
  return new RebuiltGraph(snapshot);
}

class KeptGraph implements ReportGraph {
  readonly nodes: readonly SnapshotNode[];
  readonly awaits: Edges;
  readonly frameCount: number;
  readonly #snapshot: Snapshot;
  readonly #g: BuiltGraph;
  /** 1: node checked. Zero-filled typed arrays come from fresh pages: only the pages touched cost. */
  readonly #checked: NodeInts;

  constructor(snapshot: Snapshot, g: BuiltGraph) {
    this.#snapshot = snapshot;
    this.#g = g;
    this.nodes = g.nodes;
    this.awaits = g.awaits;
    this.frameCount = g.frameCount;
    this.#checked = new NodeInts(g.nodes.length);
  }

  slowFrames(minPending: number): ArrayLike<number> {
    const { nodes, frames } = this.#g;
    const slow = new IntList();
    for (let k = 0; k < frames.length; k++) {
      const n = nodes[frames[k]!]!;
      if (n.type !== 'frame') throw STALE;
      if (n.pendingMs !== null && n.pendingMs >= minPending) slow.push(frames[k]!);
    }
    return slow.view();
  }

  markAwaiting(frames: ArrayLike<number>, marks: Uint8Array): void {
    markReachable(this.#g.awaitedBy, frames, marks);
  }

  cycles(): List<readonly number[]> {
    const listed = this.#snapshot.cycles;
    const g = this.#g;
    const result = newList<readonly number[]>();
    for (let c = 0; c < g.cycles.length; c++) {
      const ids = listed[c];
      const cycle = g.cycles[c]!;
      if (!isArray(ids) || ids.length !== cycle.length) throw STALE;
      for (let k = 0; k < cycle.length; k++) {
        const node = g.nodes[cycle[k]!]!;
        if (node.id !== ids[k] || node.type !== 'frame') throw STALE;
      }
      if (cycle.length > 0) append(result, cycle);
    }
    return result;
  }

  treeStarts(cycles: List<readonly number[]>): TreeList {
    const g = this.#g;
    // Without it, a frame may lie under neither a root nor a cycle: only a walk over all tells.
    if (!g.sourcesAreRoots) throw STALE;
    const extra = newList<number>();
    const isStart = new NodeInts(g.nodes.length);
    const seen = new NodeInts(g.nodes.length);
    for (let c = 0; c < cycles.length; c++) {
      const first = cycles[c]![0]!;
      if (!this.#reached(first, isStart, seen, c + 1)) {
        append(extra, first);
        isStart.set(first, 1);
      }
    }
    const roots = g.roots;
    return { length: roots.length + extra.length, at: (k) => (k < roots.length ? roots[k]! : extra[k - roots.length]!) };
  }

  /**
   * Whether a root or an earlier start lies above `from` (it itself included): up its awaiters
   * until one is met. Every node nothing awaits is a root here (`sourcesAreRoots`).
   */
  #reached(from: number, isStart: NodeInts, seen: NodeInts, stamp: number): boolean {
    const { start, to } = this.#g.awaitedBy;
    const stack = newList<number>();
    append(stack, from);
    seen.set(from, stamp);
    while (stack.length > 0) {
      const i = popList(stack);
      if (isStart.get(i) === 1 || start[i] === start[i + 1]) return true;
      for (let k = start[i]!; k < start[i + 1]!; k++) {
        const j = to[k]!;
        if (seen.get(j) !== stamp) {
          seen.set(j, stamp);
          append(stack, j);
        }
      }
    }
    return false;
  }

  inDegree(i: number): number {
    const start = this.#g.awaitedBy.start;
    return start[i + 1]! - start[i]!;
  }

  memberNode(c: number, id: string, listed: number): number {
    // The builder links a combinator's members in member order, each node once: the listed
    // members' nodes are among its first `listed` targets.
    const { start, to } = this.#g.awaits;
    const end = mathMin(start[c + 1]!, start[c]! + listed);
    for (let k = start[c]!; k < end; k++) if (this.nodes[to[k]!]!.id === id) return to[k]!;
    throw STALE;
  }

  check(i: number): void {
    if (this.#checked.get(i) === 1) return;
    if (!nodeMatches(this.#g, i)) throw STALE;
    this.#checked.set(i, 1);
  }

  checkStart(k: number): void {
    const roots = this.#g.roots;
    if (k < roots.length && this.nodes[roots[k]!]!.id !== this.#snapshot.roots[k]) throw STALE;
  }
}

class RebuiltGraph implements ReportGraph {
  readonly nodes: readonly SnapshotNode[];
  readonly awaits: Edges;
  readonly frameCount: number;
  readonly #snapshot: Snapshot;
  readonly #byId: NodeIndex;
  #inDegree: Uint8Array | undefined;
  /** In-degrees of 255 or more, counted when asked. */
  readonly #manyAwaiters = new SafeMap<number, number>();

  constructor(snapshot: Snapshot) {
    this.#snapshot = snapshot;
    this.nodes = snapshot.nodes;
    this.#byId = new NodeIndex(snapshot.nodes);
    this.awaits = this.#byId.edges('awaits');
    let frames = 0;
    const nodes = snapshot.nodes;
    for (let i = 0; i < nodes.length; i++) if (nodes[i]!.type === 'frame') frames++;
    this.frameCount = frames;
  }

  slowFrames(minPending: number): ArrayLike<number> {
    const slow = new IntList();
    const nodes = this.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      if (n.type === 'frame' && n.pendingMs !== null && n.pendingMs >= minPending && this.#byId.isNamedBy(i)) slow.push(i);
    }
    return slow.view();
  }

  markAwaiting(frames: ArrayLike<number>, marks: Uint8Array): void {
    markReachable(reverseEdges(this.awaits), frames, marks);
  }

  cycles(): List<readonly number[]> {
    // Ids naming no node (a snapshot edited by hand, or cut short) are passed over.
    const byId = this.#byId;
    const listed = this.#snapshot.cycles;
    const result = newList<readonly number[]>();
    next: for (let c = 0; c < listed.length; c++) {
      const ids = listed[c]!;
      if (ids.length === 0) continue;
      const cycle = newList<number>(ids.length);
      for (let k = 0; k < ids.length; k++) {
        const i = byId.indexOf(ids[k]!);
        if (i < 0 || this.nodes[i]!.type !== 'frame') continue next;
        cycle[k] = i;
      }
      append(result, cycle as unknown as readonly number[]);
    }
    return result;
  }

  treeStarts(cycles: List<readonly number[]>): TreeList {
    const nodes = this.nodes;
    // Sized for the roots and cycles: grown from 16, it allocated twice its final size (external memory, see node-index.ts).
    const starts = new IntList(this.#snapshot.roots.length + cycles.length + 16);
    const reached = new Uint8ArrayConstructor(nodes.length);
    const start = new Int32ArrayConstructor(1);
    const stack = new IntList();
    const add = (i: number): void => {
      if (reached[i] === 1) return;
      starts.push(i);
      start[0] = i;
      markReachable(this.awaits, start, reached, stack);
    };
    const roots = this.#snapshot.roots;
    for (let k = 0; k < roots.length; k++) {
      const i = this.#byId.indexOf(roots[k]!);
      if (i >= 0 && nodes[i]!.type === 'frame') add(i);
    }
    for (let c = 0; c < cycles.length; c++) add(cycles[c]![0]!);
    for (let i = 0; i < nodes.length; i++) if (nodes[i]!.type === 'frame' && this.#byId.isNamedBy(i)) add(i);
    return { length: starts.length, at: (k) => starts.at(k)! };
  }

  inDegree(i: number): number {
    const to = this.awaits.to;
    if (this.#inDegree === undefined) {
      // One byte a node, counting up to 255 (1 MB at 1M nodes, not 4: external memory, see
      // node-index.ts); a node awaited 255 times or more is counted exactly by a scan of the edges.
      const counts = new Uint8ArrayConstructor(this.nodes.length);
      for (let k = 0; k < to.length; k++) if (counts[to[k]!]! < SATURATED) counts[to[k]!]!++;
      this.#inDegree = counts;
    }
    const count = this.#inDegree[i]!;
    if (count < SATURATED) return count;
    let exact = this.#manyAwaiters.get(i);
    if (exact === undefined) {
      exact = 0;
      for (let k = 0; k < to.length; k++) if (to[k] === i) exact++;
      this.#manyAwaiters.set(i, exact);
    }
    return exact;
  }

  memberNode(_c: number, id: string): number {
    return this.#byId.indexOf(id);
  }

  check(): void {}

  checkStart(): void {}
}
