/**
 * fast-check arbitraries for programs (model.ts). Sizes are kept small and the rare program whose
 * call tree fans out too far is rejected, so that a run takes milliseconds.
 */

import fc from 'fast-check';
import { programCost } from './cost.ts';
import type { Combinator, Container, DriveStep, Fn, GenSource, LoopExit, Operand, Place, Program, Root, Shape, Shell, Stmt, ThenableMode, Timing } from './model.ts';

const MAX_COST = 300;

const w = <T>(arbitrary: fc.Arbitrary<T>, weight: number) => ({ arbitrary, weight });
/** `arbitrary` `yes` times in `yes + no`, else null (which shrinks first). */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, yes: number, no: number) => fc.oneof(w(fc.constant(null), no), w(arbitrary, yes));

const value = fc.integer({ min: 0, max: 99 });
const target = fc.nat({ max: 7 });
const callDepth = fc.integer({ min: 0, max: 1 });
const timing: fc.Arbitrary<Timing> = fc.oneof(w(fc.constant('micro'), 3), w(fc.constant('immediate'), 3), w(fc.constant('timeout'), 1));
const combinator = fc.constantFrom<Combinator>('all', 'allSettled', 'race', 'any');
const thenableMode = fc.constantFrom<ThenableMode>('sync', 'micro', 'macro', 'syncReject', 'throws', 'twice', 'nested', 'never');
const shell = fc.oneof(w(fc.constant<Shell>('object'), 3), w(fc.constant<Shell>('getter'), 1), w(fc.constant<Shell>('proxy'), 1));
const container = fc.oneof(w(fc.constant<Container>('array'), 4), w(fc.constant<Container>('proxy'), 1), w(fc.constant<Container>('set'), 1));
const shape = fc.constantFrom<Shape>('add', 'args', 'nested', 'logical', 'array', 'template', 'cond', 'object');

function operandOf(depth: number): fc.Arbitrary<Operand> {
  const choices: { arbitrary: fc.Arbitrary<Operand>; weight: number }[] = [
    w(fc.record({ k: fc.constant('value' as const), v: value }), 2),
    w(fc.record({ k: fc.constant('resolved' as const), v: value }), 1),
    w(fc.constant({ k: 'rejected' as const }), 1),
    w(fc.record({ k: fc.constant('later' as const), how: timing, reject: fc.oneof(w(fc.constant(false), 3), w(fc.constant(true), 1)), v: value }), 3),
    w(fc.record({ k: fc.constant('thenable' as const), how: thenableMode, shell, v: value }), 2),
    w(fc.record({ k: fc.constant('probe' as const), v: value }), 1),
    w(fc.record({ k: fc.constant('call' as const), target, d: callDepth }), 6),
    w(fc.record({ k: fc.constant('recurse' as const), otherwise: value }), 1),
    w(fc.record({ k: fc.constant('kept' as const), ref: target }), 3),
    w(fc.record({ k: fc.constant('memo' as const), target }), 1),
  ];
  if (depth > 0) {
    const inner = operandOf(depth - 1);
    choices.push(
      w(fc.record({ k: fc.constant('combinator' as const), which: combinator, container, items: fc.array(inner, { maxLength: 3 }) }), 3),
      w(fc.record({ k: fc.constant('mapped' as const), which: combinator, n: fc.integer({ min: 1, max: 3 }), item: inner }), 1),
      w(fc.record({ k: fc.constant('cond' as const), a: inner, b: inner }), 1),
      w(fc.record({ k: fc.constant('chained' as const), op: inner, method: fc.constantFrom('then' as const, 'catch' as const, 'finally' as const), item: inner }), 1),
      w(fc.record({ k: fc.constant('getter' as const), op: inner }), 1),
      w(fc.record({ k: fc.constant('iife' as const), item: inner }), 1),
      w(fc.record({ k: fc.constant('helper' as const), op: inner }), 1),
    );
  }
  return fc.oneof(...choices);
}

const operand = operandOf(2);

const driveStep: fc.Arbitrary<DriveStep> = fc.record({
  method: fc.oneof(w(fc.constant('next' as const), 3), w(fc.constant('return' as const), 1), w(fc.constant('throw' as const), 1)),
  kept: fc.boolean(),
});

const terminal: fc.Arbitrary<Stmt> = fc.oneof(
  fc.record({ k: fc.constant('return' as const), op: operand, await: fc.boolean(), sequence: fc.boolean() }),
  fc.constant({ k: 'throw' as const }),
);

const loopExit: fc.Arbitrary<LoopExit | null> = sometimes(
  fc.record({ at: fc.integer({ min: 0, max: 2 }), how: fc.constantFrom('break' as const, 'continue' as const, 'return' as const, 'throw' as const) }),
  1,
  2,
);

/** What `for await` and `yield*` iterate. */
const iterated: fc.Arbitrary<GenSource> = fc.oneof(
  w(fc.record({ k: fc.constant('gen' as const), target, d: callDepth }), 6),
  w(fc.record({ k: fc.constant('array' as const), items: fc.array(operandOf(1), { maxLength: 3 }) }), 3),
  w(fc.record({ k: fc.constant('plain' as const), v: value }), 1),
);

/** Unboxing a call result, or a member of it that may be missing (V8 quotes the call in the TypeError). */
const unbox: fc.Arbitrary<Stmt> = fc.oneof(
  fc.record({ k: fc.constant('unbox' as const), how: fc.constant('destructure' as const), op: operand, empty: fc.boolean() }),
  fc.record({ k: fc.constant('unbox' as const), how: fc.constantFrom('method' as const, 'member' as const), op: operand, empty: fc.boolean() }),
);

/** A block: statements, then perhaps a `return` or `throw` (never dead code after one). */
function statementsOf(depth: number, gen: boolean): fc.Arbitrary<Stmt[]> {
  const statements = fc.array(statementOf(depth, gen), { maxLength: depth >= 2 ? 6 : 3 });
  return fc.tuple(statements, sometimes(terminal, 1, 3)).map(([body, end]) => (end === null ? body : [...body, end]));
}

function statementOf(depth: number, gen: boolean): fc.Arbitrary<Stmt> {
  const choices: { arbitrary: fc.Arbitrary<Stmt>; weight: number }[] = [
    w(fc.record({ k: fc.constant('await' as const), op: operand, bind: fc.boolean() }), 8),
    w(fc.record({ k: fc.constant('keep' as const), op: operand }), 2),
    w(fc.record({ k: fc.constant('compound' as const), shape, a: operand, b: operand }), 1),
    w(unbox, 1),
    w(fc.record({ k: fc.constant('drive' as const), target, d: callDepth, steps: fc.array(driveStep, { minLength: 1, maxLength: 4 }) }), 1),
  ];
  if (gen) {
    choices.push(
      w(fc.record({ k: fc.constant('yield' as const), op: operand }), 5),
      w(fc.record({ k: fc.constant('delegate' as const), source: iterated }), 1),
    );
  }
  if (depth > 0) {
    const body = statementsOf(depth - 1, gen);
    const handler = sometimes(body, 2, 1);
    choices.push(
      w(fc.record({ k: fc.constant('try' as const), body, handler, finalizer: sometimes(body, 1, 1) }), 4),
      w(fc.record({ k: fc.constant('loop' as const), n: fc.integer({ min: 1, max: 3 }), test: sometimes(operandOf(1), 1, 2), exit: loopExit, body }), 2),
      w(fc.record({ k: fc.constant('forAwait' as const), source: iterated, breakAfter: sometimes(fc.integer({ min: 1, max: 2 }), 1, 1), body }), 3),
    );
  }
  return fc.oneof(...choices);
}

const blockPlace = fc.constantFrom<Place>('declaration', 'expression', 'arrow', 'object', 'class', 'static', 'field');
const nothing = { k: 'value' as const, v: 0 };

const asyncFn: fc.Arbitrary<Fn> = fc.record({ gen: fc.constant(false), place: blockPlace, body: statementsOf(2, false), expr: fc.constant(nothing) });
const arrowExprFn: fc.Arbitrary<Fn> = fc.record({ gen: fc.constant(false), place: fc.constant('arrowExpr' as const), body: fc.constant([]), expr: operand });
const genFn: fc.Arbitrary<Fn> = fc.record({ gen: fc.constant(true), place: blockPlace, body: statementsOf(2, true), expr: fc.constant(nothing) });

const root: fc.Arbitrary<Root> = fc.record({
  target,
  d: fc.integer({ min: 0, max: 2 }),
  observe: fc.constantFrom('now' as const, 'end' as const, 'await' as const),
  kept: fc.boolean(),
});

export const programs: fc.Arbitrary<Program> = fc
  .record({
    goal: fc.constantFrom('script' as const, 'module' as const),
    style: fc.record({ semicolons: fc.boolean(), optional: fc.boolean(), strict: fc.boolean(), parens: fc.boolean(), comments: fc.boolean(), newlines: fc.boolean(), unbraced: fc.boolean() }),
    fns: fc.array(fc.oneof(w(asyncFn, 6), w(arrowExprFn, 1), w(genFn, 2)), { minLength: 1, maxLength: 6 }),
    roots: fc.array(root, { minLength: 1, maxLength: 3 }),
  })
  .filter((p) => programCost(p) <= MAX_COST);
