/**
 * What must hold in every snapshot, checked in one linear pass: for tests (and anyone reading
 * snapshots from elsewhere) that want to know a graph is consistent before comparing it.
 */

import { NodeIndex } from './node-index.ts';
import { MAX_LISTED_MEMBERS, type CombinatorNode, type MemberState, type Snapshot, type SnapshotNode } from './schema.ts';

const STATES: readonly MemberState[] = ['pending', 'fulfilled', 'rejected', 'value', 'unknown'];

/** Every inconsistency found, as a sentence naming the node; empty when the snapshot is consistent. */
export function graphProblems(snapshot: Snapshot): string[] {
  const problems: string[] = [];
  const nodes = snapshot.nodes;
  const byId = new NodeIndex(nodes);
  const seen = new Set<string>();
  let frames = 0;
  let lastSeq = -Infinity;
  let othersBegun = false;
  // Every edge once from each side: `awaits` and `awaitedBy` must describe the same set.
  const edges = new Set<string>();
  let incoming = 0;
  for (const node of nodes) for (const id of node.awaits) edges.add(`${node.id}\u0000${id}`);
  for (const node of nodes) {
    if (seen.has(node.id)) problems.push(`${node.id}: id used twice`);
    seen.add(node.id);
    for (const field of ['awaits', 'awaitedBy'] as const) {
      if (new Set(node[field]).size !== node[field].length) problems.push(`${node.id}: ${field} lists a node twice`);
      for (const id of node[field]) if (!byId.has(id)) problems.push(`${node.id}: ${field} names ${id}, which is no node`);
    }
    for (const id of node.awaitedBy) {
      incoming++;
      if (!edges.has(`${id}\u0000${node.id}`)) problems.push(`${node.id} is awaited by ${id}, which does not list it in awaits`);
    }
    if (node.type === 'frame') {
      frames++;
      if (othersBegun) problems.push(`${node.id}: a frame after other nodes`);
      if (node.id !== `f${node.seq}`) problems.push(`${node.id}: id does not match seq ${node.seq}`);
      if (!(node.seq > lastSeq)) problems.push(`${node.id}: seq ${node.seq} not after the previous frame's ${lastSeq}`);
      lastSeq = node.seq;
      if (node.pendingMs !== null && (!Number.isInteger(node.pendingMs) || node.pendingMs < 0)) problems.push(`${node.id}: pendingMs ${node.pendingMs} is not a whole number of milliseconds >= 0`);
      if (node.awaits.length > 1) problems.push(`${node.id}: a frame awaits ${node.awaits.length} nodes`);
    } else othersBegun = true;
    if (node.type === 'combinator') problems.push(...combinatorProblems(node, byId));
    if (node.type === 'group') {
      for (const id of node.awaits) if (byId.get(id)?.type !== 'frame') problems.push(`${node.id}: a group awaits ${id}, which is not a frame`);
      if (node.calls < node.awaits.length) problems.push(`${node.id}: ${node.awaits.length} pending calls out of ${node.calls}`);
    }
    if (node.type === 'leaf' && node.awaits.length > 0) problems.push(`${node.id}: a leaf awaits something`);
  }
  if (incoming !== edges.size) problems.push(`${edges.size} edges in awaits but ${incoming} in awaitedBy`);
  if (snapshot.stats.frames !== frames) problems.push(`stats.frames is ${snapshot.stats.frames}, but there are ${frames} frames`);
  const roots = nodes.filter((n) => n.type === 'frame' && n.awaitedBy.length === 0).map((n) => n.id);
  if (roots.join() !== snapshot.roots.join()) problems.push(`roots are ${snapshot.roots.join(' ')}, expected the frames nothing awaits: ${roots.join(' ')}`);
  for (const cycle of snapshot.cycles) problems.push(...cycleProblems(cycle, byId));
  return problems;
}

function combinatorProblems(c: CombinatorNode, byId: NodeIndex): string[] {
  const problems: string[] = [];
  const total = STATES.reduce((sum, state) => sum + c.states[state], 0);
  if (c.membersKnown && total !== c.total) problems.push(`${c.id}: states add up to ${total}, not total ${c.total}`);
  if (c.pending !== c.states.pending) problems.push(`${c.id}: pending ${c.pending} but states.pending ${c.states.pending}`);
  if (c.members.length !== Math.min(c.total, MAX_LISTED_MEMBERS)) problems.push(`${c.id}: lists ${c.members.length} of ${c.total} members`);
  const listed = new Set<string>();
  const awaited = new Set(c.awaits);
  c.members.forEach((m, i) => {
    if (m.index !== i) problems.push(`${c.id}: member ${i} has index ${m.index}`);
    if (m.node !== null) {
      listed.add(m.node);
      if (!awaited.has(m.node)) problems.push(`${c.id}: member ${i}'s node ${m.node} is not in awaits`);
    }
    if (m.state === 'pending' && m.node === null) problems.push(`${c.id}: member ${i} is pending but has no node`);
  });
  // Beyond the listed members, only frames are linked (so that none of them is a root).
  for (const id of c.awaits) if (!listed.has(id) && byId.get(id)?.type !== 'frame') problems.push(`${c.id}: awaits ${id}, which is neither a listed member's node nor a frame`);
  return problems;
}

/** Each frame of a cycle reaches the next (through combinators and groups, not other frames); the oldest comes first. */
function cycleProblems(cycle: readonly string[], byId: NodeIndex): string[] {
  const problems: string[] = [];
  const frames = cycle.map((id) => byId.get(id));
  if (frames.some((f) => f?.type !== 'frame')) return [`cycle ${cycle.join(' ')}: names something that is not a frame`];
  const seqs = frames.map((f) => (f as Extract<SnapshotNode, { type: 'frame' }>).seq);
  if (Math.min(...seqs) !== seqs[0]) problems.push(`cycle ${cycle.join(' ')}: does not start with its oldest frame`);
  for (let i = 0; i < cycle.length; i++) {
    const to = cycle[(i + 1) % cycle.length]!;
    if (!reachesThroughNonFrames(cycle[i]!, to, byId)) problems.push(`cycle ${cycle.join(' ')}: ${cycle[i]} does not await ${to}`);
  }
  return problems;
}

function reachesThroughNonFrames(from: string, to: string, byId: NodeIndex): boolean {
  // `from` is a frame: cycleProblems returns before this when a cycle names anything else.
  const stack = [...byId.get(from)!.awaits];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    const node = byId.get(id);
    if (seen.has(id) || node === undefined || node.type === 'frame') continue;
    seen.add(id);
    stack.push(...node.awaits);
  }
  return false;
}
