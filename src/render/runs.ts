/**
 * Deep recursion, found so that the text report can collapse it: a chain of frames (each the only
 * thing the one above awaits) in which a pattern of up to `MAX_PERIOD` suspensions repeats —
 * `descend → descend → …` (period 1) or `a → b → c → a → b → c → …` (period 3).
 *
 * Cost: a search that finds no run stops within (collapseAfter + 2) × period frames for each
 * period tried; a run found is consumed by the caller (printed as three parts), so over a whole
 * report the work is linear in the frames it covers.
 */

import type { FrameNode, SnapshotNode } from '../snapshot/schema.ts';
import { append, mathFloor, newList, type List } from '../runtime/intrinsics.ts';
import { NodeInts } from './node-marks.ts';
import type { ReportGraph } from './report-graph.ts';

/** Longest repeating pattern looked for, in frames. */
const MAX_PERIOD = 8;

export interface Run {
  /** Frames in one repetition of the pattern. */
  period: number;
  /** Whole repetitions in the run (more than `collapseAfter`). */
  repeats: number;
  /** The run's frames, `period × repeats` of them, outermost first. */
  frames: List<number>;
}

export class RunFinder {
  readonly #nodes: readonly SnapshotNode[];
  readonly #graph: ReportGraph;
  readonly #collapseAfter: number;
  /** `#mark[i] === #stamp`: node i is already on the chain being examined (a cycle ends it). */
  readonly #mark: NodeInts;
  #stamp = 0;
  /** The chain being examined, one list for every search (a new List costs a `setPrototypeOf`, and a search runs per frame printed). */
  readonly #chain = newList<number>();

  constructor(graph: ReportGraph, collapseAfter: number) {
    this.#nodes = graph.nodes;
    this.#graph = graph;
    this.#collapseAfter = collapseAfter;
    this.#mark = new NodeInts(graph.nodes.length);
  }

  /**
   * The shortest-period run starting at frame `start`, or undefined when none repeats more than
   * `collapseAfter` times. (Periods are tried shortest first, so a pattern found never repeats a
   * shorter one: that one's run would have been found before.)
   */
  find(start: number, printed: NodeInts): Run | undefined {
    const chain = this.#chain;
    chain.length = 0;
    append(chain, start);
    // Stryker disable next-line UpdateOperator: equivalent: stamps only need to differ from one another and from the initial 0
    const stamp = ++this.#stamp;
    this.#mark.set(start, stamp);
    // Grows the chain until it has index n; false when it ends before.
    const graph = this.#graph;
    const { start: edgeStart, to } = graph.awaits;
    const reach = (n: number): boolean => {
      while (chain.length <= n) {
        const last = chain[chain.length - 1]!;
        const from = edgeStart[last]!;
        if (edgeStart[last + 1]! - from !== 1) return false;
        const next = to[from]!;
        graph.check(next);
        // A frame awaited by several is printed once, where its line can be referred to: never inside a run.
        if (this.#nodes[next]!.type !== 'frame' || printed.get(next) === 1 || this.#mark.get(next) === stamp || graph.inDegree(next) !== 1) return false;
        this.#mark.set(next, stamp);
        append(chain, next);
      }
      return true;
    };
    const nodes = this.#nodes;
    for (let period = 1; period <= MAX_PERIOD && reach(period); period++) {
      let matched = 0;
      while (reach(matched + period) && sameSuspension(nodes[chain[matched]!] as FrameNode, nodes[chain[matched + period]!] as FrameNode)) matched++;
      const repeats = mathFloor((matched + period) / period);
      if (repeats > this.#collapseAfter) {
        const frames = newList<number>(repeats * period);
        for (let k = 0; k < frames.length; k++) frames[k] = chain[k]!;
        return { period, repeats, frames };
      }
    }
    return undefined;
  }
}

/** The same function suspended at the same place. */
function sameSuspension(a: FrameNode, b: FrameNode): boolean {
  const sa = a.suspendedAt;
  const sb = b.suspendedAt;
  return a.function === b.function && a.location.file === b.location.file && a.location.line === b.location.line && sa?.line === sb?.line && sa?.column === sb?.column && sa?.file === sb?.file;
}
