/**
 * Bugs the oracle found in awaitwhat that are not fixed yet. Each keeps a minimal program in
 * oracle-regressions.json (run as a `todo` test while listed here), and its shape is not generated
 * by the random run meanwhile (`avoid`, conservative), so that the run can find others. Fixing one
 * means deleting its entry here: its regression must then pass, and the random run covers its
 * shape again.
 */

import type { GraphProgram } from './model.ts';

export interface KnownBug {
  id: string;
  /** What awaitwhat reports, and what is true. */
  summary: string;
  avoid(program: GraphProgram): boolean;
}

export const KNOWN_BUGS: KnownBug[] = [
  {
    id: 'return-thenable',
    summary: 'a frame that returns a thenable that has not called back (`return lazy`) is left out of the snapshot, though its promise is pending',
    avoid: (p) => JSON.stringify(p).includes('"thenable"') && p.fns.some((f) => f.body.some((s) => s.k === 'return' && !s.await)),
  },
  {
    id: 'module-rejected-at-thenable',
    summary:
      'a module whose top level awaits a thenable that calls back (`await lazy; throw e`, or a rejection) and ends there stays in every snapshot as a pending `<module>` frame: ' +
      'a module has no `finally` to say its evaluation ended, so the snapshot reads that from what it awaited, and whether a thenable called back cannot be read without running its code',
    avoid: (p) => p.goal === 'module' && JSON.stringify(p.top).includes('"thenable"'),
  },
];

/** The ids of the bugs whose shape the program has. */
export function avoidedBugs(program: GraphProgram): string[] {
  return KNOWN_BUGS.filter((b) => b.avoid(program)).map((b) => b.id);
}
