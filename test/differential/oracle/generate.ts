/**
 * fast-check arbitraries for graph programs (model.ts). Weights favour what confuses a claim-based
 * recorder: calls (with calls as arguments), dropped calls, the library calling back, kept and
 * memoised promises, stored promises awaited later (cycles), combinators of everything. Programs
 * whose calls fan out too far are rejected, so that a run takes milliseconds.
 */

import fc from 'fast-check';
import { GATES, type Combinator, type GraphFn, type GraphOperand, type GraphProgram, type GraphRoot, type GraphStmt, type Release } from './model.ts';
import { graphCost } from './cost.ts';

const MAX_COST = 120;

const w = <T>(arbitrary: fc.Arbitrary<T>, weight: number) => ({ arbitrary, weight });

const target = fc.nat({ max: 5 });
const targets = fc.array(target, { minLength: 1, maxLength: 3 });
const d = fc.integer({ min: 0, max: 1 });
const gateNumber = fc.nat({ max: GATES - 1 });
const combinator = fc.constantFrom<Combinator>('all', 'allSettled', 'race', 'any');
/** Around the member cap (1000), and small ones. */
const wideSize = fc.constantFrom(1, 2, 999, 1000, 1001, 1002);

function operandOf(depth: number): fc.Arbitrary<GraphOperand> {
  const inner = depth > 0 ? operandOf(depth - 1) : fc.constant<GraphOperand>({ k: 'value', v: 0 });
  const args: fc.Arbitrary<GraphOperand[]> = depth > 0 ? fc.array(inner, { maxLength: 2 }) : fc.constant([]);
  const choices: { arbitrary: fc.Arbitrary<GraphOperand>; weight: number }[] = [
    w(fc.record({ k: fc.constant('value' as const), v: fc.nat({ max: 9 }) }), 1),
    w(fc.record({ k: fc.constant('resolved' as const), v: fc.nat({ max: 9 }) }), 1),
    w(fc.constant({ k: 'rejected' as const }), 1),
    w(fc.record({ k: fc.constant('gate' as const), gate: gateNumber }), 5),
    w(fc.record({ k: fc.constant('thenable' as const), gate: gateNumber }), 2),
    w(fc.record({ k: fc.constant('call' as const), target, d, args }), 7),
    w(fc.record({ k: fc.constant('recurse' as const), viaLibrary: fc.boolean() }), 1),
    w(fc.record({ k: fc.constant('via' as const), target, d, how: fc.constantFrom('call' as const, 'then' as const) }), 2),
    w(fc.record({ k: fc.constant('group' as const), targets, d, how: fc.oneof(w(fc.constant('all' as const), 3), w(fc.constant('race' as const), 1)) }), 3),
    w(fc.record({ k: fc.constant('mapped' as const), which: combinator, targets, d }), 1),
    w(fc.record({ k: fc.constant('kept' as const), ref: fc.nat({ max: 3 }) }), 3),
    w(fc.record({ k: fc.constant('param' as const), index: fc.constantFrom(0 as const, 1 as const) }), 2),
    w(fc.record({ k: fc.constant('memo' as const), target }), 2),
    w(fc.record({ k: fc.constant('slot' as const), root: fc.nat({ max: 2 }) }), 3),
    w(fc.record({ k: fc.constant('wide' as const), which: fc.constantFrom('all' as const, 'allSettled' as const), size: wideSize, gate: gateNumber, at: fc.nat({ max: 1001 }) }), 1),
  ];
  // A race of nothing never settles and holds no one: its awaiter could be collected mid-run.
  if (depth > 0) choices.push(w(fc.record({ k: fc.constant('combinator' as const), which: combinator, items: fc.array(inner, { minLength: 1, maxLength: 3 }) }), 4));
  return fc.oneof(...choices);
}

const operand = operandOf(2);

const statement: fc.Arbitrary<GraphStmt> = fc.oneof(
  w(fc.record({ k: fc.constant('await' as const), op: operand }), 8),
  w(fc.record({ k: fc.constant('keep' as const), op: operand }), 3),
  w(fc.record({ k: fc.constant('drop' as const), op: operand }), 3),
);

const terminal: fc.Arbitrary<GraphStmt | null> = fc.oneof(
  w(fc.constant(null), 3),
  w(fc.record({ k: fc.constant('return' as const), op: operand, await: fc.boolean() }), 2),
  w(fc.constant({ k: 'throw' as const }), 1),
);

const fn: fc.Arbitrary<GraphFn> = fc.tuple(fc.array(statement, { maxLength: 4 }), terminal).map(([body, end]) => ({ body: end === null ? body : [...body, end] }));

const root: fc.Arbitrary<GraphRoot> = fc.record({ target, d: fc.integer({ min: 0, max: 2 }), store: fc.oneof(w(fc.constant(true), 2), w(fc.constant(false), 1)) });

const release: fc.Arbitrary<Release> = fc.record({ gate: gateNumber, reject: fc.oneof(w(fc.constant(false), 3), w(fc.constant(true), 1)) });

export const graphPrograms: fc.Arbitrary<GraphProgram> = fc
  .record({
    goal: fc.oneof(w(fc.constant('script' as const), 3), w(fc.constant('module' as const), 1)),
    fns: fc.array(fn, { minLength: 1, maxLength: 6 }),
    roots: fc.array(root, { minLength: 1, maxLength: 3 }),
    top: fc.array(statement, { maxLength: 3 }),
    releases: fc.array(release, { maxLength: 4 }),
    maintain: fc.boolean(),
    weak: fc.boolean(),
  })
  .filter((p) => graphCost(p) <= MAX_COST);
