/**
 * Shortest retainer paths: breadth-first from the snapshot's root (node 0, whose children are the
 * GC roots and the global objects) over strong edges, never through the excluded nodes. One walk
 * answers every target at once; its cost is one pass over the edges (O(nodes + edges)).
 */

import {
  append,
  Int32ArrayConstructor,
  newList,
  publish,
  regExpTest,
  SafeMap,
  SafeSet,
  sortList,
  toNumber,
  typedArrayFill,
  type List,
  Uint32ArrayConstructor,
  Uint8ArrayConstructor,
} from '../runtime/intrinsics.ts';
import type { HeapGraph } from './graph.ts';

// Captured at load (the walk runs in the program's process, once per node of a level).

/**
 * Roots that hold only what the code running at the snapshot holds: awaitwhat's own call (and
 * whoever asked for the report), never what a waiting program keeps.
 */
const TRANSIENT_ROOTS = new SafeSet(['(Stack roots)', '(Handle scope)']);

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
  // Lists (no prototype): storing past their end reaches no setter the program put on Array.prototype.
  const groupOf = new SafeMap<number, List<number>>();
  const result = newList<RetainerPath | undefined>();
  let open = 0;
  for (let k = 0; k < groups.length; k++) {
    const g = groups[k]!;
    for (let j = 0; j < g.length; j++) {
      const t = g[j]!;
      const list = groupOf.get(t);
      if (list === undefined) {
        const first = newList<number>();
        append(first, k);
        groupOf.set(t, first);
      } else append(list, k);
    }
    result[k] = undefined;
    if (g.length > 0) open++;
  }
  if (open === 0) return publish(result);
  // Level by level, so that every node's parent is the best one of the level before: nodes of a
  // level are ordered (`order`) by their parent's order, then by the edge (see `compareEdges`).
  // That makes the path chosen the same in every run, whatever order V8 put properties in.
  const seen = new Uint8ArrayConstructor(n);
  const parentEdge = typedArrayFill(new Int32ArrayConstructor(n), -1);
  const order = new Uint32ArrayConstructor(n);
  const levelOf = new Uint32ArrayConstructor(n);
  let depth = 0;
  let level = newList<number>();
  append(level, 0);
  seen[0] = 1;
  while (level.length > 0 && open > 0) {
    const next = newList<number>();
    for (let li = 0; li < level.length; li++) {
      const i = level[li]!;
      if (i !== 0 && graph.nodeType(i) === 'synthetic' && TRANSIENT_ROOTS.has(graph.nodeName(i))) continue;
      for (let e = graph.firstEdge(i), end = graph.endEdge(i); e < end; e++) {
        if (graph.isWeak(e)) continue;
        const to = graph.edgeTo(e);
        if (excluded[to] === 1) continue;
        if (seen[to] === 1) {
          // Found again from the same parent (the level is walked in order, so a parent found
          // first is the better one): keep the better edge.
          const old = parentEdge[to]!;
          if (levelOf[to] === depth + 1 && old >= 0 && graph.edgeFrom(old) === i && compareEdges(graph, e, old) < 0) parentEdge[to] = e;
          continue;
        }
        seen[to] = 1;
        levelOf[to] = depth + 1;
        parentEdge[to] = e;
        append(next, to);
      }
    }
    sortList(next, (a, b) => {
      const ea = parentEdge[a]!;
      const eb = parentEdge[b]!;
      const pa = order[graph.edgeFrom(ea)]!;
      const pb = order[graph.edgeFrom(eb)]!;
      return pa !== pb ? pa - pb : compareEdges(graph, ea, eb);
    });
    for (let k = 0; k < next.length; k++) order[next[k]!] = k;
    for (let ni = 0; ni < next.length; ni++) {
      const to = next[ni]!;
      const groupsHere = groupOf.get(to);
      if (groupsHere === undefined) continue;
      for (let gk = 0; gk < groupsHere.length; gk++) {
        const k = groupsHere[gk]!;
        if (result[k] !== undefined) continue;
        result[k] = { edges: pathTo(graph, parentEdge, to), target: to, alternatives: holdersAt(graph, to, levelOf, seen, excluded) - 1 };
        open--;
      }
    }
    level = next;
    depth++;
  }
  return publish(result);
}

function pathTo(graph: HeapGraph, parentEdge: Int32Array, to: number): number[] {
  const edges = newList<number>();
  let at = to;
  while (at !== 0) {
    const e = parentEdge[at]!;
    append(edges, e);
    at = graph.edgeFrom(e);
  }
  const forward = newList<number>();
  for (let k = edges.length - 1; k >= 0; k--) append(forward, edges[k]!);
  return publish(forward);
}

/** How many different nodes hold `at` one level nearer the root (its holders on a shortest path). */
function holdersAt(graph: HeapGraph, at: number, levelOf: Uint32Array, seen: Uint8Array, excluded: Uint8Array): number {
  const holders = new SafeSet<number>();
  for (let eR = graph.firstRetainer(at), eEnd = graph.endRetainer(at); eR < eEnd; eR++) {
    const e = graph.retainerEdge(eR);
    const from = graph.edgeFrom(e);
    if (graph.isWeak(e) || seen[from] !== 1 || excluded[from] === 1 || levelOf[from] !== levelOf[at]! - 1) continue;
    if (from !== 0 && graph.nodeType(from) === 'synthetic' && TRANSIENT_ROOTS.has(graph.nodeName(from))) continue;
    holders.add(from);
  }
  return holders.size;
}

const TYPE_RANK = { __proto__: null, property: 0, element: 1, context: 2, internal: 3, hidden: 4, shortcut: 5 } as unknown as Record<string, number>;

/**
 * Which of two edges a path prefers: not an `error` listener nor a `reject` function (`events.once`
 * keeps the resolve function reachable from both the awaited event's listener and its `error`
 * listener, a queue entry `{ resolve, reject }` from both: the awaited event and the resolve
 * function are the ones that tell; a FileHandle keeps `kCloseResolve` and `kCloseReject`), then by type (properties first), then by name or index.
 */
function compareEdges(graph: HeapGraph, a: number, b: number): number {
  const na = graph.edgeName(a);
  const nb = graph.edgeName(b);
  const ta = graph.edgeType(a);
  const tb = graph.edgeType(b);
  const errA = ta === 'property' && isErrorSide(na) ? 1 : 0;
  const errB = tb === 'property' && isErrorSide(nb) ? 1 : 0;
  if (errA !== errB) return errA - errB;
  if (ta !== tb) return (TYPE_RANK[ta] ?? 9) - (TYPE_RANK[tb] ?? 9);
  if (ta === 'element' || ta === 'hidden') return toNumber(na) - toNumber(nb);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** `error`, `reject`, `kCloseReject`: the way a failure goes, which says less about what is awaited. */
function isErrorSide(name: string): boolean {
  return name === 'error' || name === 'reject' || regExpTest(/^<symbol \w*Reject>$/, name);
}
