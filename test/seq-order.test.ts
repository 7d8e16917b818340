// The order of frames in a snapshot (oldest first) comes from seqOrder: a radix sort for spans
// under 2^32 (one, two or three passes), a comparator sort beyond. Each path is checked against
// a plain stable sort.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { seqOrder } from '../dist/snapshot/seq-order.js';

function expected(seqs: readonly number[]): number[] {
  return seqs.map((_, i) => i).sort((a, b) => seqs[a]! - seqs[b]! || a - b);
}

describe('seqOrder', () => {
  it('orders nothing, one and two values', () => {
    assert.deepEqual([...seqOrder([])], []);
    assert.deepEqual([...seqOrder([7])], [0]);
    assert.deepEqual([...seqOrder([9, 3])], [1, 0]);
  });

  it('keeps equal values in their order (a frame reached twice sorts next to itself)', () => {
    assert.deepEqual([...seqOrder([5, 2, 5, 2, 5])], [1, 3, 0, 2, 4]);
  });

  for (const [label, span] of [
    ['one radix pass (span < 2^11)', 2 ** 11 - 1],
    ['two passes (span < 2^22)', 2 ** 22 - 1],
    ['three passes (span < 2^32)', 2 ** 32 - 1],
    ['the comparator sort (span >= 2^32)', 2 ** 40],
  ] as const) {
    it(`sorts like a stable comparator sort: ${label}`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 45 }), fc.array(fc.integer({ min: 0, max: span }), { minLength: 2, maxLength: 300 }), (base, offsets) => {
          // The extremes present, so that the span is the one this case is about.
          const seqs = [base, ...offsets.map((o) => base + o), base + span];
          assert.deepEqual([...seqOrder(seqs)], expected(seqs));
        }),
        { numRuns: 200 },
      );
    });
  }

  it('sorts 100k seqs of interleaved chains as discovery finds them (roots, then each level)', () => {
    const seqs: number[] = [];
    for (let level = 0; level < 4; level++) for (let chain = 0; chain < 25_000; chain++) seqs.push(1000 + chain * 4 + level);
    const order = seqOrder(seqs);
    assert.deepEqual([...order], expected(seqs));
    assert.equal(seqs[order[0]!], 1000);
    assert.equal(seqs[order[99_999]!], 1000 + 99_999);
  });
});
