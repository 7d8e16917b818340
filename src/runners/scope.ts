/**
 * A test's part of a snapshot. Frames carry their creation order (`seq`), and a test runs between
 * two readings of the frame counter: the frames created in between were started during the test
 * (by it, its hooks, or what they called). A test's graph is those frames that are still pending and
 * everything they await, transitively — frames started before the test that it awaits included,
 * frames that await it from outside (older code) not. What is left is a valid snapshot of its own,
 * rendered by the usual renderers.
 */

import type { Snapshot, SnapshotNode } from '../snapshot/schema.ts';

/** A span of frame creation: frames with `from < seq <= to` (`to` undefined: up to now). */
export interface SeqRange {
  from: number;
  to: number | undefined;
}

export function inRange(seq: number, range: SeqRange): boolean {
  return seq > range.from && (range.to === undefined || seq <= range.to);
}

/** The nodes of `snapshot` whose frames `seed` selects, and everything those await, as a snapshot of their own. */
export function subSnapshot(snapshot: Snapshot, seed: (seq: number) => boolean): Snapshot {
  const byId = new Map<string, SnapshotNode>();
  for (const node of snapshot.nodes) byId.set(node.id, node);
  const kept = new Set<string>();
  const stack: string[] = [];
  for (const node of snapshot.nodes) {
    if (node.type === 'frame' && seed(node.seq)) {
      kept.add(node.id);
      stack.push(node.id);
    }
  }
  while (stack.length > 0) {
    const node = byId.get(stack.pop()!);
    if (node === undefined) continue;
    for (const id of node.awaits) {
      if (kept.has(id)) continue;
      kept.add(id);
      stack.push(id);
    }
  }
  const nodes: SnapshotNode[] = [];
  for (const node of snapshot.nodes) {
    if (!kept.has(node.id)) continue;
    nodes.push({ ...node, awaits: node.awaits.filter((id) => kept.has(id)), awaitedBy: node.awaitedBy.filter((id) => kept.has(id)) } as SnapshotNode);
  }
  const roots = nodes.filter((n) => n.type === 'frame' && n.awaitedBy.length === 0).map((n) => n.id);
  const frames = nodes.filter((n) => n.type === 'frame').length;
  return {
    ...snapshot,
    nodes,
    roots,
    cycles: snapshot.cycles.filter((cycle) => cycle.every((id) => kept.has(id))),
    stats: { ...snapshot.stats, frames, omitted: 0 },
  };
}

/** The number of frames `snapshot` holds. */
export function frameCount(snapshot: Snapshot): number {
  let count = 0;
  for (const node of snapshot.nodes) if (node.type === 'frame') count++;
  return count;
}
