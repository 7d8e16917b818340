/**
 * readMembers: a combinator's argument read without running program code — arrays element by
 * element through descriptors (getters reported, never run; holes undefined), sets through the
 * iterator captured at load, proxies and everything else not at all.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMembers, UNREADABLE } from '../dist/snapshot/members.js';

/** A proxy whose every trap fails the test. */
function trappedProxy<T extends object>(target: T): T {
  const fail = (trap: string) => () => assert.fail(`proxy trap ${trap} ran`);
  return new Proxy(target, { get: fail('get'), getOwnPropertyDescriptor: fail('getOwnPropertyDescriptor'), getPrototypeOf: fail('getPrototypeOf'), has: fail('has'), ownKeys: fail('ownKeys') });
}

function all(argument: unknown): unknown[] | undefined {
  const list = readMembers(argument);
  if (list === undefined) return undefined;
  return Array.from({ length: list.count }, (_, i) => list.at(i));
}

describe('readMembers', () => {
  it('an array: every element, a hole as undefined, a getter as UNREADABLE without running it', () => {
    const p = Promise.resolve(1);
    const array: unknown[] = [p, , 3, undefined];
    Object.defineProperty(array, 4, { get: () => assert.fail('a getter ran'), enumerable: true, configurable: true });
    assert.deepEqual(all(array), [p, undefined, 3, undefined, UNREADABLE]);
    assert.equal(readMembers(array)!.count, 5);
  });

  it('a long array: every member counted and read', () => {
    const array = Array.from({ length: 3000 }, (_, i) => i);
    assert.deepEqual(all(array), array);
  });

  it('a set: its elements in insertion order, an overridden iterator not run', () => {
    const set = new Set<unknown>(['a', 2, 'a', null]);
    Object.defineProperty(set, Symbol.iterator, { value: () => assert.fail('the iterator ran') });
    assert.deepEqual(all(set), ['a', 2, null]);
  });

  it('empty array and set: no members, but a list', () => {
    assert.deepEqual(all([]), []);
    assert.deepEqual(all(new Set()), []);
  });

  it('nothing for primitives, null, plain objects, maps, array-likes, and proxies of arrays or sets (no trap runs)', () => {
    const values: unknown[] = [undefined, null, 0, 'ab', Symbol('s'), 1n, true, () => [], { length: 1, 0: 'x' }, new Map([[1, 2]]), trappedProxy([1, 2]), trappedProxy(new Set([1]))];
    assert.deepEqual(values.map(readMembers), values.map(() => undefined));
  });
});
