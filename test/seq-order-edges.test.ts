/**
 * seqOrder at the edges of its paths: spans of exactly 2^11, 2^22 and 2^32 (one more radix pass,
 * or the comparator sort), seqs that are not whole numbers at either end of the range, negative
 * seqs, and equal seqs in the comparator sort (kept in order).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seqOrder } from '../dist/snapshot/seq-order.js';

const order = (seqs: number[]) => [...seqOrder(seqs)];

describe('seqOrder edges', () => {
  it('a span of exactly 2^11 or 2^22 takes one more radix pass; of 2^32, the comparator sort', () => {
    for (const span of [2 ** 11, 2 ** 22, 2 ** 32]) {
      assert.deepEqual(order([1000 + span, 1000]), [1, 0], `span ${span}`);
      assert.deepEqual(order([1000 + span, 1000 + span - 1, 1000, 1001]), [2, 3, 1, 0], `span ${span}`);
    }
  });

  it('a span past 2^32 is sorted whole (its offsets would wrap in 32 bits)', () => {
    assert.deepEqual(order([2 ** 32 + 5, 3, 2 ** 32]), [1, 2, 0]);
    assert.deepEqual(order([2 ** 33, 1, 2 ** 32 + 2]), [1, 2, 0]);
  });

  it('seqs that are not whole numbers: the comparator sort, whichever end they are at', () => {
    assert.deepEqual(order([2, 1.5]), [1, 0]);
    assert.deepEqual(order([1, 2.5, 2]), [0, 2, 1]);
    assert.deepEqual(order([1.7, 1.2, 1.5]), [1, 2, 0]);
  });

  it('negative seqs', () => {
    assert.deepEqual(order([0, -3000]), [1, 0]);
    assert.deepEqual(order([5, -1, 3, -7]), [3, 1, 2, 0]);
  });

  it('equal seqs keep their order in the comparator sort too', () => {
    assert.deepEqual(order([2 ** 40, 5, 5, 5, 2 ** 40, 5]), [1, 2, 3, 5, 0, 4]);
  });
});
