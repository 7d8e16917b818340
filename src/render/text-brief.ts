/**
 * One line for a tree the report does not show in full: the frame it starts with, its innermost
 * frame (where it is suspended, on what, for how long) and what that frame waits for —
 * `transaction  app.mjs:30:3 → … 1 more → nextInvoiceNumber  app.mjs:12:5  await db.raw(…)  42ms → db.raw(…)  — a promise …`.
 * The path follows each node's first frame (or first node) below it. Paths are memoised per node,
 * so trees sharing one deep chain cost that chain once, however many they are.
 */

import type { FrameNode, SnapshotNode } from '../snapshot/schema.ts';
import { describeNode, frameLine, shortName } from './labels.ts';
import { IntList } from '../snapshot/int-list.ts';
import { NodeInts } from './node-marks.ts';
import type { ReportGraph } from './report-graph.ts';

export class BriefLines {
  readonly #nodes: readonly SnapshotNode[];
  readonly #graph: ReportGraph;
  readonly #showDurations: boolean;
  /** For each node once its path is known: the innermost frame on it (-1: none), what that frame waits for (-1: nothing), and how many frames the path holds. */
  readonly #innermost: NodeInts;
  readonly #after: NodeInts;
  readonly #frames: NodeInts;
  readonly #known: NodeInts;
  /** `#onPath[i] === #stamp`: node i is on the path being followed (meeting it again is a cycle). */
  readonly #onPath: NodeInts;
  #stamp = 0;
  /** The path being followed, one list for every line. */
  readonly #path = new IntList();

  constructor(graph: ReportGraph, showDurations: boolean) {
    this.#nodes = graph.nodes;
    this.#graph = graph;
    this.#showDurations = showDurations;
    const n = graph.nodes.length;
    this.#innermost = new NodeInts(n);
    this.#after = new NodeInts(n);
    this.#frames = new NodeInts(n);
    this.#known = new NodeInts(n);
    this.#onPath = new NodeInts(n);
  }

  line(root: number): string {
    this.#follow(root);
    const nodes = this.#nodes;
    const innermost = this.#innermost.get(root);
    const after = this.#after.get(root);
    let text: string;
    if (innermost < 0 || innermost === root) text = describeNode(nodes[root]!, this.#showDurations);
    else {
      const between = this.#frames.get(root) - 2;
      text = `${shortName(nodes[root]!)} → ${between > 0 ? `… ${between} more → ` : ''}${frameLine(nodes[innermost] as FrameNode, this.#showDurations)}`;
    }
    if (after < 0) return text;
    const next = nodes[after]!;
    return `${text} → ${next.type === 'frame' ? `${shortName(next)} (again: an await cycle)` : describeNode(next, false)}`;
  }

  /** The next node on a path: a frame's await; a combinator's or group's first pending frame, else its first node. */
  #next(i: number): number {
    const { start, to } = this.#graph.awaits;
    const from = start[i]!;
    const end = start[i + 1]!;
    if (from === end) return -1;
    if (this.#nodes[i]!.type !== 'frame') for (let k = from; k < end; k++) if (this.#nodes[to[k]!]!.type === 'frame') return to[k]!;
    return to[from]!;
  }

  #follow(root: number): void {
    if (this.#known.get(root) === 1) return;
    // Stryker disable next-line UpdateOperator: equivalent: stamps only need to differ from one another and from the initial 0
    const stamp = ++this.#stamp;
    const path = this.#path;
    path.clear();
    let stop = root;
    while (stop >= 0 && this.#known.get(stop) === 0 && this.#onPath.get(stop) !== stamp) {
      this.#graph.check(stop);
      this.#onPath.set(stop, stamp);
      path.push(stop);
      stop = this.#next(stop);
    }
    // What lies past the path's end: a node whose path is known, or nothing (the end, or a cycle back onto the path).
    let innermost = -1;
    let after = -1;
    let frames = 0;
    if (stop >= 0 && this.#known.get(stop) === 1) {
      innermost = this.#innermost.get(stop);
      after = this.#after.get(stop);
      frames = this.#frames.get(stop);
    }
    let next = stop;
    for (let k = path.length - 1; k >= 0; k--) {
      const i = path.at(k)!;
      if (this.#nodes[i]!.type === 'frame') {
        if (innermost < 0) {
          innermost = i;
          after = next;
        }
        frames++;
      }
      this.#innermost.set(i, innermost);
      this.#after.set(i, after);
      this.#frames.set(i, frames);
      this.#known.set(i, 1);
      next = i;
    }
  }
}
