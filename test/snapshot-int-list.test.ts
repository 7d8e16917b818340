// IntList and FloatList (src/snapshot/int-list.ts): the snapshot builder's growable columns. Each
// is checked against a plain array under the same pushes, across the capacity doublings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FloatList, IntList } from '../dist/snapshot/int-list.js';

describe('IntList', () => {
  it('starts empty: length 0, an empty view, nothing at 0', () => {
    const list = new IntList();
    assert.equal(list.length, 0);
    assert.deepEqual([...list.view()], []);
    assert.equal(list.at(0), undefined);
  });

  it('keeps every pushed value in order across growth from capacity 1', () => {
    const list = new IntList(1);
    const values = [5, -1, 0, 2147483647, -2147483648, 7, 7, 3];
    for (const v of values) list.push(v);
    assert.equal(list.length, values.length);
    assert.deepEqual([...list.view()], values);
    assert.deepEqual(values.map((_, i) => list.at(i)), values);
  });

  it('answers undefined outside 0 … length - 1, whatever the buffer holds beyond', () => {
    const list = new IntList(64);
    list.push(4);
    assert.equal(list.at(-1), undefined);
    assert.equal(list.at(1), undefined);
    assert.equal(list.at(63), undefined);
    assert.equal(list.view().length, 1);
  });

  it('a capacity of 0 or less still takes pushes', () => {
    for (const capacity of [0, -3]) {
      const list = new IntList(capacity);
      list.push(1);
      list.push(2);
      assert.deepEqual([...list.view()], [1, 2]);
    }
  });

  it('matches an array under any pushes of 32-bit integers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 300 }), (capacity, values) => {
        const list = new IntList(capacity);
        for (const v of values) list.push(v);
        assert.equal(list.length, values.length);
        assert.deepEqual([...list.view()], values);
      }),
    );
  });
});

describe('FloatList', () => {
  it('keeps doubles exactly (fractions, seqs beyond 2^31, negatives) across growth', () => {
    const list = new FloatList(1);
    const values = [0.5, 2 ** 40 + 1, -3.25, 0, Number.MAX_SAFE_INTEGER, 1e-9];
    for (const v of values) list.push(v);
    assert.equal(list.length, values.length);
    assert.deepEqual([...list.view()], values);
    assert.deepEqual(values.map((_, i) => list.at(i)), values);
    assert.equal(list.at(values.length), undefined);
  });

  it('matches an array under any pushes of doubles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.array(fc.double({ noNaN: true }), { maxLength: 300 }), (capacity, values) => {
        const list = new FloatList(capacity);
        for (const v of values) list.push(v);
        assert.deepEqual([...list.view()], values);
      }),
    );
  });
});
