/**
 * How each kind of node reads in a report, shared by the text and DOT renderers. No label is ever
 * empty: where source text was omitted (`--omit-text`), `<text omitted>` stands in for it.
 */

import type { CombinatorNode, FrameNode, GroupNode, LeafNode, MemberState, SnapshotNode } from '../snapshot/schema.ts';
import { append, listJoin, newList } from '../runtime/intrinsics.ts';
import { formatDuration } from '../util/duration.ts';

const TEXT_OMITTED = '<text omitted>';

const LEAF_KINDS: Record<LeafNode['valueKind'], string> = {
  promise: 'a promise no instrumented code created',
  thenable: 'a thenable (its state cannot be read)',
  'async-iterable': 'an async iterator',
  value: 'a plain value',
  disposal: 'disposal of its resources',
};

/** `fn  file:line:col  await x()  1.5s`: a pending frame, where it is suspended, on what, for how long. */
export function frameLine(f: FrameNode, showDurations: boolean): string {
  const where = f.suspendedAt ?? f.location;
  const what = f.suspendedAt === null ? `(${f.state})` : f.state === 'yielded' ? `${f.suspendedAt.text} (yielded, waiting for its consumer)` : f.suspendedAt.text;
  const duration = showDurations && f.pendingMs !== null ? `  ${formatDuration(f.pendingMs)}` : '';
  const kind = f.kind === 'generator' ? ' (async generator)' : '';
  // Text omitted (omitText): no gap where it would have been.
  const text = what === '' ? '' : `  ${what}`;
  return `${f.function}${kind}  ${where.file}:${where.line}:${where.column}${text}${duration}`;
}

/** `Promise.all: 1 of 2 pending`. */
function combinatorLine(c: CombinatorNode): string {
  return `Promise.${c.combinator}: ${combinatorState(c)}`;
}

/** `1 of 2 pending`, and how many members' states cannot be read (thenables). */
export function combinatorState(c: CombinatorNode): string {
  if (!c.membersKnown) return 'members unknown (not an array or set)';
  const unknown = c.states?.unknown ?? 0;
  return `${c.pending} of ${c.total} pending${unknown > 0 ? `, ${unknown} of unknown state` : ''}`;
}

/** `pMap(ids, load): 2 of 3 calls into instrumented code still pending`. */
function groupLine(g: GroupNode): string {
  return `${textOf(g)}: ${groupState(g)}`;
}

export function groupState(g: GroupNode): string {
  const pending = g.awaits.length;
  // `calls` is absent from snapshots made before it existed.
  const calls = typeof g.calls === 'number' ? `${pending} of ${plural(g.calls, 'call')}` : plural(pending, 'call');
  return `${calls} into instrumented code still pending`;
}

export function leafLine(l: LeafNode): string {
  const holder = holderText(l);
  return `${textOf(l)}  — ${leafKind(l)}${holder === '' ? '' : `; ${holder}`}`;
}

/** `a new Promise at src/db.mjs:12` for a promise instrumented code created, else what kind of value it is. */
function leafKind(l: LeafNode): string {
  const at = l.createdAt;
  if (l.valueKind === 'promise' && at !== undefined) return `a new Promise at ${at.file}:${at.line}`;
  return LEAF_KINDS[l.valueKind] ?? l.valueKind;
}

/** `held by Timeout._onTimeout (timer 3600s, 3599s left)`, `settled by native code (FSReqPromise)`, the never sentence; '' without holders. */
export function holderText(l: LeafNode): string {
  const h = l.holder;
  if (h === undefined || h === null || typeof h !== 'object') return '';
  switch (h.state) {
    case 'held':
      return `held by ${h.text}`;
    case 'native':
      return `settled by ${h.text}`;
    case 'never':
      return `NEVER SETTLES: ${h.text}`;
    default:
      return `holder ${h.text}`;
  }
}

/** The full line for a node. */
export function describeNode(node: SnapshotNode, showDurations: boolean): string {
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

/** A node named again after its full line was printed: enough to find that line. */
export function shortName(node: SnapshotNode): string {
  switch (node.type) {
    case 'frame': {
      const at = node.suspendedAt ?? node.location;
      return `${node.function}  ${at.file}:${at.line}:${at.column}`;
    }
    case 'combinator':
      return `Promise.${node.combinator}`;
    case 'group':
    case 'leaf':
      return textOf(node);
  }
}

/** A leaf's or group's source text, or the stand-in when it was omitted. */
export function textOf(node: LeafNode | GroupNode): string {
  return node.text === '' ? TEXT_OMITTED : node.text;
}

/** `12 pending, 3 fulfilled`: counts in a fixed order, zeros left out. */
export function stateCounts(counts: Readonly<Record<MemberState, number>>): string {
  const parts = newList<string>();
  for (let k = 0; k < MEMBER_STATES.length; k++) {
    const state = MEMBER_STATES[k]!;
    if (counts[state] > 0) append(parts, `${counts[state]} ${state === 'value' ? 'not a promise' : state === 'unknown' ? 'of unknown state' : state}`);
  }
  return listJoin(parts, ', ');
}

export const MEMBER_STATES: readonly MemberState[] = ['pending', 'fulfilled', 'rejected', 'value', 'unknown'];

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
