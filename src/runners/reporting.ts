/**
 * What a runner integration hands its reports to: the awaitwhat command's preload (which renders
 * them in the chosen format, writes them where the user asked and, with `--once`, ends the tree),
 * or, without the command, a plain text report on stderr (`awaitwhat/test`).
 */

import type { Snapshot } from '../snapshot/schema.ts';

export interface RunnerSection {
  /** What heads the section: `test "a > b" timed out …`. */
  title: string;
  snapshot: Snapshot;
}

export interface RunnerReports {
  /** The thread's graph now. */
  snapshot(): Snapshot;
  /** Writes one report made of these sections. */
  report(sections: RunnerSection[]): void;
  /** Tells the user one line (on stderr, `awaitwhat: ` in front). */
  note(line: string): void;
}
