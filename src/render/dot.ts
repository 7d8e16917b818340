/**
 * Graphviz, as the original awaitwhat drew it: an edge from each awaiter to what it awaits.
 * Frames are boxes, combinators diamonds, leaves ellipses; cycle edges are red.
 *
 * Rendered inside the program (`--format dot`): only captured built-ins, indexed loops (see text.ts).
 */

import type { Snapshot, SnapshotNode } from '../snapshot/schema.ts';
import { append, listJoin, newList, SafeMap, stringCharCodeAt, stringSlice } from '../runtime/intrinsics.ts';
import { formatDuration } from '../util/duration.ts';
import { assertSnapshot } from '../snapshot/validate.ts';
import { combinatorState, groupState, holderText, textOf } from './labels.ts';

export interface DotOptions {
  /** Print durations in labels. @default true */
  durations?: boolean;
}

export function renderDot(snapshot: Snapshot, options: DotOptions = {}): string {
  assertSnapshot(snapshot, 'renderDot');
  const showDurations = options.durations ?? true;
  const cycleEdges = new SafeMap<string, true>();
  const cycles = snapshot.cycles;
  for (let c = 0; c < cycles.length; c++) {
    const cycle = cycles[c]!;
    // Stryker disable next-line BooleanLiteral: equivalent: the map is only asked `has`, never for the value
    for (let i = 0; i < cycle.length; i++) cycleEdges.set(`${cycle[i]}->${cycle[(i + 1) % cycle.length]}`, true);
  }
  const lines = newList<string>();
  append(lines, 'digraph awaitwhat {');
  append(lines, '  rankdir=TB;');
  append(lines, '  node [fontname="monospace", fontsize=10];');
  const nodes = snapshot.nodes;
  for (let i = 0; i < nodes.length; i++) append(lines, `  ${quote(nodes[i]!.id)} [${attributes(nodes[i]!, showDurations)}];`);
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const awaits = node.awaits;
    for (let k = 0; k < awaits.length; k++) {
      const to = awaits[k]!;
      const red = cycleEdges.has(`${node.id}->${to}`) ? ' [color=red, penwidth=2]' : '';
      append(lines, `  ${quote(node.id)} -> ${quote(to)}${red};`);
    }
  }
  append(lines, '}');
  return `${listJoin(lines, '\n')}\n`;
}

function attributes(node: SnapshotNode, showDurations: boolean): string {
  switch (node.type) {
    case 'frame': {
      const at = node.suspendedAt ?? node.location;
      let label = `${node.function}\n${at.file}:${at.line}:${at.column}`;
      if (node.suspendedAt !== null && node.suspendedAt.text !== '') label += `\n${node.suspendedAt.text}`;
      if (showDurations && node.pendingMs !== null) label += `\n${formatDuration(node.pendingMs)}`;
      return `shape=box, label=${quote(label)}`;
    }
    case 'combinator':
      return `shape=diamond, label=${quote(`Promise.${node.combinator}\n${combinatorState(node)}`)}`;
    case 'group':
      return `shape=box, style=dashed, label=${quote(`${textOf(node)}\n${groupState(node)}`)}`;
    case 'leaf': {
      // Holders (when analysed) on a line of their own; a leaf nothing can settle is drawn red.
      const holder = holderText(node);
      const never = node.holder?.state === 'never' ? ', color=red, fontcolor=red' : '';
      return `shape=ellipse${never}, label=${quote(`${textOf(node)}\n(${node.valueKind})${holder === '' ? '' : `\n${holder}`}`)}`;
    }
  }
}

/** `text` in double quotes, with `\\`, `"` and newlines escaped: a loop over its characters, not `replace` (whose RegExp methods the program can replace). */
function quote(text: string): string {
  let quoted = '"';
  let from = 0;
  for (let k = 0; k < text.length; k++) {
    const c = stringCharCodeAt(text, k);
    if (c !== BACKSLASH && c !== QUOTE && c !== NEWLINE) continue;
    quoted += `${stringSlice(text, from, k)}${c === NEWLINE ? '\\n' : c === QUOTE ? '\\"' : '\\\\'}`;
    from = k + 1;
  }
  return `${quoted}${stringSlice(text, from)}"`;
}
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
