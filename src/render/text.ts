/**
 * The text report: one tree per root frame, awaiter above awaitee, in the spirit of the original
 * awaitwhat. Every frame line gives the function, where it is suspended (file:line:col), what it
 * is doing there, and for how long. A node reached twice (a shared promise) is printed once and
 * referred to afterwards; runs of identical frames (deep recursion) are collapsed with a count;
 * await cycles are listed first, as deadlocks. Iterative throughout, so no graph shape can
 * exhaust the stack.
 */

import type { CombinatorNode, FrameNode, GroupNode, LeafNode, Snapshot, SnapshotNode } from '../snapshot/schema.ts';
import { formatDuration } from '../util/duration.ts';
import { assertSnapshot } from '../snapshot/validate.ts';
import { markReachable, reverseEdges } from '../snapshot/edges.ts';
import { NodeIndex } from '../snapshot/node-index.ts';

export interface TextOptions {
  /** Show only trees holding a suspension pending at least this long. @default 0 */
  minPendingMs?: number;
  /** Print durations; off gives output that does not change from run to run. @default true */
  durations?: boolean;
  /** Collapse runs of more than this many identical frames. @default 3 */
  collapseAfter?: number;
  /** Stop after this many lines, saying how many were left out. @default 5000 */
  maxLines?: number;
}

/** Frames listed per deadlock; a longer cycle is cut, its length still given. */
const MAX_CYCLE_LINES = 20;
const TEE = '├─ ';
const ELBOW = '└─ ';
const PIPE = '│  ';
const SPACE = '   ';

interface Entry {
  id: string;
  prefix: string;
  last: boolean;
  label?: string;
  depth: number;
}

export function renderText(snapshot: Snapshot, options: TextOptions = {}): string {
  assertSnapshot(snapshot, 'renderText');
  const minPending = options.minPendingMs ?? 0;
  const showDurations = options.durations ?? true;
  const collapseAfter = Math.max(2, options.collapseAfter ?? 3);
  const maxLines = options.maxLines ?? 5000;
  const byId = new NodeIndex(snapshot.nodes);
  const out: string[] = [];
  let frameCount = 0;
  for (const n of snapshot.nodes) if (n.type === 'frame') frameCount++;
  const filtering = minPending > 0;
  // Ids naming no node (a snapshot edited by hand, or cut short) are passed over.
  const known = snapshot.roots.filter((root) => byId.has(root));
  const awaits = byId.edges('awaits');
  let slowCount = 0;
  let leadsToSlow: Uint8Array | undefined;
  if (filtering) {
    const slow = new Uint8Array(snapshot.nodes.length);
    for (const n of snapshot.nodes) {
      if (n.type !== 'frame' || n.pendingMs < minPending) continue;
      const i = byId.indexOf(n.id);
      if (slow[i] === 0) slowCount++;
      slow[i] = 1;
    }
    leadsToSlow = new Uint8Array(snapshot.nodes.length);
    markReachable(reverseEdges(awaits), slowIndices(slow), leadsToSlow);
  }
  const trees = leadsToSlow !== undefined ? known.filter((root) => leadsToSlow[byId.indexOf(root)] === 1) : known;
  const cycles = snapshot.cycles.filter((cycle) => cycle.length > 0 && cycle.every((id) => byId.get(id)?.type === 'frame'));

  const title = `awaitwhat: ${plural(frameCount, 'pending async function')}`;
  out.push(filtering ? `${title}, ${plural(slowCount, 'suspension')} pending ${formatDuration(minPending)} or longer` : title);
  const dropped = droppedLine(snapshot.stats);
  if (dropped !== undefined) out.push(dropped);

  for (const cycle of cycles) {
    out.push('', `DEADLOCK: ${plural(cycle.length, 'frame')} await each other`);
    const shown = cycle.length > MAX_CYCLE_LINES ? cycle.slice(0, MAX_CYCLE_LINES - 1) : cycle;
    shown.forEach((id, i) => {
      const node = byId.get(id);
      if (node?.type === 'frame') out.push(`${i === 0 ? '   ' : ' → '}${frameLine(node, showDurations)}`);
    });
    if (shown.length < cycle.length) out.push(` → … ${cycle.length - shown.length} more`);
    const first = byId.get(cycle[0]!);
    if (first?.type === 'frame') out.push(` → ${first.function} (again)`);
  }

  // Frames only on a cycle have no root; the cycle's first frame starts their tree.
  const shown = new Uint8Array(snapshot.nodes.length);
  markReachable(awaits, trees.map((id) => byId.indexOf(id)), shown);
  for (const cycle of cycles) {
    const i = byId.indexOf(cycle[0]!);
    if (shown[i] === 0 && (leadsToSlow === undefined || leadsToSlow[i] === 1)) {
      trees.push(cycle[0]!);
      markReachable(awaits, [i], shown);
    }
  }
  const printed = new Set<string>();
  const stack: Entry[] = [];
  for (let r = trees.length - 1; r >= 0; r--) stack.push({ id: trees[r]!, prefix: '', last: true, depth: 0 });
  let truncated = 0;
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (out.length >= maxLines) {
      truncated++;
      continue;
    }
    if (entry.depth === 0) out.push('');
    if (entry.id === '') {
      out.push(`${entry.prefix}${entry.last ? ELBOW : TEE}${entry.label}`);
      continue;
    }
    const node = byId.get(entry.id);
    if (node === undefined) continue;
    const connector = entry.depth === 0 ? '' : entry.last ? ELBOW : TEE;
    const childPrefix = entry.depth === 0 ? '' : entry.prefix + (entry.last ? SPACE : PIPE);
    const label = entry.label === undefined ? '' : `${entry.label} `;
    if (printed.has(node.id)) {
      out.push(`${entry.prefix}${connector}${label}${shortName(node)} (shown above)`);
      continue;
    }
    let current: SnapshotNode = node;
    if (current.type === 'frame') {
      const run = identicalRun(current, byId, printed, collapseAfter);
      if (run.length > collapseAfter) {
        out.push(`${entry.prefix}${connector}${label}${frameLine(current, showDurations)}`);
        out.push(`${childPrefix}${ELBOW}… ${run.length - 2} more ${current.function} at the same await`);
        for (const f of run) printed.add(f.id);
        current = run[run.length - 1]!;
        const deeper = childPrefix + SPACE;
        out.push(`${deeper}${ELBOW}${frameLine(current, showDurations)}`);
        pushChildren(current, deeper + SPACE, entry.depth + 2, stack, byId);
        continue;
      }
    }
    out.push(`${entry.prefix}${connector}${label}${describe(current, showDurations)}`);
    printed.add(current.id);
    pushChildren(current, childPrefix, entry.depth + 1, stack, byId);
  }
  if (truncated > 0) out.push('', `… output cut at ${maxLines} lines`);
  const hidden = filtering ? frameCount - countFrames(snapshot.nodes, shown) : 0;
  if (hidden > 0) out.push('', `(${plural(hidden, 'other pending async function')}, each pending less than ${formatDuration(minPending)}, not shown)`);
  return `${out.join('\n')}\n`;
}

function pushChildren(node: SnapshotNode, prefix: string, depth: number, stack: Entry[], byId: NodeIndex): void {
  const children: Entry[] = [];
  if (node.type === 'combinator') {
    node.members.forEach((m, i) => {
      const last = i === node.members.length - 1;
      if (m.node !== null) children.push({ id: m.node, prefix, last, label: `[${m.index}]`, depth });
      else children.push({ id: '', prefix, last, label: `[${m.index}] ${m.text === '' ? '' : `${m.text}  `}${m.state === 'value' ? 'not a promise' : m.state}`, depth });
    });
  } else {
    node.awaits.forEach((id, i) => {
      if (byId.has(id)) children.push({ id, prefix, last: i === node.awaits.length - 1, depth });
    });
  }
  for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
}

/** A frame and the chain of frames below it with the same function and suspension point. */
function identicalRun(first: FrameNode, byId: NodeIndex, printed: ReadonlySet<string>, collapseAfter: number): FrameNode[] {
  const run = [first];
  const inRun = new Set<FrameNode>(run);
  let current = first;
  for (;;) {
    if (current.awaits.length !== 1) break;
    const next = byId.get(current.awaits[0]!);
    if (next?.type !== 'frame' || printed.has(next.id) || inRun.has(next) || !sameSuspension(first, next)) break;
    run.push(next);
    inRun.add(next);
    current = next;
  }
  return run.length > collapseAfter ? run : [first];
}

function sameSuspension(a: FrameNode, b: FrameNode): boolean {
  const sa = a.suspendedAt;
  const sb = b.suspendedAt;
  return a.function === b.function && a.location.file === b.location.file && a.location.line === b.location.line && sa?.line === sb?.line && sa?.column === sb?.column && sa?.file === sb?.file;
}

function describe(node: SnapshotNode, showDurations: boolean): string {
  switch (node.type) {
    case 'frame':
      return frameLine(node, showDurations);
    case 'combinator':
      return combinatorLine(node);
    case 'group':
      return groupLine(node);
    case 'leaf':
      return leafLine(node);
  }
}

export function frameLine(f: FrameNode, showDurations: boolean): string {
  const where = f.suspendedAt ?? f.location;
  const what = f.suspendedAt === null ? `(${f.state})` : f.state === 'yielded' ? `${f.suspendedAt.text} (yielded, waiting for its consumer)` : f.suspendedAt.text;
  const duration = showDurations ? `  ${formatDuration(f.pendingMs)}` : '';
  const kind = f.kind === 'generator' ? ' (async generator)' : '';
  // Text omitted (omitText): no gap where it would have been.
  const text = what === '' ? '' : `  ${what}`;
  return `${f.function}${kind}  ${where.file}:${where.line}:${where.column}${text}${duration}`;
}

function combinatorLine(c: CombinatorNode): string {
  if (!c.membersKnown) return `Promise.${c.combinator}: members unknown (not an array or set)`;
  return `Promise.${c.combinator}: ${c.pending} of ${c.total} pending`;
}

function groupLine(g: GroupNode): string {
  return `${g.text}: ${plural(g.awaits.length, 'call')} into instrumented code still pending`;
}

function leafLine(l: LeafNode): string {
  const kinds: Record<LeafNode['valueKind'], string> = {
    promise: 'a promise no instrumented code created',
    thenable: 'a thenable',
    'async-iterable': 'an async iterator',
    value: 'a plain value',
    disposal: 'disposal of its resources',
  };
  return `${l.text === '' ? '<text omitted>' : l.text}  — ${kinds[l.valueKind]}`;
}

function shortName(node: SnapshotNode): string {
  switch (node.type) {
    case 'frame': {
      const at = node.suspendedAt ?? node.location;
      return `${node.function}  ${at.file}:${at.line}:${at.column}`;
    }
    case 'combinator':
      return `Promise.${node.combinator}`;
    case 'group':
    case 'leaf':
      return node.text;
  }
}

function* slowIndices(slow: Uint8Array): Generator<number> {
  for (let i = 0; i < slow.length; i++) if (slow[i] === 1) yield i;
}

function countFrames(nodes: readonly SnapshotNode[], marked: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < nodes.length; i++) if (marked[i] === 1 && nodes[i]!.type === 'frame') count++;
  return count;
}

/** What the report cannot show: frames dropped since the start, and frames left out of this snapshot. */
function droppedLine(stats: Snapshot['stats'] | undefined): string | undefined {
  if (stats === undefined) return undefined;
  const parts: string[] = [];
  if (stats.collected > 0) parts.push(`${plural(stats.collected, 'pending frame')} reclaimed by the garbage collector (nothing could resume them)`);
  if (stats.evicted > 0) parts.push(`${plural(stats.evicted, 'frame')} evicted over the limit of pending frames`);
  if (stats.omitted > 0) parts.push(`${plural(stats.omitted, 'frame')} left out of this snapshot`);
  return parts.length === 0 ? undefined : `awaitwhat: not shown: ${parts.join('; ')}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
