/**
 * Await cycles: frames that wait for each other, directly or through combinators and groups, and
 * so can never resume (a deadlock). Most graphs are forests, so nodes are first peeled off from the
 * leaves up (linear, on integer indices); only what remains can lie on a cycle, and Tarjan's
 * algorithm (iterative, so a 100k-deep chain cannot overflow the stack) runs on that remainder.
 */

import { reverseEdges, targetsOf, type Edges } from './edges.ts';
import { NodeIndex } from './node-index.ts';
import type { SnapshotNode } from './schema.ts';

export type { Edges };

/**
 * Each cycle as frame ids in await order, starting from its oldest frame. `edges` are the
 * nodes' `awaits` by index (the builder has them; otherwise they are derived from ids).
 */
export function findCycles(nodes: readonly SnapshotNode[], edges: Edges = new NodeIndex(nodes).edges('awaits'), incoming: Edges = reverseEdges(edges)): string[][] {
  return findCyclePositions(nodes, edges, incoming).map((cycle) => cycle.map((i) => nodes[i]!.id));
}

/** The same cycles as `findCycles`, each as the positions of its frames. */
export function findCyclePositions(nodes: readonly SnapshotNode[], edges: Edges, incoming: Edges): number[][] {
  const n = nodes.length;
  const { start, to } = edges;
  const outDegree = new Int32Array(n);
  for (let i = 0; i < n; i++) outDegree[i] = start[i + 1]! - start[i]!;
  // Peel nodes that await nothing still in the graph: they cannot be on a cycle.
  const removed = new Uint8Array(n);
  const queue = new Int32Array(n);
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
  return tarjan(nodes, edges, removed).map((component) => orderCycle(component, nodes, edges));
}

function tarjan(nodes: readonly SnapshotNode[], edges: Edges, removed: Uint8Array): number[][] {
  const n = nodes.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  // Stryker disable next-line ArrayDeclaration: equivalent: each pop stops at its component's root, so a stray bottom element is never reached
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let start = 0; start < n; start++) {
    if (removed[start] || order[start] !== -1) continue;
    const work: [number, number][] = [[start, 0]];
    order[start] = low[start] = counter++;
    stack.push(start);
    onStack[start] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [v, next] = top;
      if (edges.start[v]! + next < edges.start[v + 1]!) {
        top[1]++;
        const w = edges.to[edges.start[v]! + next]!;
        if (removed[w]) continue;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, order[w]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low[parent[0]] = Math.min(low[parent[0]]!, low[v]!);
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || targetsOf(edges, v).includes(v)) components.push(component);
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
function orderCycle(component: readonly number[], nodes: readonly SnapshotNode[], edges: Edges): number[] {
  const members = new Set(component);
  const seqOf = (i: number) => {
    const node = nodes[i]!;
    return node.type === 'frame' ? node.seq : Number.MAX_SAFE_INTEGER;
  };
  let first = component[0]!;
  for (const i of component) if (seqOf(i) < seqOf(first)) first = i;
  // Stryker disable next-line ArrayDeclaration: equivalent: the first frame is never pushed again anyway (reaching it ends the walk before the entered check)
  const entered = new Set<number>([first]);
  // The path from `first`, and how far along each node's edges the search is.
  const path: number[] = [first];
  const next: number[] = [edges.start[first]!];
  while (path.length > 0) {
    const top = path.length - 1;
    const v = path[top]!;
    const k = next[top]!;
    if (k === edges.start[v + 1]!) {
      path.pop();
      next.pop();
      continue;
    }
    next[top] = k + 1;
    const to = edges.to[k]!;
    if (to === first) break;
    if (!members.has(to) || entered.has(to)) continue;
    entered.add(to);
    path.push(to);
    next.push(edges.start[to]!);
  }
  return path.filter((i) => nodes[i]!.type === 'frame');
}
