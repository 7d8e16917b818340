/**
 * What a suspended function of the program awaits, found by where the function is defined: a
 * `for await` waits for the promise of its iterator's pending `next()`, which awaitwhat does not
 * record (the loop's value is not wrapped). The heap has the function's suspended generator
 * object (its function's script and line are in the snapshot's `locations`), and that generator's
 * await closures sit in the reactions of the promise it awaits.
 */

import type { HeapGraph } from './graph.ts';
import { scriptOf } from './describe.ts';
import { awaitedBy, isGenerator } from './settlers.ts';

export interface Suspended {
  /** The promise awaited, or -1 when none (or several) can be told. */
  promise: number;
  /** How many suspended calls of functions defined on that line were found (more than one: which is this one cannot be told). */
  calls: number;
}

/**
 * The promise awaited by the one suspended call of the function defined at `line` (1-based) of the
 * script whose URL `isScript` accepts. Several calls suspended there: -1, with their count.
 */
export function awaitedByFunctionAt(graph: HeapGraph, isScript: (url: string) => boolean, line: number): Suspended {
  let found = -1;
  let calls = 0;
  for (let i = 0; i < graph.nodeCount; i++) {
    if (graph.nodeType(i) !== 'object' || !isGenerator(graph, i)) continue;
    const fn = graph.child(i, 'internal', 'function');
    const at = graph.locationOf(fn);
    if (at === undefined || at.line + 1 !== line || !isScript(scriptOf(graph, fn))) continue;
    const awaited = awaitedBy(graph, i);
    if (awaited.length === 0) continue;
    calls++;
    found = awaited.length === 1 ? awaited[0]! : -1;
  }
  return { promise: calls === 1 ? found : -1, calls };
}
