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
    summary:
      'a registered frame (a root, or kept: `const p = f()`) that returns a thenable that has not called back (`return lazy`) is left out of the snapshot, though its promise is pending. ' +
      'Awaited directly (`await f()`) it is shown, reached through its awaiter. Unfixed because nothing sound tells when the thenable calls back: ' +
      "its `then` is the program's code (awaitwhat may not call it), the frame's own promise is unknown for a root and, kept, may not be watched " +
      '(a reaction would handle a rejection the program leaves unhandled), and polling its state needs util.inspect, which may run getters of the settled value; ' +
      'keeping such frames until collected instead would count every finished query builder (`return knex(…)`) as a hung frame reclaimed by the garbage collector',
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
