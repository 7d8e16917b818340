/**
 * Per-node integers for the report's walks, kept in pages of 256 made on first write. A typed
 * array of one entry per node costs its whole size at every report (zero-filled, and counted as
 * external memory, which at a million nodes can start a collection of the whole heap); a report
 * reads a few thousand nodes, so it should pay for those. A read is two loads and a branch.
 */

import { Int32ArrayConstructor, newList, type List } from '../runtime/intrinsics.ts';

const PAGE_BITS = 8;
const PAGE_SIZE = 1 << PAGE_BITS;
const IN_PAGE = PAGE_SIZE - 1;

export class NodeInts {
  /** One slot per 256 nodes: 32 KB for a million. */
  readonly #pages: List<Int32Array | undefined>;

  constructor(nodeCount: number) {
    // A List, filled by a loop, not `fill` (the program may have replaced it). Filled, not left
    // holes: reading a hole of an array whose prototype is not Array.prototype takes V8's slow path.
    const pages = newList<Int32Array | undefined>((nodeCount >>> PAGE_BITS) + 1);
    // Stryker disable next-line ConditionalExpression: equivalent (speed only): a page slot left a hole reads as undefined too (the list has no prototype)
    for (let p = 0; p < pages.length; p++) pages[p] = undefined;
    this.#pages = pages;
  }

  get(i: number): number {
    const page = this.#pages[i >>> PAGE_BITS];
    return page === undefined ? 0 : page[i & IN_PAGE]!;
  }

  set(i: number, value: number): void {
    const p = i >>> PAGE_BITS;
    let page = this.#pages[p];
    if (page === undefined) {
      if (value === 0) return;
      page = this.#pages[p] = new Int32ArrayConstructor(PAGE_SIZE);
    }
    page[i & IN_PAGE] = value;
  }
}
