/**
 * What a frame's record can point to besides another frame: the records the runtime makes for
 * arrays of promises, combinator calls and iterations. They are awaitwhat's own (frozen, so that
 * `instanceof` on them is decided by awaitwhat alone) and never reachable from the runtime global.
 */

import { freeze, type List } from './intrinsics.ts';

/** Marks frames whose promise no caller can claim: modules, `await using` disposers (and, as `GENERATOR`, async generators). */
export const UNCLAIMABLE: unique symbol = Symbol('awaitwhat.unclaimable');
/** Marks async generators' frames: unclaimable too, but what an `await it.next()` or a loop's `next()` entered. */
export const GENERATOR: unique symbol = Symbol('awaitwhat.generator');

/** Whether `v` is an `ArraySlot`: safe and cheap on any value (the snapshot checks one per frame). */
export let isArraySlot: (v: unknown) => v is ArraySlot;

/**
 * A claimed call result that was an array of promises (`items.map(async …)`): one record per
 * claim, shared by all the callees it claimed, which are its elements in call order. A callee's
 * element is found from its `seq` (`arraySlotIndex`): callees entered one right after another
 * (each makes no frame before it first suspends, as in `ids.map(async …)` of leaf calls) have
 * consecutive seqs from `firstSeq`, and then `seqs` is undefined; otherwise `seqs` lists the
 * callees' seqs, ascending. One object per claim instead of one per callee: a `Promise.all` of 10
 * made 10 records of 24 bytes, on top of the 10 frames.
 */
export class ArraySlot {
  readonly array: unknown[];
  /** The seq of the callee whose element is `array[0]`. */
  readonly firstSeq: number;
  /** The callees' seqs in element order when they are not consecutive (filled by the claim, ascending). */
  readonly seqs: List<number> | undefined;
  /** A brand for `isArraySlot`: `#slot in v` runs no code of a proxy (unlike `instanceof`) and needs no native call (unlike `util.types.isProxy`). */
  readonly #slot = true;
  constructor(array: unknown[], firstSeq: number, seqs?: List<number>) {
    this.array = array;
    this.firstSeq = firstSeq;
    this.seqs = seqs;
  }

  static {
    isArraySlot = (v) => typeof v === 'object' && v !== null && #slot in v;
  }
}

/**
 * The element of `slot.array` that the callee with seq `seq` made, or -1 when it is none of the
 * slot's callees. Read by snapshots, never on the hot path: a binary search when `seqs` is listed.
 */
export function arraySlotIndex(slot: ArraySlot, seq: number): number {
  const seqs = slot.seqs;
  // Past the array's end is left to the reader of the element (no `length` read here: the
  // array may be a proxy by then, in a test's hands, and no trap of the program's may run).
  if (seqs === undefined) return seq >= slot.firstSeq ? seq - slot.firstSeq : -1;
  let low = 0;
  let high = seqs.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = seqs[mid]!;
    if (at === seq) return mid;
    if (at < seq) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/** A `Promise.all(…)`-style call: its site (which names the combinator), its argument and its result. */
export class CombinatorLink {
  readonly site: number;
  readonly members: unknown;
  readonly promise: unknown;
  constructor(site: number, members: unknown, promise: unknown) {
    this.site = site;
    this.members = members;
    this.promise = promise;
  }
}

/**
 * A `for await` loop, `yield*` delegation or `await using` disposal: the iterable (if any), the
 * first frame seq after it began, and the seq of the frame its first `next()` (or disposer call)
 * entered, once the runtime saw one enter (0 until then, and for good when none did).
 */
export class IterationLink {
  readonly site: number;
  readonly iterable: unknown;
  readonly firstSeq: number;
  entered: number;
  constructor(site: number, iterable: unknown, firstSeq: number) {
    this.site = site;
    this.iterable = iterable;
    this.firstSeq = firstSeq;
    this.entered = 0;
  }
}

for (const C of [ArraySlot, CombinatorLink, IterationLink]) {
  freeze(C.prototype);
  freeze(C);
}
