/**
 * Hand-written graph programs: one per shape the random ones must also reach, named after it, so
 * that each shape is checked on every run whatever the seed. Written with absolute function
 * numbers (`call(2)` is f2) and converted to the model's free numbers by `graphProgram`.
 */

import type { Combinator, GraphOperand, GraphProgram, GraphStmt, Release } from './model.ts';

/** An operand whose call targets are absolute function numbers (converted by `graphProgram`). */
type Op = GraphOperand;

export const value = (v = 1): Op => ({ k: 'value', v });
export const gate = (g: number): Op => ({ k: 'gate', gate: g });
export const thenable = (g: number): Op => ({ k: 'thenable', gate: g });
export const call = (target: number, ...args: Op[]): Op => ({ k: 'call', target, d: 0, args });
export const via = (target: number, how: 'call' | 'then' = 'call'): Op => ({ k: 'via', target, d: 0, how });
export const group = (targets: number[], how: 'all' | 'race' = 'all'): Op => ({ k: 'group', targets, d: 0, how });
export const mapped = (which: Combinator, targets: number[]): Op => ({ k: 'mapped', which, targets, d: 0 });
export const kept = (ref: number): Op => ({ k: 'kept', ref });
export const param = (index: 0 | 1): Op => ({ k: 'param', index });
export const memo = (target: number): Op => ({ k: 'memo', target });
export const slot = (root: number): Op => ({ k: 'slot', root });
export const comb = (which: Combinator, ...items: Op[]): Op => ({ k: 'combinator', which, items });
export const wide = (which: 'all' | 'allSettled', size: number, g: number, at: number): Op => ({ k: 'wide', which, size, gate: g, at });
export const recurse = (viaLibrary = false): Op => ({ k: 'recurse', viaLibrary });

export const awaits = (op: Op): GraphStmt => ({ k: 'await', op });
export const keep = (op: Op): GraphStmt => ({ k: 'keep', op });
export const drop = (op: Op): GraphStmt => ({ k: 'drop', op });
export const returns = (op: Op, awaited = false): GraphStmt => ({ k: 'return', op, await: awaited });

interface Written {
  goal?: GraphProgram['goal'];
  fns: GraphStmt[][];
  /** Module top-level statements; call targets are absolute there too. */
  top?: GraphStmt[];
  /** Absolute function numbers; `store` roots are read by `slot(i)`. */
  roots: { target: number; d?: number; store?: boolean }[];
  releases?: Release[];
  maintain?: boolean;
  weak?: boolean;
}

/** Converts absolute call targets into the model's free numbers (a call from fi to fj, j > i, is j - i - 1). */
export function graphProgram(w: Written): GraphProgram {
  const relative = (op: Op, from: number): Op => {
    const to = (j: number) => {
      if (j <= from) throw new Error(`f${from} cannot call f${j}: calls go to later functions`);
      return j - from - 1;
    };
    switch (op.k) {
      case 'call':
        return { ...op, target: to(op.target), args: op.args.map((a) => relative(a, from)) };
      case 'via':
      case 'memo':
        return { ...op, target: to(op.target) };
      case 'group':
      case 'mapped':
        return { ...op, targets: op.targets.map(to) };
      case 'combinator':
        return { ...op, items: op.items.map((item) => relative(item, from)) };
      default:
        return op;
    }
  };
  const statement = (s: GraphStmt, from: number): GraphStmt => ('op' in s ? { ...s, op: relative(s.op, from) } : s);
  return {
    goal: w.goal ?? 'script',
    fns: w.fns.map((body, i) => ({ body: body.map((s) => statement(s, i)) })),
    roots: w.roots.map((r) => ({ target: r.target, d: r.d ?? 0, store: r.store ?? false })),
    top: (w.top ?? []).map((s) => statement(s, -1)),
    releases: w.releases ?? [],
    maintain: w.maintain ?? false,
    weak: w.weak ?? true,
  };
}

export interface GraphCase {
  name: string;
  program: GraphProgram;
}

export const GRAPH_CASES: GraphCase[] = [
  {
    name: 'a call whose promise is dropped before an await of something else: background(); await external()',
    program: graphProgram({
      fns: [[drop(call(1)), awaits(gate(0))], [awaits(gate(1))]],
      roots: [{ target: 0 }],
    }),
  },
  {
    name: 'several callees before one claim: await f(g(), h()), f awaiting both arguments',
    program: graphProgram({
      fns: [[awaits(call(1, call(2), call(3)))], [awaits(param(0)), awaits(param(1))], [awaits(gate(0))], [awaits(gate(1))]],
      roots: [{ target: 0 }],
      releases: [{ gate: 0, reject: false }],
    }),
  },
  {
    name: 'a group: the library calls two async functions back and returns one promise',
    program: graphProgram({
      fns: [[awaits(group([1, 2]))], [awaits(gate(0))], [awaits(gate(1))]],
      roots: [{ target: 0 }],
      releases: [{ gate: 0, reject: false }],
    }),
  },
  {
    name: 'a self-await: a function awaits its own stored promise',
    program: graphProgram({
      fns: [[awaits(gate(0)), awaits(slot(0))]],
      roots: [{ target: 0, store: true }],
      releases: [{ gate: 0, reject: false }],
    }),
  },
  {
    name: 'a memoised promise awaited by two callers, one of them a member of Promise.all',
    program: graphProgram({
      fns: [[awaits(memo(2))], [awaits(comb('all', memo(2), gate(1)))], [awaits(gate(0))]],
      roots: [{ target: 0 }, { target: 1 }],
    }),
  },
  {
    name: 'combinators with members that settle and members that never do',
    program: graphProgram({
      fns: [
        [keep(call(1)), awaits(comb('allSettled', value(3), gate(0), kept(0), thenable(1), call(2)))],
        [awaits(gate(0))],
        [awaits(comb('any', gate(2), gate(3)))],
      ],
      roots: [{ target: 0 }],
      releases: [{ gate: 0, reject: false }, { gate: 3, reject: true }],
    }),
  },
  {
    name: 'the member cap: Promise.all of 999, 1000, 1001 members, pending before and past the cap',
    program: graphProgram({
      fns: [[awaits(wide('all', 999, 0, 3))], [awaits(wide('all', 1000, 0, 998))], [awaits(wide('allSettled', 1001, 0, 1000))]],
      roots: [{ target: 0 }, { target: 1 }, { target: 2 }],
    }),
  },
];
