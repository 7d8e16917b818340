/**
 * Turning the free reference numbers of a program into functions. A function only calls functions
 * after it (recursion aside, bounded by `d`), so every program terminates.
 */

import type { Program } from './model.ts';

function pick(candidates: number[], target: number): number | undefined {
  return candidates.length === 0 ? undefined : candidates[target % candidates.length];
}

function later(program: Program, from: number, gen: boolean): number[] {
  const found: number[] = [];
  for (let i = from + 1; i < program.fns.length; i++) if (program.fns[i]!.gen === gen) found.push(i);
  return found;
}

/** The async (non-generator) function a call from function `from` reaches, if any. */
export function asyncCallee(program: Program, from: number, target: number): number | undefined {
  return pick(later(program, from, false), target);
}

/** The async generator a `for await`, `yield*` or driven iteration from `from` reaches, if any. */
export function genCallee(program: Program, from: number, target: number): number | undefined {
  return pick(later(program, from, true), target);
}

/** The function a root calls, if any: any function, generators included. */
export function rootCallee(program: Program, target: number): number | undefined {
  return program.fns.length === 0 ? undefined : target % program.fns.length;
}
