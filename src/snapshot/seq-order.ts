/**
 * The order of frames by creation (seq), for a snapshot of up to a million frames. Seqs of pending
 * frames span far less than 2^32, so a radix sort on their offsets from the smallest does it in a
 * few linear passes; a comparator sort remains for wider spans.
 */

import { Int32ArrayConstructor, newList, numberIsInteger, sortList, typedArrayFill, Uint32ArrayConstructor } from '../runtime/intrinsics.ts';

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;

/** Indices of `seqs` in ascending order of their values; equal values keep their order (stable). */
export function seqOrder(seqs: ArrayLike<number>): Int32Array {
  const n = seqs.length;
  let order = new Int32ArrayConstructor(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  let min = Infinity;
  // Stryker disable next-line UnaryOperator: equivalent: max stuck at +Infinity gives an infinite span, which sends the sort to the comparator: the same order
  let max = -Infinity;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: equivalent: a min/max scan skipped or cut leaves min or max infinite (comparator sort) or reads seqs[n] (undefined, compared false): the same order
  for (let i = 0; i < n; i++) {
    const seq = seqs[i]!;
    // Stryker disable next-line EqualityOperator: equivalent: min starts at Infinity, so `>=` never updates it (comparator sort) and `<=` finds the same minimum
    if (seq < min) min = seq;
    // Stryker disable next-line EqualityOperator: equivalent: max starts at -Infinity, so `<=` never updates it (comparator sort) and `>=` finds the same maximum
    if (seq > max) max = seq;
  }
  const span = max - min;
  if (!(span < 2 ** 32) || !numberIsInteger(min) || !numberIsInteger(max)) {
    // Array.prototype.sort is stable (ES2019): equal seqs keep their order without a tiebreak.
    const list = newList<number>(n);
    for (let i = 0; i < n; i++) list[i] = i;
    sortList(list, (a, b) => seqs[a]! - seqs[b]!);
    for (let i = 0; i < n; i++) order[i] = list[i]!;
    return order;
  }
  const keys = new Uint32ArrayConstructor(n);
  for (let i = 0; i < n; i++) keys[i] = seqs[i]! - min;
  let next = new Int32ArrayConstructor(n);
  const counts = new Int32ArrayConstructor(RADIX);
  // Stryker disable next-line LogicalOperator: equivalent: `||` runs the three passes of shifts 0, 11 and 22 whatever the span; a pass over all-zero digits keeps the order (stable)
  for (let shift = 0; shift < 32 && span >= 2 ** shift; shift += RADIX_BITS) {
    typedArrayFill(counts, 0);
    for (let i = 0; i < n; i++) counts[(keys[i]! >>> shift) & (RADIX - 1)]!++;
    let total = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[d]!;
      counts[d] = total;
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const at = order[i]!;
      next[counts[(keys[at]! >>> shift) & (RADIX - 1)]!++] = at;
    }
    const sorted = next;
    next = order;
    order = sorted;
  }
  return order;
}
