/** The runtime's link records (src/runtime/links.ts): what they hold, and frozen, so that `instanceof` on them is awaitwhat's alone. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArraySlot, CombinatorLink, IterationLink, UNCLAIMABLE } from '../dist/runtime/links.js';

describe('link records', () => {
  it('hold what they were made with', () => {
    const array = [1];
    const slot = new ArraySlot(array, 7);
    assert.deepEqual([slot.array, slot.firstSeq, slot.seqs], [array, 7, undefined]);
    const seqs = [7, 9];
    assert.equal(new ArraySlot([1, 2], 7, seqs).seqs, seqs);
    const link = new CombinatorLink(4, array, 'p');
    assert.deepEqual([link.site, link.members, link.promise], [4, array, 'p']);
    const iteration = new IterationLink(5, array, 9);
    assert.deepEqual([iteration.site, iteration.iterable, iteration.firstSeq], [5, array, 9]);
    assert.equal(UNCLAIMABLE.description, 'awaitwhat.unclaimable');
  });

  it('their classes and prototypes are frozen: no one can redefine instanceof on them or add a method', () => {
    for (const C of [ArraySlot, CombinatorLink, IterationLink]) {
      assert.equal(Object.isFrozen(C), true, C.name);
      assert.equal(Object.isFrozen(C.prototype), true, `${C.name}.prototype`);
      assert.throws(() => Object.defineProperty(C, Symbol.hasInstance, { value: () => true }), TypeError);
    }
  });
});
