/**
 * The text report: one tree per root frame, awaiter above awaitee, in the spirit of the original
 * awaitwhat. Every frame line gives the function, where it is suspended (file:line:col), what it
 * is doing there, and for how long. Await cycles are listed first, as deadlocks.
 *
 * With a threshold (`minPendingMs`), the trees holding a suspension pending that long are shown in
 * full and every other tree in one line (text-brief.ts): a chain that has not crossed the
 * threshold yet may be what the stuck one waits for, so none is left out. Within `maxLines`, room
 * is kept for one line per tree not shown in full; what still does not fit is counted at the end.
 *
 * Cost: on a snapshot() result, what it prints plus what decides what to print (report-graph.ts
 * says exactly what that is); on any other snapshot, an index of every id first.
 *
 * A report runs inside the program, which may have replaced built-ins after awaitwhat loaded: the
 * renderer calls only what runtime/intrinsics.ts captured (lines go into a `List`, joined by the
 * original `join`; loops are indexed, never an array's iterator).
 */

import { append, Int32ArrayConstructor, listJoin, mathFloor, mathMax, mathMin, newList, type List, Uint8ArrayConstructor } from '../runtime/intrinsics.ts';
import type { FrameNode, Snapshot, SnapshotNode } from '../snapshot/schema.ts';
import { assertSnapshot } from '../snapshot/validate.ts';
import { formatDuration } from '../util/duration.ts';
import { frameLine, plural } from './labels.ts';
import { BriefLines } from './text-brief.ts';
import { rebuiltGraph, reportGraph, STALE, type ReportGraph, type TreeList } from './report-graph.ts';
import { TreePrinter } from './text-tree.ts';

export interface TextOptions {
  /** Show in full only the trees holding a suspension pending at least this long; every other tree gets one line. @default 0 */
  minPendingMs?: number;
  /** Print durations; off gives output that does not change from run to run. @default true */
  durations?: boolean;
  /** Collapse deep recursion (one function, or a pattern of up to 8 frames) repeated more than this many times. @default 3 */
  collapseAfter?: number;
  /** Print at most this many lines, saying what was left out. @default 5000 */
  maxLines?: number;
  /** Members listed per combinator; the others are counted by state. @default 100 */
  maxMembers?: number;
}

/** Frames listed per deadlock; a longer cycle is cut, its length still given. */
const MAX_CYCLE_LINES = 20;

export function renderText(snapshot: Snapshot, options: TextOptions = {}): string {
  assertSnapshot(snapshot, 'renderText');
  try {
    return report(snapshot, options, reportGraph(snapshot));
  } catch (error) {
    // The snapshot was edited in place since snapshot() made it: its ids are what counts.
    if (error === STALE) return report(snapshot, options, rebuiltGraph(snapshot));
    throw error;
  }
}

function report(snapshot: Snapshot, options: TextOptions, graph: ReportGraph): string {
  const minPending = options.minPendingMs ?? 0;
  const showDurations = options.durations ?? true;
  const maxLines = mathMax(1, options.maxLines ?? 5000);
  const nodes = snapshot.nodes;
  const filtering = minPending > 0;
  const out = newList<string>();

  const slow = filtering ? graph.slowFrames(minPending) : NO_FRAMES;
  const title = `awaitwhat: ${plural(graph.frameCount, 'pending async function')}`;
  append(out, filtering ? `${title}, ${plural(slow.length, 'suspension')} pending ${formatDuration(minPending)} or longer` : title);
  const dropped = droppedLine(snapshot.stats);
  if (dropped !== undefined) append(out, dropped);
  const sources = sourceLines(snapshot);
  for (let k = 0; k < sources.length; k++) append(out, sources[k]!);
  const holders = holdersLine(snapshot, showDurations);
  if (holders !== undefined) append(out, holders);

  const cycles = graph.cycles();
  printCycles(cycles, nodes, showDurations, out, mathFloor(maxLines / 2));

  const starts = graph.treeStarts(cycles);
  let full: TreeList = starts;
  let brief: TreeList = NO_TREES;
  if (filtering && slow.length === 0) {
    full = NO_TREES;
    brief = { length: starts.length, at: (k) => k };
  } else if (filtering) {
    // Which trees hold a slow frame: the awaiters above each, and each tree's first frame.
    const leadsToSlow = new Uint8ArrayConstructor(nodes.length);
    graph.markAwaiting(slow, leadsToSlow);
    const fullList = newList<number>();
    const briefList = newList<number>();
    for (let k = 0; k < starts.length; k++) {
      const i = starts.at(k);
      append(leadsToSlow[i] === 1 ? fullList : briefList, k);
    }
    full = { length: fullList.length, at: (k) => fullList[k]! };
    brief = { length: briefList.length, at: (k) => briefList[k]! };
  } else {
    full = { length: starts.length, at: (k) => k };
  }
  // `full` and `brief` hold positions in `starts`, so that each start can be checked as it is printed.
  const startAt = (k: number): number => {
    graph.checkStart(k);
    return starts.at(k);
  };

  const printer = new TreePrinter(graph, {
    showDurations,
    collapseAfter: mathMax(2, options.collapseAfter ?? 3),
    maxMembers: mathMax(1, options.maxMembers ?? 100),
  });
  // Two lines stay free for the notice that output was cut.
  const limit = maxLines - 2;
  const half = mathMax(0, mathFloor((limit - out.length) / 2));
  let cutShort = false;
  let fullShown = 0;
  for (; fullShown < full.length; fullShown++) {
    // Room for a line each for the trees after this one, and for the headers of their sections.
    const after = full.length - fullShown - 1;
    const headers = 2 * (Number(after > 0) + Number(brief.length > 0));
    const reserve = mathMin(after + brief.length + headers, half);
    if (out.length + 1 >= limit - reserve) break;
    append(out, '');
    if (!printer.print(startAt(full.at(fullShown)), out, limit - reserve)) {
      cutShort = true;
      fullShown++;
      break;
    }
  }

  let lines: BriefLines | undefined;
  let notShown = 0;
  const section = (trees: TreeList, from: number, header: string): void => {
    const count = trees.length - from;
    if (count <= 0) return;
    // A header is worth printing only with at least one line under it.
    if (out.length + 3 > limit) {
      notShown += count;
      return;
    }
    append(out, '');
    append(out, header);
    lines ??= new BriefLines(graph, showDurations);
    for (let k = from; k < trees.length; k++) {
      if (out.length >= limit) {
        notShown += trees.length - k;
        return;
      }
      append(out, lines.line(startAt(trees.at(k))));
    }
  };
  const rest = full.length - fullShown;
  const threshold = formatDuration(minPending);
  section(full, fullShown, filtering ? `${plural(rest, 'more tree')} with a suspension pending ${threshold} or longer, one line each (no room to show them in full):` : `${plural(rest, 'more tree')}, one line each (no room to show them in full):`);
  section(brief, 0, `${plural(brief.length, 'other pending tree')}, each pending less than ${threshold}, one line each (first frame → innermost await → what it waits for):`);
  if (cutShort || notShown > 0) {
    append(out, '');
    append(out, `… output cut at ${maxLines} lines${notShown > 0 ? `; ${plural(notShown, 'more tree')} not shown` : ''}`);
  }
  return `${listJoin(out, '\n')}\n`;
}

const NO_FRAMES: ArrayLike<number> = new Int32ArrayConstructor(0);
// Stryker disable next-line UnaryOperator,ArrowFunction: equivalent: never called, its length is 0
const NO_TREES: TreeList = { length: 0, at: () => -1 };

/** Deadlocks first, each as its frames in await order, within `limit` lines in all. */
function printCycles(cycles: List<readonly number[]>, nodes: readonly SnapshotNode[], showDurations: boolean, out: List<string>, limit: number): void {
  for (let c = 0; c < cycles.length; c++) {
    const cycle = cycles[c]!;
    const shown = cycle.length > MAX_CYCLE_LINES ? MAX_CYCLE_LINES - 1 : cycle.length;
    if (out.length + shown + 4 > limit) {
      append(out, '');
      append(out, `… ${plural(cycles.length - c, 'more deadlock')} not listed`);
      return;
    }
    append(out, '');
    append(out, cycle.length === 1 ? 'DEADLOCK: 1 frame awaits itself' : `DEADLOCK: ${plural(cycle.length, 'frame')} await each other`);
    for (let k = 0; k < shown; k++) append(out, `${k === 0 ? '   ' : ' → '}${frameLine(nodes[cycle[k]!] as FrameNode, showDurations)}`);
    if (shown < cycle.length) append(out, ` → … ${cycle.length - shown} more`);
    const first = nodes[cycle[0]!] as FrameNode;
    append(out, ` → ${first.function} (again)`);
  }
}

/** What the report cannot show: frames dropped since the start, and frames left out of this snapshot. */
/** A snapshot taken from outside (`awaitwhat attach`): how, and what that way could not see. */
function sourceLines(snapshot: Snapshot): List<string> {
  const lines = newList<string>();
  const source = snapshot.source;
  if (source === undefined) return lines;
  const how = source.mode === 'runtime' ? "from the process's own awaitwhat runtime" : `${source.mode} mode, through the inspector`;
  append(lines, `awaitwhat: attached to process ${snapshot.pid} (${how})`);
  const limits = source.limits;
  for (let k = 0; k < limits.length; k++) append(lines, `awaitwhat: not seen: ${limits[k]}`);
  return lines;
}

function droppedLine(stats: Snapshot['stats'] | undefined): string | undefined {
  if (stats === undefined) return undefined;
  const parts = newList<string>();
  if (stats.collected > 0) append(parts, `${plural(stats.collected, 'pending frame')} reclaimed by the garbage collector (nothing could resume them: waits that could never end)`);
  if (stats.evicted > 0) append(parts, `${plural(stats.evicted, 'frame')} evicted over the limit of pending frames`);
  if (stats.omitted > 0) append(parts, `${plural(stats.omitted, 'frame')} left out of this snapshot`);
  return parts.length === 0 ? undefined : `awaitwhat: not shown: ${listJoin(parts, '; ')}`;
}

/** What the holder analysis found in sum, or why it did not run; nothing when it was not asked for. */
function holdersLine(snapshot: Snapshot, showDurations: boolean): string | undefined {
  const holders = snapshot.holders;
  if (holders === undefined || holders === null || typeof holders !== 'object') return undefined;
  if (holders.state === 'skipped') return `awaitwhat: holders not analysed: ${holders.reason}`;
  if (holders.state === 'failed') return `awaitwhat: holders not analysed: the heap analysis failed (${holders.reason})`;
  if (holders.analysed === 0) return undefined;
  const never = holders.neverSettle;
  const took = showDurations ? ` (heap analysed in ${formatDuration(holders.tookMs)})` : '';
  // Leaves whose holder the heap could not tell: not counted as held.
  let untold = 0;
  const nodes = snapshot.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (node.type === 'leaf' && node.holder?.state === 'unknown') untold++;
  }
  const notTold = untold === 0 ? '' : `; ${untold === 1 ? 'the holder of 1 wait' : `the holders of ${untold} waits`} could not be told`;
  if (never === 0) return untold === 0 ? `awaitwhat: every awaited promise is held by something that can settle it${took}` : `awaitwhat: no wait is proven endless${notTold}${took}`;
  return `awaitwhat: ${never === 1 ? '1 wait can never end' : `${never} waits can never end`}: nothing can settle what ${never === 1 ? 'it waits' : 'they wait'} for${notTold}${took}`;
}
