/**
 * What a suspended function of the program awaits, found by where the function is defined: a
 * `for await` waits for the promise of its iterator's pending `next()`, a thenable for the promise
 * whose resolve functions its `then` was given, an `await using` for what `[Symbol.asyncDispose]()`
 * returned — promises awaitwhat does not keep. The heap has the function's suspended generator
 * object (its function's script and line are in the snapshot's `locations`), and that generator's
 * await closures sit in the reactions of the promise it awaits.
 */

import { append, newList, SafeMap, type List } from '../runtime/intrinsics.ts';
import type { HeapGraph } from './graph.ts';
import { scriptOf } from './describe.ts';
import { awaitedBy, isGenerator } from './settlers.ts';

export interface Suspended {
  /** The promise awaited, or -1 when none (or several) can be told. */
  promise: number;
  /** How many suspended calls of functions defined on that line were found (more than one: which is this one cannot be told). */
  calls: number;
}

/** The suspended calls (generator objects) of a heap, by the 1-based line their function is defined on; built in one pass over the nodes. */
export class SuspendedCalls {
  readonly #graph: HeapGraph;
  readonly #byLine = new SafeMap<number, List<number>>();

  constructor(graph: HeapGraph) {
    this.#graph = graph;
    for (let i = 0; i < graph.nodeCount; i++) {
      if (graph.nodeType(i) !== 'object' || !isGenerator(graph, i)) continue;
      const at = graph.locationOf(graph.child(i, 'internal', 'function'));
      if (at === undefined) continue;
      const list = this.#byLine.get(at.line + 1);
      if (list !== undefined) append(list, i);
      else {
        const first = newList<number>();
        append(first, i);
        this.#byLine.set(at.line + 1, first);
      }
    }
  }

  /**
   * The promise awaited by the one suspended call of the function defined at `line` (1-based) of
   * the script whose URL `isScript` accepts. Several calls suspended there: -1, with their count.
   */
  awaitedAt(isScript: (url: string) => boolean, line: number): Suspended {
    const graph = this.#graph;
    let found = -1;
    let calls = 0;
    const generators = this.#byLine.get(line) ?? newList<number>();
    for (let k = 0; k < generators.length; k++) {
      const g = generators[k]!;
      if (!isScript(scriptOf(graph, graph.child(g, 'internal', 'function')))) continue;
      const awaited = awaitedBy(graph, g);
      if (awaited.length === 0) continue;
      calls++;
      found = awaited.length === 1 ? awaited[0]! : -1;
    }
    return { promise: calls === 1 ? found : -1, calls };
  }
}
