/**
 * Await cycles: frames that wait for each other, directly or through combinators and groups, and
 * so can never resume (a deadlock). Tarjan's algorithm, iterative so a 100k-deep chain cannot
 * overflow the stack.
 */

import type { SnapshotNode } from './schema.ts';

/** Each cycle as frame ids in await order, starting from its oldest frame. */
export function findCycles(nodes: readonly SnapshotNode[]): string[][] {
  const byId = new Map<string, SnapshotNode>();
  for (const n of nodes) byId.set(n.id, n);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const start of nodes) {
    if (index.has(start.id)) continue;
    const work: [string, number][] = [[start.id, 0]];
    index.set(start.id, counter);
    low.set(start.id, counter++);
    stack.push(start.id);
    onStack.add(start.id);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [id, next] = top;
      const edges = byId.get(id)?.awaits ?? [];
      if (next < edges.length) {
        top[1]++;
        const to = edges[next]!;
        if (!byId.has(to)) continue;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push([to, 0]);
        } else if (onStack.has(to)) low.set(id, Math.min(low.get(id)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent[0], Math.min(low.get(parent[0])!, low.get(id)!));
      if (low.get(id) === index.get(id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== id);
        const selfLoop = component.length === 1 && (byId.get(id)?.awaits.includes(id) ?? false);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((c) => orderCycle(c, byId)).filter((c) => c.length > 0);
}

/** Frames of one strongly connected component, in await order from the oldest frame. */
function orderCycle(component: readonly string[], byId: ReadonlyMap<string, SnapshotNode>): string[] {
  const members = new Set(component);
  const frames = component.filter((id) => byId.get(id)?.type === 'frame');
  if (frames.length === 0) return [];
  frames.sort((a, b) => seqOf(byId.get(a)) - seqOf(byId.get(b)));
  const first = frames[0]!;
  const order: string[] = [];
  const seen = new Set<string>();
  let current: string | undefined = first;
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    if (byId.get(current)?.type === 'frame') order.push(current);
    current = byId.get(current)?.awaits.find((to) => members.has(to) && (!seen.has(to) || to === first));
    if (current === first) break;
  }
  return order;
}

function seqOf(node: SnapshotNode | undefined): number {
  return node?.type === 'frame' ? node.seq : Number.MAX_SAFE_INTEGER;
}
