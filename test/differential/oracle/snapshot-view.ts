/**
 * awaitwhat's answer, as a view: read from the public snapshot (the documented JSON of
 * src/snapshot/schema.ts), never from the runtime's records. One worker runs many programs, and
 * frames earlier programs left pending stay in its registry, so only this program's part is kept:
 * its frames (by file name; every program gets its own) and the nodes they reach.
 */

import type { Snapshot, SnapshotNode } from '../../../dist/index.js';
import { suspension, type GraphView, type ViewNode } from './view.ts';

export function snapshotView(snapshot: Snapshot, file: string): GraphView {
  const byId = new Map<string, SnapshotNode>();
  for (const node of snapshot.nodes) byId.set(node.id, node);
  const mine = (n: SnapshotNode) => n.type === 'frame' && n.location.file === file;
  // This program's frames, then whatever they reach (a frame of another program reached from here is kept too, and shows).
  const kept: SnapshotNode[] = snapshot.nodes.filter(mine);
  const index = new Map<string, number>(kept.map((n, i) => [n.id, i]));
  for (let i = 0; i < kept.length; i++) {
    const node = kept[i]!;
    const next = [...node.awaits, ...(node.type === 'combinator' ? node.members.flatMap((m) => (m.node === null ? [] : [m.node])) : [])];
    for (const id of next) {
      const target = byId.get(id);
      if (target !== undefined && !index.has(id)) {
        index.set(id, kept.length);
        kept.push(target);
      }
    }
  }
  // An id outside this program's part (no node at all, or another program's) becomes -1, which no name matches: it shows.
  const at = (id: string) => index.get(id) ?? -1;
  const ids = (list: readonly string[]) => list.map(at);
  const nodes: ViewNode[] = kept.map((n): ViewNode => {
    const awaits = ids(n.awaits);
    const awaitedBy = ids(n.awaitedBy);
    switch (n.type) {
      case 'frame':
        return {
          type: 'frame',
          order: n.seq,
          fn: n.function,
          kind: n.kind,
          location: `${n.location.file}:${n.location.line}:${n.location.column}`,
          state: n.state,
          suspendedAt: n.suspendedAt === null ? null : suspension(n.suspendedAt.kind, n.suspendedAt.file, n.suspendedAt.line, n.suspendedAt.column, n.suspendedAt.text),
          awaits,
          awaitedBy,
        };
      case 'combinator':
        return {
          type: 'combinator',
          combinator: n.combinator,
          total: n.total,
          pending: n.pending,
          states: { ...n.states },
          membersKnown: n.membersKnown,
          members: n.members.map((m) => ({ index: m.index, state: m.state, text: m.text, node: m.node === null ? null : at(m.node) })),
          awaits,
          awaitedBy,
        };
      case 'group':
        return { type: 'group', calls: n.calls, awaits, awaitedBy };
      case 'leaf':
        return { type: 'leaf', valueKind: n.valueKind, awaits, awaitedBy };
    }
  });
  const roots = snapshot.roots.filter((id) => index.has(id) && mine(byId.get(id)!)).map(at);
  const cycles = snapshot.cycles.filter((c) => c.some((id) => index.has(id))).map((c) => c.map(at));
  return { nodes, roots, cycles };
}
