/** Graph edges on node positions, stored compactly (CSR): what walks over 100k-node snapshots use instead of ids. */

import { Int32ArrayConstructor, int32Part, typedArrayFill } from '../runtime/intrinsics.ts';
import { IntList } from './int-list.ts';

/** Directed edges between node indices: node i's targets are `to[start[i]] … to[start[i + 1] - 1]`. */
export interface Edges {
  start: Int32Array;
  to: Int32Array;
}

/** Edges from parallel lists of sources and targets, each node's targets kept in list order. */
export function edgesFrom(n: number, sources: ArrayLike<number>, targets: ArrayLike<number>): Edges {
  const start = new Int32ArrayConstructor(n + 1);
  for (let k = 0; k < sources.length; k++) start[sources[k]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const to = new Int32ArrayConstructor(sources.length);
  // A copy by index (not `slice`, which looks up the array's `constructor`, and the program's species).
  const fill = new Int32ArrayConstructor(n);
  for (let i = 0; i < n; i++) fill[i] = start[i]!;
  for (let k = 0; k < sources.length; k++) to[fill[sources[k]!]!++] = targets[k]!;
  return { start, to };
}

/** Node i's targets, as a view (no copy). */
export function targetsOf(edges: Edges, i: number): Int32Array {
  return int32Part(edges.to, edges.start[i]!, edges.start[i + 1]!);
}

/** The same edges reversed; each node's sources in ascending order. */
export function reverseEdges(edges: Edges): Edges {
  const n = edges.start.length - 1;
  const sources = new Int32ArrayConstructor(edges.to.length);
  for (let i = 0; i < n; i++) typedArrayFill(sources, i, edges.start[i]!, edges.start[i + 1]!);
  return edgesFrom(n, edges.to, sources);
}

/**
 * Sets `seen[i]` for every node reachable from `starts` (themselves included) that was not set yet.
 * `stack`: an empty list to work in, for callers that mark from one start at a time (a list each
 * time costs a typed array each time); left empty.
 */
// A report calls it inside the program: an IntList and indexed loops, no array method or iterator the program may have replaced.
// One start at a time: the stack holds one walk, not every start at once (a report marking from
// 1M slow frames held a 4 MB stack, external memory that helps start a full collection of the
// program's heap; see node-index.ts).
export function markReachable(edges: Edges, starts: ArrayLike<number>, seen: Uint8Array, stack = new IntList()): void {
  for (let s = 0; s < starts.length; s++) {
    if (seen[starts[s]!] === 1) continue;
    stack.push(starts[s]!);
    while (stack.length > 0) {
      const i = stack.pop();
      if (seen[i] === 1) continue;
      seen[i] = 1;
      for (let k = edges.start[i]!; k < edges.start[i + 1]!; k++) if (seen[edges.to[k]!] === 0) stack.push(edges.to[k]!);
    }
  }
}
