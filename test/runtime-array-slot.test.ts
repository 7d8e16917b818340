// isArraySlot (src/runtime/links.ts): the snapshot checks every frame's promise field with it, so
// it must tell an ArraySlot from anything the program can put there without running program code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArraySlot, arraySlotIndex, isArraySlot } from '../dist/runtime/links.js';

describe('isArraySlot', () => {
  it('is true for an ArraySlot', () => {
    assert.equal(isArraySlot(new ArraySlot([], 0)), true);
  });

  it('is false for primitives, promises, arrays and look-alikes', () => {
    for (const v of [undefined, null, 0, 'slot', Symbol('s'), Promise.resolve(), [], { array: [], index: 0 }, Object.create(ArraySlot.prototype)]) {
      assert.equal(isArraySlot(v), false, String(typeof v));
    }
  });

  it('is false for a proxy of an ArraySlot, and runs none of its traps', () => {
    const trapped: string[] = [];
    const handler: ProxyHandler<object> = {};
    for (const trap of ['get', 'has', 'getPrototypeOf', 'ownKeys', 'getOwnPropertyDescriptor'] as const) {
      (handler as Record<string, unknown>)[trap] = () => {
        trapped.push(trap);
        throw new Error(`trap ${trap} ran`);
      };
    }
    assert.equal(isArraySlot(new Proxy(new ArraySlot([], 0), handler)), false);
    assert.deepEqual(trapped, []);
  });
});

describe('arraySlotIndex', () => {
  it('counts from firstSeq when no seqs are listed (an index past the end reads as no element)', () => {
    const slot = new ArraySlot([1, 2, 3], 10);
    assert.deepEqual([9, 10, 11, 12, 13].map((seq) => arraySlotIndex(slot, seq)), [-1, 0, 1, 2, 3]);
  });

  it('finds a seq among listed ones, and -1 for any other', () => {
    const seqs = Object.setPrototypeOf([4, 9, 15, 16], null) as number[];
    const slot = new ArraySlot([1, 2, 3, 4], 4, seqs);
    assert.deepEqual([3, 4, 5, 9, 15, 16, 17].map((seq) => arraySlotIndex(slot, seq)), [-1, 0, -1, 1, 2, 3, -1]);
  });
});
