/**
 * awaitedKind: what an awaited value is (a snapshot leaf's `valueKind`), read from property
 * descriptors only: no getter, trap or method of the program runs while it looks.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awaitedKind } from '../dist/snapshot/value-kind.js';

/** A getter that fails the test if the classification ever calls it. */
function untouchable(what: string): () => never {
  return () => assert.fail(`${what}: a getter ran`);
}

/** A proxy whose every trap fails the test: looking at it must not run program code. */
function trappedProxy<T extends object>(target: T): T {
  const fail = (trap: string) => () => assert.fail(`proxy trap ${trap} ran`);
  return new Proxy(target, {
    get: fail('get'),
    getOwnPropertyDescriptor: fail('getOwnPropertyDescriptor'),
    getPrototypeOf: fail('getPrototypeOf'),
    has: fail('has'),
    ownKeys: fail('ownKeys'),
  });
}

/** An object whose `then` method sits `depth` prototype links above it (0: its own property). */
function thenAtDepth(depth: number, key: PropertyKey = 'then'): object {
  let o: object = { [key]() {} };
  for (let i = 0; i < depth; i++) o = Object.create(o) as object;
  return o;
}

describe('awaitedKind', () => {
  it('promises: native ones and instances of subclasses, pending or settled', () => {
    class MyPromise<T> extends Promise<T> {}
    const rejected = Promise.reject(new Error('x'));
    rejected.catch(() => {});
    assert.deepEqual(
      [new Promise(() => {}), Promise.resolve(1), rejected, MyPromise.resolve(2)].map(awaitedKind),
      ['promise', 'promise', 'promise', 'promise'],
    );
  });

  it('primitives are values', () => {
    assert.deepEqual(
      [undefined, null, 0, 1n, 'then', true, Symbol('s')].map(awaitedKind),
      ['value', 'value', 'value', 'value', 'value', 'value', 'value'],
    );
  });

  it('objects and functions without a then method or Symbol.asyncIterator are values', () => {
    assert.deepEqual(
      [{}, [], () => {}, Object.create(null), { then: 5 }, { then: null }, { [Symbol.asyncIterator]: 'no' }, new Map(), (function* () {})()].map(awaitedKind),
      ['value', 'value', 'value', 'value', 'value', 'value', 'value', 'value', 'value'],
    );
  });

  it('thenables: a then method, own or inherited, on an object or a function; a then getter, never called', () => {
    class Thenable {
      then(): void {}
    }
    const fn = Object.assign(() => {}, { then() {} });
    const getter = Object.defineProperty({}, 'then', { get: untouchable('then') });
    const setterOnly = Object.defineProperty({}, 'then', { set(_: unknown) {} });
    assert.deepEqual([{ then() {} }, new Thenable(), fn, getter, setterOnly].map(awaitedKind), ['thenable', 'thenable', 'thenable', 'thenable', 'thenable']);
  });

  it('an own then that is not a function hides an inherited then method', () => {
    const o = Object.create({ then() {} }) as object;
    Object.defineProperty(o, 'then', { value: undefined });
    assert.equal(awaitedKind(o), 'value');
  });

  it('a proxy is a thenable, whatever it wraps, and none of its traps runs', () => {
    assert.deepEqual([trappedProxy({}), trappedProxy(() => {}), trappedProxy([])].map(awaitedKind), ['thenable', 'thenable', 'thenable']);
  });

  it('a proxy in the prototype chain ends the search there, its traps untouched', () => {
    const below = Object.create(trappedProxy({ then() {} })) as object;
    assert.equal(awaitedKind(below), 'value');
    const iterableBelow = Object.create(trappedProxy({ [Symbol.asyncIterator]() {} })) as object;
    assert.equal(awaitedKind(iterableBelow), 'value');
    // What is found before the proxy still counts.
    const thenBefore = Object.create(Object.create(trappedProxy({})) as object, { then: { value() {} } }) as object;
    assert.equal(awaitedKind(thenBefore), 'thenable');
  });

  it('async iterables: a Symbol.asyncIterator method, own or inherited, or a getter never called; then wins over it', () => {
    async function* gen(): AsyncGenerator<number> {}
    const getter = Object.defineProperty({}, Symbol.asyncIterator, { get: untouchable('Symbol.asyncIterator') });
    assert.deepEqual(
      [{ [Symbol.asyncIterator]() {} }, gen(), getter, thenAtDepth(3, Symbol.asyncIterator), { then() {}, [Symbol.asyncIterator]() {} }].map(awaitedKind),
      ['async-iterable', 'async-iterable', 'async-iterable', 'async-iterable', 'thenable'],
    );
  });

  it('follows 64 objects of a prototype chain (the value and 63 links), not one more', () => {
    assert.equal(awaitedKind(thenAtDepth(62)), 'thenable');
    assert.equal(awaitedKind(thenAtDepth(63)), 'thenable');
    assert.equal(awaitedKind(thenAtDepth(64)), 'value');
    assert.equal(awaitedKind(thenAtDepth(63, Symbol.asyncIterator)), 'async-iterable');
    assert.equal(awaitedKind(thenAtDepth(64, Symbol.asyncIterator)), 'value');
  });
});
