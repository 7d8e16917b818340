/**
 * An upper estimate of the steps a program runs, so that the generator can reject the rare
 * program whose call tree fans out too far to run quickly.
 */

import type { GenSource, Operand, Program, Stmt } from './model.ts';
import { asyncCallee, genCallee, rootCallee } from './resolve.ts';

/** Items a `for await` over a generator is assumed to see. */
const ITEMS_PER_GENERATOR = 4;

export function programCost(program: Program): number {
  const memo = new Map<string, number>();

  function fnCost(i: number, d: number): number {
    const key = `${i}:${d}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const fn = program.fns[i]!;
    const cost = 1 + (fn.place === 'arrowExpr' && !fn.gen ? opCost(fn.expr, i, d) : blockCost(fn.body, i, d));
    memo.set(key, cost);
    return cost;
  }

  function genCost(from: number, target: number, d: number): number {
    const callee = genCallee(program, from, target);
    return callee === undefined ? 1 : fnCost(callee, d);
  }

  function opCost(op: Operand, i: number, d: number): number {
    switch (op.k) {
      case 'call':
      case 'memo': {
        const callee = asyncCallee(program, i, op.target);
        return callee === undefined ? 1 : fnCost(callee, op.k === 'call' ? op.d : 0);
      }
      case 'recurse':
        return d > 0 ? fnCost(i, d - 1) : 1;
      case 'combinator':
        return 1 + op.items.reduce((sum, item) => sum + opCost(item, i, d), 0);
      case 'mapped':
        return 1 + op.n * (1 + opCost(op.item, i, d));
      case 'cond':
        return opCost(d > 0 ? op.a : op.b, i, d);
      case 'chained':
        return 1 + opCost(op.op, i, d) + opCost(op.item, i, d);
      case 'getter':
        return 1 + opCost(op.op, i, d);
      case 'iife':
        return 1 + opCost(op.item, i, d);
      case 'helper':
        return 1 + opCost(op.op, i, d);
      default:
        return 1;
    }
  }

  function itemsOf(source: GenSource): number {
    return source.k === 'gen' ? ITEMS_PER_GENERATOR : source.k === 'array' ? source.items.length : 0;
  }

  function sourceCost(source: GenSource, i: number, d: number): number {
    if (source.k === 'gen') return genCost(i, source.target, source.d);
    if (source.k === 'array') return 1 + source.items.reduce((sum, item) => sum + opCost(item, i, d), 0);
    return 1;
  }

  function blockCost(block: Stmt[], i: number, d: number): number {
    return block.reduce((sum, s) => sum + stmtCost(s, i, d), 0);
  }

  function stmtCost(s: Stmt, i: number, d: number): number {
    switch (s.k) {
      case 'await':
      case 'keep':
      case 'unbox':
      case 'return':
      case 'yield':
        return 1 + opCost(s.op, i, d);
      case 'compound':
        return 1 + opCost(s.a, i, d) + opCost(s.b, i, d);
      case 'throw':
        return 1;
      case 'try':
        return blockCost(s.body, i, d) + blockCost(s.handler ?? [], i, d) + blockCost(s.finalizer ?? [], i, d);
      case 'loop':
        return s.n * (1 + blockCost(s.body, i, d) + (s.test === null ? 0 : opCost(s.test, i, d)));
      case 'forAwait':
        return sourceCost(s.source, i, d) + itemsOf(s.source) * (1 + blockCost(s.body, i, d));
      case 'delegate':
        return sourceCost(s.source, i, d);
      case 'drive':
        return genCost(i, s.target, s.d) + s.steps.length;
    }
  }

  return program.roots.reduce((sum, root) => {
    const callee = rootCallee(program, root.target);
    return sum + (callee === undefined ? 1 : fnCost(callee, root.d));
  }, 0);
}
