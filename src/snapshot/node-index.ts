/**
 * Snapshot nodes by id, and their edges by position, for consumers that walk whole graphs: a walk
 * over 100k nodes on integer indices costs a few milliseconds, on id strings and sets far more.
 * Ids naming no node (a snapshot edited by hand, or cut short) are left out of the edges; where
 * two nodes share an id, the later one is the one the id names, as in a lookup table.
 */

import type { Edges } from './edges.ts';
import type { SnapshotNode } from './schema.ts';

export class NodeIndex {
  readonly nodes: readonly SnapshotNode[];
  readonly #positions = new Map<string, number>();

  constructor(nodes: readonly SnapshotNode[]) {
    this.nodes = nodes;
    for (let i = 0; i < nodes.length; i++) this.#positions.set(nodes[i]!.id, i);
  }

  /** The position of the node with this id, or -1. */
  indexOf(id: string): number {
    return this.#positions.get(id) ?? -1;
  }

  get(id: string): SnapshotNode | undefined {
    const i = this.#positions.get(id);
    return i === undefined ? undefined : this.nodes[i];
  }

  has(id: string): boolean {
    return this.#positions.has(id);
  }

  /** Each node's `awaits` or `awaitedBy` (in their order), as positions. */
  edges(field: 'awaits' | 'awaitedBy'): Edges {
    const n = this.nodes.length;
    const start = new Int32Array(n + 1);
    const to: number[] = [];
    for (let i = 0; i < n; i++) {
      for (const id of this.nodes[i]![field]) {
        const j = this.#positions.get(id);
        if (j !== undefined) to.push(j);
      }
      start[i + 1] = to.length;
    }
    return { start, to: Int32Array.from(to) };
  }
}
