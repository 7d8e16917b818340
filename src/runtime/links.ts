/**
 * What a frame's record can point to besides another frame: the records the runtime makes for
 * arrays of promises, combinator calls and iterations. They are awaitwhat's own (frozen, so that
 * `instanceof` on them is decided by awaitwhat alone) and never reachable from the runtime global.
 */

import { freeze } from './intrinsics.ts';

/** Marks frames whose promise no caller can claim: modules, `await using` disposers (and, as `GENERATOR`, async generators). */
export const UNCLAIMABLE: unique symbol = Symbol('awaitwhat.unclaimable');
/** Marks async generators' frames: unclaimable too, but what an `await it.next()` or a loop's `next()` entered. */
export const GENERATOR: unique symbol = Symbol('awaitwhat.generator');

/** Whether `v` is an `ArraySlot`: safe and cheap on any value (the snapshot checks one per frame). */
export let isArraySlot: (v: unknown) => v is ArraySlot;

/** A claimed call result that was an array of promises (`items.map(async …)`): which element. */
export class ArraySlot {
  readonly array: unknown[];
  readonly index: number;
  /** A brand for `isArraySlot`: `#slot in v` runs no code of a proxy (unlike `instanceof`) and needs no native call (unlike `util.types.isProxy`). */
  readonly #slot = true;
  constructor(array: unknown[], index: number) {
    this.array = array;
    this.index = index;
  }

  static {
    isArraySlot = (v) => typeof v === 'object' && v !== null && #slot in v;
  }
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
