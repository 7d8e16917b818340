/**
 * Await cycles: frames that wait for each other, directly or through combinators and groups, and
 * so can never resume (a deadlock). Most graphs are forests, so nodes are first peeled off from the
 * leaves up (linear, on integer indices); only what remains can lie on a cycle, and Tarjan's
 * algorithm (iterative, so a 100k-deep chain cannot overflow the stack) runs on that remainder.
 */

import type { SnapshotNode } from './schema.ts';

/**
 * Each cycle as frame ids in await order, starting from its oldest frame. `edges[i]` lists the
 * indices of the nodes node i awaits (the builder has them; otherwise they are derived from ids).
 */
export function findCycles(nodes: readonly SnapshotNode[], edges: readonly number[][] = edgesOf(nodes)): string[][] {
  const n = nodes.length;
  const outDegree = new Int32Array(n);
  const inStart = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const list = edges[i]!;
    for (const j of list) inStart[j + 1]!++;
    outDegree[i] = list.length;
    total += list.length;
  }
  // Incoming edges in one flat array (counting sort), rather than 100k small arrays.
  for (let i = 0; i < n; i++) inStart[i + 1]! += inStart[i]!;
  const incoming = new Int32Array(total);
  const fill = inStart.slice(0, n);
  for (let i = 0; i < n; i++) for (const j of edges[i]!) incoming[fill[j]!++] = i;
  // Peel nodes that await nothing still in the graph: they cannot be on a cycle.
  const removed = new Uint8Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (outDegree[i] === 0) queue[tail++] = i;
  for (let head = 0; head < tail; head++) {
    const i = queue[head]!;
    removed[i] = 1;
    for (let k = inStart[i]!; k < inStart[i + 1]!; k++) {
      const from = incoming[k]!;
      if (--outDegree[from]! === 0) queue[tail++] = from;
    }
  }
  if (tail === n) return [];
  return tarjan(nodes, edges, removed).map((component) => orderCycle(component, nodes, edges));
}

function edgesOf(nodes: readonly SnapshotNode[]): number[][] {
  const index = new Map<string, number>();
  nodes.forEach((node, i) => index.set(node.id, i));
  return nodes.map((node) => node.awaits.map((id) => index.get(id)).filter((j): j is number => j !== undefined));
}

function tarjan(nodes: readonly SnapshotNode[], edges: readonly number[][], removed: Uint8Array): number[][] {
  const n = nodes.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
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
      const out = edges[v]!;
      if (next < out.length) {
        top[1]++;
        const w = out[next]!;
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
        if (component.length > 1 || edges[v]!.includes(v)) components.push(component);
      }
    }
  }
  return components;
}

/** Frames of one strongly connected component, in await order from the oldest frame. */
function orderCycle(component: readonly number[], nodes: readonly SnapshotNode[], edges: readonly number[][]): string[] {
  const members = new Set(component);
  const seqOf = (i: number) => {
    const node = nodes[i]!;
    return node.type === 'frame' ? node.seq : Number.MAX_SAFE_INTEGER;
  };
  let first = component[0]!;
  for (const i of component) if (seqOf(i) < seqOf(first)) first = i;
  const result: string[] = [];
  const seen = new Set<number>();
  for (let current: number | undefined = first; current !== undefined && !seen.has(current); ) {
    seen.add(current);
    if (nodes[current]!.type === 'frame') result.push(nodes[current]!.id);
    current = edges[current]!.find((to) => members.has(to) && (!seen.has(to) || to === first));
    if (current === first) break;
  }
  return result;
}
