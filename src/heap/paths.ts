/**
 * Shortest retainer paths: breadth-first from the snapshot's root (node 0, whose children are the
 * GC roots and the global objects) over strong edges, never through the excluded nodes. One walk
 * answers every target at once; its cost is one pass over the edges (O(nodes + edges)).
 */

import type { HeapGraph } from './graph.ts';

/**
 * Roots that hold only what the code running at the snapshot holds: awaitwhat's own call (and
 * whoever asked for the report), never what a waiting program keeps.
 */
const TRANSIENT_ROOTS = new Set(['(Stack roots)', '(Handle scope)']);

export interface RetainerPath {
  /** Edge indexes from the root to the target, in order (`graph.edgeTo(edges[k])` is the k-th node after the root). */
  edges: number[];
  /** The target reached (one of the given). */
  target: number;
  /** How many other targets the walk reached at the same distance through a different last node; 0 when this is the only shortest way found. */
  alternatives: number;
}

/**
 * The shortest path from the root to each of `targets` reachable without passing through a node
 * marked in `excluded` (an excluded target is unreachable). Returns, for each group of targets
 * (`groups[k]` lists node indexes), the path to the nearest of that group, or undefined.
 */
export function shortestPaths(graph: HeapGraph, groups: readonly (readonly number[])[], excluded: Uint8Array): (RetainerPath | undefined)[] {
  const n = graph.nodeCount;
  // Which groups each target belongs to; most targets belong to one.
  const groupOf = new Map<number, number[]>();
  groups.forEach((g, k) => {
    for (const t of g) {
      const list = groupOf.get(t);
      if (list === undefined) groupOf.set(t, [k]);
      else list.push(k);
    }
  });
  const result: (RetainerPath | undefined)[] = groups.map(() => undefined);
  let open = groups.filter((g) => g.length > 0).length;
  if (open === 0) return result;
  const parentEdge = new Int32Array(n).fill(-1);
  const seen = new Uint8Array(n);
  const depth = new Uint32Array(n);
  const queue = new Uint32Array(n);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  seen[0] = 1;
  while (head < tail && open > 0) {
    const i = queue[head++]!;
    if (i !== 0 && graph.nodeType(i) === 'synthetic' && TRANSIENT_ROOTS.has(graph.nodeName(i))) continue;
    for (let e = graph.firstEdge(i), end = graph.endEdge(i); e < end; e++) {
      if (graph.isWeak(e)) continue;
      const to = graph.edgeTo(e);
      if (seen[to] === 1) {
        // Another way to a target at the same distance: counted, so that a report can say "one of several".
        if (groupOf.has(to) && depth[to] === depth[i]! + 1 && parentEdge[to] !== e) countAlternative(result, groupOf.get(to)!, to, graph, parentEdge, e);
        continue;
      }
      if (excluded[to] === 1) continue;
      const groupsHere = groupOf.get(to);
      seen[to] = 1;
      parentEdge[to] = e;
      depth[to] = depth[i]! + 1;
      if (groupsHere !== undefined) {
        for (const k of groupsHere) {
          if (result[k] !== undefined) continue;
          result[k] = { edges: pathTo(graph, parentEdge, to), target: to, alternatives: 0 };
          open--;
        }
      }
      queue[tail++] = to;
    }
  }
  return result;
}

function pathTo(graph: HeapGraph, parentEdge: Int32Array, to: number): number[] {
  const edges: number[] = [];
  let at = to;
  while (at !== 0) {
    const e = parentEdge[at]!;
    edges.push(e);
    at = graph.edgeFrom(e);
  }
  return edges.reverse();
}

function countAlternative(result: (RetainerPath | undefined)[], groups: number[], to: number, graph: HeapGraph, parentEdge: Int32Array, e: number): void {
  // A second edge into the same target from a different node.
  if (graph.edgeFrom(parentEdge[to]!) === graph.edgeFrom(e)) return;
  for (const k of groups) {
    const path = result[k];
    if (path !== undefined && path.target === to) path.alternatives++;
  }
}
