/**
 * Await cycles: frames that wait for each other, directly or through combinators and groups, and
 * so can never resume (a deadlock). Most graphs are forests, so nodes are first peeled off from the
 * leaves up (linear, on integer indices); only what remains can lie on a cycle, and Tarjan's
 * algorithm (iterative, so a 100k-deep chain cannot overflow the stack) runs on that remainder.
 */

import {
  append,
  Int32ArrayConstructor,
  mathMin,
  newList,
  popList,
  publish,
  SafeSet,
  typedArrayFill,
  type List,
  Uint8ArrayConstructor,
} from '../runtime/intrinsics.ts';
import { reverseEdges, type Edges } from './edges.ts';

const MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;
import { NodeIndex } from './node-index.ts';
import type { SnapshotNode } from './schema.ts';

export type { Edges };

/**
 * Each cycle as frame ids in await order, starting from its oldest frame. `edges` are the
 * nodes' `awaits` by index (the builder has them; otherwise they are derived from ids).
 */
export function findCycles(nodes: readonly SnapshotNode[], edges: Edges = new NodeIndex(nodes).edges('awaits'), incoming: Edges = reverseEdges(edges)): string[][] {
  const cycles = findCyclePositions(nodes, edges, incoming);
  const out: string[][] = [];
  for (let c = 0; c < cycles.length; c++) {
    const ids = newList<string>();
    for (let k = 0; k < cycles[c]!.length; k++) append(ids, nodes[cycles[c]![k]!]!.id);
    out[c] = publish(ids);
  }
  return out;
}

/** The same cycles as `findCycles`, each as the positions of its frames. */
export function findCyclePositions(nodes: readonly SnapshotNode[], edges: Edges, incoming: Edges): number[][] {
  const n = nodes.length;
  const { start, to } = edges;
  const outDegree = new Int32ArrayConstructor(n);
  for (let i = 0; i < n; i++) outDegree[i] = start[i + 1]! - start[i]!;
  // Peel nodes that await nothing still in the graph: they cannot be on a cycle.
  const removed = new Uint8ArrayConstructor(n);
  const queue = new Int32ArrayConstructor(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (outDegree[i] === 0) queue[tail++] = i;
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent (speed only): fewer nodes peeled, and Tarjan's algorithm finds the same cycles among the rest (a peeled node is on none)
  for (let head = 0; head < tail; head++) {
    const i = queue[head]!;
    removed[i] = 1;
    // Stryker disable next-line ConditionalExpression,ArithmeticOperator,BlockStatement: equivalent (speed only): fewer in-edges followed, so fewer nodes peeled; Tarjan's algorithm finds the same cycles among the rest
    for (let k = incoming.start[i]!; k < incoming.start[i + 1]!; k++) {
      const from = incoming.to[k]!;
      // Stryker disable next-line UpdateOperator: equivalent (speed only): `tail--` ends the peeling early and `++` never brings a count to 0: fewer nodes peeled, the same cycles
      if (--outDegree[from]! === 0) queue[tail++] = from;
    }
  }
  if (tail === n) return [];
  const components = tarjan(nodes, edges, removed);
  const cycles = newList<number[]>();
  for (let c = 0; c < components.length; c++) append(cycles, orderCycle(components[c]!, nodes, edges));
  return publish(cycles);
}

// Lists (no prototype) and indexed loops: a report runs this inside the program, whose array
// methods and iterators may be replaced.
function tarjan(nodes: readonly SnapshotNode[], edges: Edges, removed: Uint8Array): List<List<number>> {
  const n = nodes.length;
  const order = typedArrayFill(new Int32ArrayConstructor(n), -1);
  const low = new Int32ArrayConstructor(n);
  const onStack = new Uint8ArrayConstructor(n);
  // Stryker disable next-line ArrayDeclaration: equivalent: each pop stops at its component's root, so a stray bottom element is never reached
  const stack = newList<number>();
  const components = newList<List<number>>();
  let counter = 0;
  for (let start = 0; start < n; start++) {
    if (removed[start] || order[start] !== -1) continue;
    const work = newList<[number, number]>();
    append(work, [start, 0]);
    order[start] = low[start] = counter++;
    append(stack, start);
    onStack[start] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const v = top[0];
      const next = top[1];
      if (edges.start[v]! + next < edges.start[v + 1]!) {
        top[1]++;
        const w = edges.to[edges.start[v]! + next]!;
        if (removed[w]) continue;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          append(stack, w);
          onStack[w] = 1;
          append(work, [w, 0]);
        } else if (onStack[w]) low[v] = mathMin(low[v]!, order[w]!);
        continue;
      }
      popList(work);
      const parent = work.length > 0 ? work[work.length - 1] : undefined;
      if (parent !== undefined) low[parent[0]] = mathMin(low[parent[0]]!, low[v]!);
      if (low[v] === order[v]) {
        const component = newList<number>();
        let w: number;
        do {
          w = popList(stack);
          onStack[w] = 0;
          append(component, w);
        } while (w !== v);
        if (component.length > 1 || awaitsItself(edges, v)) append(components, component);
      }
    }
  }
  return components;
}

/**
 * A cycle through the oldest frame of one strongly connected component, its frames in await order.
 * A depth-first search from that frame, each node entered once, backing up from a node whose every
 * way on is taken: in a figure of eight (two loops sharing a frame) a walk that only goes forward
 * can enter the other loop and end on a frame that does not await the first. The component is
 * strongly connected, so some way leads back to the first frame; the search's path then is a
 * simple cycle. Edges are tried in order, so a single loop reads as the walk along it.
 */
function orderCycle(component: List<number>, nodes: readonly SnapshotNode[], edges: Edges): number[] {
  const members = new SafeSet<number>();
  for (let k = 0; k < component.length; k++) members.add(component[k]!);
  const seqOf = (i: number) => {
    const node = nodes[i]!;
    return node.type === 'frame' ? node.seq : MAX_SAFE_INTEGER;
  };
  let first = component[0]!;
  for (let k = 0; k < component.length; k++) if (seqOf(component[k]!) < seqOf(first)) first = component[k]!;
  const entered = new SafeSet<number>();
  // Stryker disable next-line CallExpression: equivalent: the first frame is never pushed again anyway (reaching it ends the walk before the entered check)
  entered.add(first);
  // The path from `first`, and how far along each node's edges the search is.
  const path = newList<number>();
  append(path, first);
  const next = newList<number>();
  append(next, edges.start[first]!);
  while (path.length > 0) {
    const top = path.length - 1;
    const v = path[top]!;
    const k = next[top]!;
    if (k === edges.start[v + 1]!) {
      popList(path);
      popList(next);
      continue;
    }
    next[top] = k + 1;
    const to = edges.to[k]!;
    if (to === first) break;
    if (!members.has(to) || entered.has(to)) continue;
    entered.add(to);
    append(path, to);
    append(next, edges.start[to]!);
  }
  const frames = newList<number>();
  for (let k = 0; k < path.length; k++) if (nodes[path[k]!]!.type === 'frame') append(frames, path[k]!);
  return publish(frames);
}

/** Whether node `v` awaits itself (an edge from `v` to `v`). */
function awaitsItself(edges: Edges, v: number): boolean {
  for (let k = edges.start[v]!; k < edges.start[v + 1]!; k++) if (edges.to[k] === v) return true;
  return false;
}
