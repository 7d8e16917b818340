/**
 * Growable lists of numbers on typed arrays, for the snapshot builder's per-frame columns: a
 * `number[]` of a million entries is a million tagged slots the garbage collector scans (and may
 * turn into boxed doubles), a typed array one flat buffer it never looks inside. Capacity doubles,
 * so n appends cost O(n) copies in all.
 *
 * The renderer uses them too, inside the program: only built-ins captured in runtime/intrinsics.ts.
 */

import { Float64ArrayConstructor, float64Part, Int32ArrayConstructor, int32Part, mathMax, typedArraySet } from '../runtime/intrinsics.ts';

const INITIAL_CAPACITY = 16;

/** A list of 32-bit signed integers. */
export class IntList {
  #items: Int32Array;
  #length = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.#items = new Int32ArrayConstructor(mathMax(1, capacity));
  }

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#items.length) this.#items = grown(this.#items, new Int32ArrayConstructor(this.#items.length * 2));
    this.#items[this.#length++] = value;
  }

  /** The item at `i` (`0 <= i < length`; outside that, undefined). */
  at(i: number): number | undefined {
    return i >= 0 && i < this.#length ? this.#items[i] : undefined;
  }

  /** Removes and returns the last item (the list must not be empty). */
  pop(): number {
    return this.#items[--this.#length]!;
  }

  /** Empties the list, keeping its buffer for the next use. */
  clear(): void {
    this.#length = 0;
  }

  /** The items as a view of the current buffer (no copy); valid until the next `push`. */
  view(): Int32Array {
    return int32Part(this.#items, 0, this.#length);
  }
}

/** A list of doubles. */
export class FloatList {
  #items: Float64Array;
  #length = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.#items = new Float64ArrayConstructor(mathMax(1, capacity));
  }

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#items.length) this.#items = grown(this.#items, new Float64ArrayConstructor(this.#items.length * 2));
    this.#items[this.#length++] = value;
  }

  /** The item at `i` (`0 <= i < length`; outside that, undefined). */
  at(i: number): number | undefined {
    return i >= 0 && i < this.#length ? this.#items[i] : undefined;
  }

  /** The items as a view of the current buffer (no copy); valid until the next `push`. */
  view(): Float64Array {
    return float64Part(this.#items, 0, this.#length);
  }
}

function grown<T extends Int32Array | Float64Array>(items: T, into: T): T {
  typedArraySet(into as unknown as Uint8Array, items as unknown as Uint8Array);
  return into;
}
