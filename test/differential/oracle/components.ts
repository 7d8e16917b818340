/** Strongly connected components of a graph view: where await cycles (deadlocks) are. */

import type { ViewNode } from './view.ts';

/** Each node's strongly connected component (Tarjan, recursive: graph programs are small). */
export function componentsOf(nodes: readonly ViewNode[]): number[] {
  const index = new Array<number>(nodes.length).fill(-1);
  const low = new Array<number>(nodes.length).fill(0);
  const component = new Array<number>(nodes.length).fill(-1);
  const stack: number[] = [];
  let counter = 0;
  let components = 0;
  const visit = (v: number) => {
    index[v] = low[v] = counter++;
    stack.push(v);
    for (const w of nodes[v]!.awaits) {
      if (nodes[w] === undefined) continue;
      if (index[w] === -1) {
        visit(w);
        low[v] = Math.min(low[v]!, low[w]!);
      } else if (component[w] === -1) low[v] = Math.min(low[v]!, index[w]!);
    }
    if (low[v] !== index[v]) return;
    let w: number;
    do {
      w = stack.pop()!;
      component[w] = components;
    } while (w !== v);
    components++;
  };
  for (let v = 0; v < nodes.length; v++) if (index[v] === -1) visit(v);
  return component;
}
