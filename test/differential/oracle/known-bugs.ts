/**
 * Bugs the oracle found in awaitwhat that are not fixed yet. Each keeps a minimal program in
 * oracle-regressions.json (run as a `todo` test while listed here), and its shape is not generated
 * by the random run meanwhile (`avoid`, conservative), so that the run can find others. Fixing one
 * means deleting its entry here: its regression must then pass, and the random run covers its
 * shape again.
 */

import type { GraphOperand, GraphProgram, GraphStmt } from './model.ts';

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
    id: 'module-rejected-after-await',
    summary:
      'a module whose top level throws after a top-level await (`await null; throw e`, or an awaited call that rejects) stays in every snapshot as a pending `<module>` frame, though its evaluation is over',
    // Rejections come from throws, rejected promises and gates, and a function returning its own promise.
    avoid: (p) => p.goal === 'module' && /"throw"|"rejected"|"reject":true|"return","op":\{"k":"slot"/.test(JSON.stringify(p)),
  },
];

/** The ids of the bugs whose shape the program has. */
export function avoidedBugs(program: GraphProgram): string[] {
  return KNOWN_BUGS.filter((b) => b.avoid(program)).map((b) => b.id);
}

function someOperand(program: GraphProgram, test: (op: GraphOperand, fn: number) => boolean): boolean {
  const visit = (op: GraphOperand, fn: number): boolean => {
    if (test(op, fn)) return true;
    if (op.k === 'call') return op.args.some((a) => visit(a, fn));
    if (op.k === 'combinator') return op.items.some((item) => visit(item, fn));
    return false;
  };
  const top = program.goal === 'module' ? program.top : [];
  return top.some((s) => 'op' in s && visit(s.op, -1)) || program.fns.some((f, i) => f.body.some((s: GraphStmt) => 'op' in s && visit(s.op, i)));
}

function someStatement(program: GraphProgram, test: (s: GraphStmt) => boolean): boolean {
  const top = program.goal === 'module' ? program.top : [];
  return top.some(test) || program.fns.some((f) => f.body.some(test));
}

/** The statements of function `fn` (-1: the module's top level). */
function bodyOf(program: GraphProgram, fn: number): GraphStmt[] {
  return fn < 0 ? program.top : (program.fns[fn]?.body ?? []);
}

/** Whether an operand may hold a stored root's promise (kept ones and parameters conservatively). */
function mayHoldSlot(op: GraphOperand, fn: number, program: GraphProgram, hops = 0): boolean {
  if (hops > 3) return true;
  switch (op.k) {
    case 'slot':
      return true;
    case 'kept':
      return bodyOf(program, fn).some((s) => s.k === 'keep' && mayHoldSlot(s.op, fn, program, hops + 1));
    case 'param':
      return someOperand(program, (o, f) => o.k === 'call' && o.args.some((a) => a.k !== 'param' && mayHoldSlot(a, f, program, hops + 1)));
    default:
      return false;
  }
}
