/**
 * frame-records: how the snapshot builder reads the runtime's records (frames, combinator calls,
 * array slots), on records made directly, none of it running program code.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  awaitedValueOf,
  isCombinatorCall,
  isDone,
  isClaimed,
  isFrameRecord,
  isUnclaimable,
  isUnclaimableField,
  keptPromiseOf,
  SITE_RETURN,
  SITE_YIELD,
} from '../dist/snapshot/frame-records.js';
import { ArraySlot, CombinatorLink, currentSeq, DONE, Frame, GENERATOR, KIND_AWAIT, KIND_RETURN, KIND_YIELD, UNCLAIMABLE } from '../dist/runtime/frame.js';

/** A proxy whose every trap fails the test. */
function trappedProxy<T extends object>(target: T): T {
  const fail = (trap: string) => () => assert.fail(`proxy trap ${trap} ran`);
  return new Proxy(target, { get: fail('get'), getOwnPropertyDescriptor: fail('getOwnPropertyDescriptor'), getPrototypeOf: fail('getPrototypeOf'), has: fail('has') });
}

describe('frame records', () => {
  it('site kinds are the runtime\'s, return and yield apart from await', () => {
    assert.deepEqual([SITE_RETURN, SITE_YIELD], [KIND_RETURN, KIND_YIELD]);
    assert.equal(new Set([SITE_RETURN, SITE_YIELD, KIND_AWAIT]).size, 3);
  });

  it('isFrameRecord: frames only, not objects inheriting from one, not proxies of one', () => {
    const f = new Frame(undefined);
    assert.deepEqual(
      [f, {}, null, undefined, 1, Object.create(f), trappedProxy(f), new CombinatorLink(0, [], undefined)].map(isFrameRecord),
      [true, false, false, false, false, false, false, false],
    );
  });

  it('awaitedValueOf: what the frame awaits, nothing before its first await', () => {
    const f = new Frame(undefined);
    assert.equal(awaitedValueOf(f), undefined);
    const v = { awaited: true };
    f.a(0, v);
    assert.equal(awaitedValueOf(f), v);
  });

  it('isCombinatorCall: combinator records only, not proxies of one nor look-alikes', () => {
    const link = new CombinatorLink(3, [], Promise.resolve());
    assert.deepEqual(
      [link, trappedProxy(link), { site: 3, members: [], promise: undefined }, new Frame(undefined), null, 'all'].map(isCombinatorCall),
      [true, false, false, false, false, false],
    );
  });

  it('isDone: only the done mark, not running, suspended or an early return', () => {
    const f = new Frame(undefined);
    const at = (site: number) => {
      f.site = site;
      return isDone(f);
    };
    assert.deepEqual([DONE, -1, 0, 5, -3, -4].map(at), [true, false, false, false, false, false]);
    assert.equal(DONE, -2);
  });

  it('isUnclaimable: frames of generators and modules only', () => {
    assert.deepEqual([new Frame(UNCLAIMABLE), new Frame(undefined), new Frame(Promise.resolve()), new Frame(Symbol('other'))].map(isUnclaimable), [true, false, false, false]);
  });

  it('GENERATOR (an async generator\'s frame) reads as UNCLAIMABLE does: unclaimable, not claimed, keeping no promise', () => {
    const p = Promise.resolve();
    assert.deepEqual([new Frame(GENERATOR), new Frame(UNCLAIMABLE), new Frame(undefined), new Frame(p)].map(isUnclaimable), [true, true, false, false]);
    assert.deepEqual([GENERATOR, UNCLAIMABLE, undefined, p].map(isUnclaimableField), [true, true, false, false]);
    assert.deepEqual([new Frame(GENERATOR), new Frame(UNCLAIMABLE), new Frame(undefined), new Frame(p)].map(isClaimed), [false, false, false, true]);
    assert.equal(keptPromiseOf(new Frame(GENERATOR)), undefined);
  });

  it('keptPromiseOf: the kept promise itself, or an array slot\'s element when it is an object; nothing for unclaimable or unkept frames', () => {
    // A frame holding a slot whose element `index` is its own: the next frame's seq minus index is the slot's first seq.
    const slotFrame = (array: unknown, index: number): Frame => new Frame(new ArraySlot(array as unknown[], currentSeq() + 1 - index));
    const p = Promise.resolve(1);
    const other = { then() {} };
    assert.equal(keptPromiseOf(new Frame(p)), p);
    assert.equal(keptPromiseOf(new Frame(other)), other);
    assert.equal(keptPromiseOf(new Frame(undefined)), undefined);
    assert.equal(keptPromiseOf(new Frame(UNCLAIMABLE)), undefined);
    const q = Promise.resolve(2);
    const array: unknown[] = [p, q, 7, null, () => {}];
    array[6] = p; // index 5 is a hole
    Object.defineProperty(array, 7, { get: () => assert.fail('a getter ran'), enumerable: true });
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => keptPromiseOf(slotFrame(array, i))),
      [p, q, undefined, undefined, undefined, undefined, p, undefined, undefined],
    );
    // A frame whose seq is before the slot's first (index -1) reads no element, not even an own "-1" a program put on its array.
    const minusOne: unknown[] = [p];
    Object.defineProperty(minusOne, '-1', { value: q, enumerable: true });
    assert.equal(keptPromiseOf(slotFrame(minusOne, -1)), undefined);
    assert.equal(keptPromiseOf(slotFrame(trappedProxy([p]), 0)), undefined, 'an array behind a proxy is not read');
    assert.equal(keptPromiseOf(slotFrame(null, 0)), undefined);
    assert.equal(keptPromiseOf(slotFrame('ab', 0)), undefined);
    // Only arrays are read: not a function that has an element-like property.
    const fn = Object.assign(() => {}, { 0: p });
    assert.equal(keptPromiseOf(slotFrame(fn, 0)), undefined);
    assert.equal(keptPromiseOf(new Frame(new ArraySlot([p], currentSeq() + 2))), undefined, 'a frame entered before the slot\'s first callee has no element');
    const proxiedSlot = trappedProxy(new ArraySlot([p], 0));
    assert.equal(keptPromiseOf(new Frame(proxiedSlot)), proxiedSlot, 'a proxy of a slot is not a slot: it is what was kept');
  });
});
