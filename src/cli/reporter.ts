/**
 * Renders a report — one thread's snapshot, followed by the other threads' gathered for it — in
 * the chosen format, and writes it where the user asked, synchronously (reports are written right
 * before the process may exit: `--once`, SIGINT, exit 13).
 */

import type { ReportFormat } from './args.ts';
import type { Snapshot } from '../snapshot/schema.ts';
import { renderText } from '../render/text.ts';
import { renderJson } from '../render/json.ts';
import { renderDot } from '../render/dot.ts';
import { max } from './builtins.ts';
import { describeError, tell } from './faults.ts';
import { replaceFile, writeAll } from './out-file.ts';

/** The longest time any frame of `snapshot` has been at its current await or return (what a report's header states). */
export function longestPending(snapshot: Snapshot): number {
  let longest = 0;
  const nodes = snapshot.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (node.type === 'frame' && node.state !== 'yielded' && node.suspendedAt !== null) longest = max(longest, node.pendingMs ?? 0);
  }
  return longest;
}

function frameCount(snapshot: Snapshot): number {
  let count = 0;
  for (let i = 0; i < snapshot.nodes.length; i++) if (snapshot.nodes[i]!.type === 'frame') count++;
  return count;
}

export interface ReportSection {
  /** `awaitwhat report: <title>` heads the section in text reports. */
  title: string;
  snapshot: Snapshot;
  /** Text reports show the chains that lead to a suspension at least this long (0: every pending function). */
  minPendingMs: number;
}

export interface Report {
  format: ReportFormat;
  /** The thread that reports, then the others, each with its own title. Sections after the first with nothing pending are left out. */
  sections: ReportSection[];
  /** Lines about threads whose graph is missing (they did not answer, or failed to). */
  notes: string[];
}

/**
 * The report as text to write. JSON is one snapshot per line (each names its `pid` and `threadId`),
 * DOT one digraph per thread; their notes go to stderr on their own, as text lines, so that the
 * report stays valid JSON Lines or DOT.
 */
export function renderReport(report: Report): string {
  let text = '';
  for (let i = 0; i < report.sections.length; i++) {
    const section = report.sections[i]!;
    if (i > 0 && frameCount(section.snapshot) === 0) continue;
    if (report.format === 'json') text += renderJson(section.snapshot);
    else if (report.format === 'dot') text += renderDot(section.snapshot);
    else text += `${i > 0 ? '\n' : ''}awaitwhat report: ${section.title}\n${renderText(section.snapshot, { minPendingMs: section.minPendingMs })}`;
  }
  if (report.format === 'text') {
    for (let i = 0; i < report.notes.length; i++) text += `${i === 0 ? '\n' : ''}awaitwhat: ${report.notes[i]}\n`;
  } else {
    for (let i = 0; i < report.notes.length; i++) tell(report.notes[i]!);
  }
  return text;
}

/** Writes a rendered report to `out` (replacing it), or to stderr; when `out` cannot be written, to stderr after a line saying why. */
export function writeReport(text: string, out: string | undefined): void {
  if (out !== undefined) {
    try {
      replaceFile(out, text);
      return;
    } catch (error) {
      tell(`could not write the report to ${out} (${describeError(error)}); here it is instead`);
    }
  }
  writeAll(2, text);
}
