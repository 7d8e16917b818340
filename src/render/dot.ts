/**
 * Graphviz, as the original awaitwhat drew it: an edge from each awaiter to what it awaits.
 * Frames are boxes, combinators diamonds, leaves ellipses; cycle edges are red.
 */

import type { Snapshot, SnapshotNode } from '../snapshot/schema.ts';
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
  const cycleEdges = new Set<string>();
  for (const cycle of snapshot.cycles) cycle.forEach((id, i) => cycleEdges.add(`${id}->${cycle[(i + 1) % cycle.length]}`));
  const lines = ['digraph awaitwhat {', '  rankdir=TB;', '  node [fontname="monospace", fontsize=10];'];
  for (const node of snapshot.nodes) lines.push(`  ${quote(node.id)} [${attributes(node, showDurations)}];`);
  for (const node of snapshot.nodes) {
    for (const to of node.awaits) {
      const red = cycleEdges.has(`${node.id}->${to}`) ? ' [color=red, penwidth=2]' : '';
      lines.push(`  ${quote(node.id)} -> ${quote(to)}${red};`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function attributes(node: SnapshotNode, showDurations: boolean): string {
  switch (node.type) {
    case 'frame': {
      const at = node.suspendedAt ?? node.location;
      const parts = [node.function, `${at.file}:${at.line}:${at.column}`];
      if (node.suspendedAt !== null && node.suspendedAt.text !== '') parts.push(node.suspendedAt.text);
      if (showDurations && node.pendingMs !== null) parts.push(formatDuration(node.pendingMs));
      return `shape=box, label=${quote(parts.join('\n'))}`;
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

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
