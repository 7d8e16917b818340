/**
 * One tree of the text report, awaiter above awaitee. Iterative (no graph shape can exhaust the
 * stack) and linear in the lines it prints: a node reached twice is printed once and referred to
 * afterwards, deep recursion is collapsed (see runs.ts), combinators list a bounded number of
 * members and count the rest, and indentation never exceeds `MAX_LEVELS` levels — a deeper
 * subtree continues at the left margin, so that no line grows with the depth of the tree.
 */

import { append, listJoin, mathMin, newList, popList, type List } from '../runtime/intrinsics.ts';
import type { CombinatorMember, CombinatorNode, FrameNode, MemberState, SnapshotNode } from '../snapshot/schema.ts';
import { describeNode, frameLine, MEMBER_STATES, plural, shortName, stateCounts } from './labels.ts';
import { NodeInts } from './node-marks.ts';
import type { ReportGraph } from './report-graph.ts';
import { RunFinder, type Run } from './runs.ts';

/** Indentation levels (three columns each) before a subtree continues at the left margin. */
const MAX_LEVELS = 24;
const TEE = '├─ ';
const ELBOW = '└─ ';
const PIPE = '│  ';
const SPACE = '   ';

interface TreeOptions {
  showDurations: boolean;
  /** Collapse patterns repeated more than this many times (at least 2). */
  collapseAfter: number;
  /** Members listed per combinator. */
  maxMembers: number;
}

/** Where a line goes: the indentation before its connector, in levels too. */
interface Indent {
  prefix: string;
  level: number;
}

interface Entry {
  /** Node position, or -1 for a line of text (a member that is not a node, a count of the rest). */
  node: number;
  text: string;
  /** Null for a tree's first line, which has no connector. */
  indent: Indent | null;
  last: boolean;
  /** `[3] ` for a combinator member; else empty. */
  label: string;
  depth: number;
}

export class TreePrinter {
  readonly #nodes: readonly SnapshotNode[];
  readonly #graph: ReportGraph;
  readonly #options: TreeOptions;
  readonly #runs: RunFinder;
  /** Nodes printed in full so far, in this report. */
  readonly printed: NodeInts;
  /** Lists reused for every tree and every node printed (a new List costs a `setPrototypeOf`). */
  readonly #stack = newList<Entry>();
  readonly #children = newList<Entry>();

  constructor(graph: ReportGraph, options: TreeOptions) {
    this.#nodes = graph.nodes;
    this.#graph = graph;
    this.#options = options;
    this.#runs = new RunFinder(graph, options.collapseAfter);
    this.printed = new NodeInts(graph.nodes.length);
  }

  /** Prints the tree under `root` into `out`, which is left with at most `limit` lines; false when cut short. */
  print(root: number, out: List<string>, limit: number): boolean {
    // A List, indexed loops and captured functions: the report runs inside the program (see text.ts).
    const stack = this.#stack;
    stack.length = 0;
    // Stryker disable next-line BooleanLiteral: equivalent: a tree's first entry has no indent, so its `last` is never read
    append(stack, { node: root, text: '', indent: null, last: true, label: '', depth: 0 });
    while (stack.length > 0) {
      // One entry may print a few lines (a collapsed run); what passes the limit is taken back.
      if (out.length >= limit) {
        out.length = limit;
        return false;
      }
      const entry = popList(stack);
      const lead = entry.indent === null ? entry.label : `${entry.indent.prefix}${entry.last ? ELBOW : TEE}${entry.label}`;
      if (entry.node < 0) {
        append(out, lead + entry.text);
        continue;
      }
      this.#graph.check(entry.node);
      const node = this.#nodes[entry.node]!;
      if (this.printed.get(entry.node) === 1) {
        append(out, `${lead}${shortName(node)} (shown above)`);
        continue;
      }
      let indent = childIndent(entry);
      let depth = entry.depth;
      let current = entry.node;
      const run = node.type === 'frame' ? this.#runs.find(entry.node, this.printed) : undefined;
      if (run === undefined) {
        append(out, lead + describeNode(node, this.#options.showDurations));
        this.printed.set(current, 1);
      } else {
        ({ indent, depth, last: current } = this.#printRun(run, lead, indent, depth, out));
      }
      this.#pushChildren(current, indent, depth + 1, stack, out);
    }
    if (out.length <= limit) return true;
    out.length = limit;
    return false;
  }

  /** A run as its first repetition, a count, and its last repetition, each frame one level below the one before. */
  #printRun(run: Run, lead: string, indent: Indent, depth: number, out: List<string>): { indent: Indent; depth: number; last: number } {
    const { frames, period, repeats } = run;
    const nodes = this.#nodes;
    const showDurations = this.#options.showDurations;
    for (let k = 0; k < frames.length; k++) this.printed.set(frames[k]!, 1);
    append(out, lead + frameLine(nodes[frames[0]!] as FrameNode, showDurations));
    const line = (text: string): void => {
      depth++;
      indent = this.#atMargin(indent, depth, out);
      append(out, `${indent.prefix}${ELBOW}${text}`);
      indent = { prefix: indent.prefix + SPACE, level: indent.level + 1 };
    };
    for (let j = 1; j < period; j++) line(frameLine(nodes[frames[j]!] as FrameNode, showDurations));
    const first = nodes[frames[0]!] as FrameNode;
    const hidden = repeats - 2;
    if (period === 1) line(`… ${hidden} more ${first.function} at the same await`);
    else {
      const names = newList<string>(period);
      for (let j = 0; j < period; j++) names[j] = (nodes[frames[j]!] as FrameNode).function;
      const pattern = listJoin(names, ' → ');
      line(`… ${hidden} more repetitions of ${pattern} (${hidden * period} frames)`);
    }
    for (let j = (repeats - 1) * period; j < frames.length; j++) line(frameLine(nodes[frames[j]!] as FrameNode, showDurations));
    // `line` left the indent one level below the last frame printed: where its children go.
    return { indent, depth, last: frames[frames.length - 1]! };
  }

  #pushChildren(i: number, indent: Indent, depth: number, stack: List<Entry>, out: List<string>): void {
    const node = this.#nodes[i]!;
    const children = this.#children;
    children.length = 0;
    if (node.type === 'combinator') this.#memberEntries(i, node, children, depth);
    else {
      const { start, to } = this.#graph.awaits;
      for (let k = start[i]!; k < start[i + 1]!; k++) append(children, { node: to[k]!, text: '', indent: null, last: false, label: '', depth });
    }
    if (children.length === 0) return;
    const at = this.#atMargin(indent, depth, out);
    children[children.length - 1]!.last = true;
    for (let k = children.length - 1; k >= 0; k--) {
      children[k]!.indent = at;
      append(stack, children[k]!);
    }
  }

  /** The first `maxMembers` members, then one line counting the others by state. */
  #memberEntries(i: number, c: CombinatorNode, children: List<Entry>, depth: number): void {
    const listed = c.members;
    const shown = mathMin(listed.length, this.#options.maxMembers);
    const shownStates: Record<MemberState, number> = { pending: 0, fulfilled: 0, rejected: 0, value: 0, unknown: 0 };
    for (let k = 0; k < shown; k++) {
      const m = listed[k]!;
      shownStates[m.state]++;
      const node = m.node === null ? -1 : this.#graph.memberNode(i, m.node, shown);
      append(children, { node, text: node < 0 ? memberText(m) : '', indent: null, last: false, label: `[${m.index}] `, depth });
    }
    const rest = (c.membersKnown ? c.total : listed.length) - shown;
    if (rest <= 0) return;
    let counts = '';
    if (c.states !== undefined) {
      const others = { ...c.states };
      for (let k = 0; k < MEMBER_STATES.length; k++) others[MEMBER_STATES[k]!] -= shownStates[MEMBER_STATES[k]!];
      counts = `: ${stateCounts(others)}`;
    }
    // Stryker disable next-line BooleanLiteral: equivalent: this count is always the last child, whose `last` #pushChildren sets
    append(children, { node: -1, text: `… ${plural(rest, 'more member')}${counts}`, indent: null, last: false, label: '', depth });
  }

  /** The indent for lines at `depth`: as given, or back at the left margin (saying so) once it is `MAX_LEVELS` deep. */
  #atMargin(indent: Indent, depth: number, out: List<string>): Indent {
    if (indent.level < MAX_LEVELS) return indent;
    append(out, `${indent.prefix}↓ depth ${depth} and below continue at the left margin`);
    return { prefix: '', level: 0 };
  }
}

function childIndent(entry: Entry): Indent {
  if (entry.indent === null) return { prefix: '', level: 0 };
  return { prefix: entry.indent.prefix + (entry.last ? SPACE : PIPE), level: entry.indent.level + 1 };
}

/** A member with no node of its own: its text and state. */
function memberText(m: CombinatorMember): string {
  const state = m.state === 'value' ? 'not a promise' : m.state === 'unknown' ? 'state unknown' : m.state;
  return m.text === '' ? state : `${m.text}  ${state}`;
}
