/**
 * A snapshot as a graph that two runs of one program agree on: every field but times and the
 * process id, with ids renamed canonically — frames `f1, f2, …` in seq order (seq becomes the
 * rank), the other nodes `c1`, `g1`, `l1`, … in the order a walk from the frames first meets them —
 * so that what is compared is the relations between nodes, not the numbers the runtime handed out.
 */

import type { Snapshot, SnapshotNode } from './schema.ts';

/** The comparable part of a snapshot; nodes in canonical order (frames first). */
interface CanonicalGraph {
  schema: string;
  threadId: number;
  roots: string[];
  cycles: string[][];
  stats: Snapshot['stats'];
  nodes: Omit<SnapshotNode, 'pendingMs'>[];
}

export function canonicalGraph(snapshot: Snapshot): CanonicalGraph {
  const names = canonicalNames(snapshot.nodes);
  const rename = (id: string): string => names.get(id) ?? `?${id}`;
  const ordered = [...snapshot.nodes].sort((a, b) => order(names, a) - order(names, b));
  const nodes = ordered.map((node) => {
    const copy: Record<string, unknown> = { ...node, id: rename(node.id), awaits: node.awaits.map(rename), awaitedBy: node.awaitedBy.map(rename) };
    if (node.type === 'frame') {
      delete copy.pendingMs;
      copy.seq = Number(rename(node.id).slice(1));
    }
    if (node.type === 'combinator') copy.members = node.members.map((m) => ({ ...m, node: m.node === null ? null : rename(m.node) }));
    return copy as Omit<SnapshotNode, 'pendingMs'>;
  });
  return {
    schema: snapshot.schema,
    threadId: snapshot.threadId,
    roots: snapshot.roots.map(rename),
    cycles: snapshot.cycles.map((cycle) => cycle.map(rename)),
    stats: snapshot.stats,
    nodes,
  };
}

/** JSON with one node per line: a diff of two graphs then shows which nodes differ. */
export function formatCanonical(graph: CanonicalGraph): string {
  const { nodes, ...rest } = graph;
  const head = Object.entries(rest).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  const body = nodes.map((n, i) => `    ${JSON.stringify(n)}${i < nodes.length - 1 ? ',' : ''}`);
  return `{\n${head.join(',\n')},\n  "nodes": [\n${body.join('\n')}\n  ]\n}\n`;
}

function canonicalNames(nodes: readonly SnapshotNode[]): Map<string, string> {
  const names = new Map<string, string>();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const frames = nodes.filter((n) => n.type === 'frame').sort((a, b) => a.seq - b.seq);
  frames.forEach((f, i) => names.set(f.id, `f${i + 1}`));
  const counters = { c: 0, g: 0, l: 0 };
  // Every frame is named above: only the other nodes get a letter here.
  const name = (node: SnapshotNode): void => {
    if (names.has(node.id)) return;
    const letter = node.type === 'combinator' ? 'c' : node.type === 'group' ? 'g' : 'l';
    names.set(node.id, `${letter}${++counters[letter]}`);
  };
  // Breadth first from the frames in seq order, each node's targets in order.
  const queue: SnapshotNode[] = [...frames];
  for (let k = 0; k < queue.length; k++) {
    for (const id of queue[k]!.awaits) {
      const target = byId.get(id);
      if (target === undefined || names.has(id)) continue;
      name(target);
      queue.push(target);
    }
  }
  for (const node of nodes) name(node);
  return names;
}

/** Frames by rank, then combinators, groups and leaves, each by number. */
function order(names: ReadonlyMap<string, string>, node: SnapshotNode): number {
  const name = names.get(node.id)!;
  const kind = 'fcgl'.indexOf(name[0]!);
  return kind * 1e9 + Number(name.slice(1));
}
