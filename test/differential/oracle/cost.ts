/**
 * An upper estimate of the calls a graph program makes (a wide combinator counts as many), so that
 * the generator can reject the rare program that fans out too far to run in milliseconds. Resolves
 * references the way print.ts does.
 */

import type { GraphOperand, GraphProgram } from './model.ts';

/** A wide combinator costs about this many calls: a thousand members, walked at every pause. */
const WIDE_COST = 15;

export function graphCost(program: GraphProgram): number {
  const n = program.fns.length;
  const later = (from: number, target: number) => (from + 1 < n ? from + 1 + (target % (n - from - 1)) : undefined);
  const memo = new Map<string, number>();

  function fnCost(i: number, d: number): number {
    const key = `${i}:${d}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, 1);
    const cost = 1 + program.fns[i]!.body.reduce((sum, s) => sum + ('op' in s ? opCost(s.op, i, d) : 0), 0);
    memo.set(key, cost);
    return cost;
  }

  function callCost(from: number, target: number, d: number): number {
    const callee = later(from, target);
    return callee === undefined ? 0 : fnCost(callee, d);
  }

  function opCost(op: GraphOperand, i: number, d: number): number {
    switch (op.k) {
      case 'call':
        return callCost(i, op.target, op.d) + op.args.reduce((sum, a) => sum + opCost(a, i, d), 0);
      case 'recurse':
        return d > 0 && i >= 0 ? fnCost(i, d - 1) : 0;
      case 'via':
        return callCost(i, op.target, op.d);
      case 'memo':
        return callCost(i, op.target, 0);
      case 'group':
      case 'mapped':
        return op.targets.reduce((sum, t) => sum + callCost(i, t, op.d), 0);
      case 'combinator':
        return op.items.reduce((sum, item) => sum + opCost(item, i, d), 0);
      case 'wide':
        return WIDE_COST;
      default:
        return 0;
    }
  }

  const top = program.goal === 'module' ? program.top.reduce((sum, s) => sum + ('op' in s ? opCost(s.op, -1, 0) : 0), 0) : 0;
  return top + program.roots.reduce((sum, root) => sum + fnCost(root.target % n, root.d), 0);
}
